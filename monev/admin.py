"""Admin: instruments and assessments are read-only here (they change through the services and the sync);
historic totals are recorded through ``services.record_historic_score`` so they are audited."""

from django.contrib import admin

from monev import services
from monev.models import Assessment, AuditEvent, HistoricScore, Instrument


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Instrument)
class InstrumentAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "library_type", "year", "indicator_count", "content_hash", "synced_at")
    list_filter = ("library_type",)
    exclude = ("components",)


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ("library", "year", "instrument", "status", "total", "grade", "answered_count")
    list_filter = ("status", "year", "instrument", "grade")
    search_fields = ("library__name", "library__code")
    list_select_related = ("library", "instrument")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "library",
        "assessment",
        "actor",
        "action",
        "indicator_code",
        "from_value",
        "to_value",
    )
    list_filter = ("action",)
    list_select_related = ("library", "assessment", "actor")


@admin.register(HistoricScore)
class HistoricScoreAdmin(admin.ModelAdmin):
    list_display = ("library", "year", "total", "grade", "source")
    list_filter = ("year", "grade")
    fields = ("library", "year", "total", "source", "instrument")

    def save_model(self, request, obj, form, change):
        saved = services.record_historic_score(
            library=obj.library,
            year=obj.year,
            total=obj.total,
            source=obj.source,
            instrument=obj.instrument,
            by=request.user,
        )
        obj.pk = saved.pk
