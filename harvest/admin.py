"""Django admin for harvest sources, runs and problems. Sources are edited here (schedule, interval,
on/off); adding one checks the endpoint first, as the operator page does; runs are read-only records."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from harvest.models import HarvestProblem, HarvestRun, HarvestSource
from harvest.schedules import ensure_source_schedules
from harvest.services import HarvestError, enqueue_harvest, enqueue_reconcile, inspect_endpoint


class HarvestSourceAdminForm(forms.ModelForm):
    class Meta:
        model = HarvestSource
        fields = (
            "library",
            "name",
            "kind",
            "base_url",
            "metadata_format",
            "set_spec",
            "enabled",
            "schedule",
            "reconcile_schedule",
            "reconcile_every_days",
            "next_from",
        )

    def clean(self):
        cleaned = super().clean()
        url_or_format_changed = {"base_url", "metadata_format", "set_spec"} & set(self.changed_data)
        if (
            cleaned.get("kind") == HarvestSource.Kind.OAI_PMH
            and url_or_format_changed
            and cleaned.get("base_url")
        ):
            try:
                details = inspect_endpoint(
                    base_url=cleaned["base_url"],
                    metadata_format=cleaned.get("metadata_format") or HarvestSource.MetadataFormat.OAI_DC,
                    set_spec=cleaned.get("set_spec") or "",
                )
            except HarvestError as error:
                raise forms.ValidationError(str(error)) from error
            cleaned.update(details)
            for field, value in details.items():
                setattr(self.instance, field, value)
        return cleaned


class HarvestProblemInline(admin.TabularInline):
    model = HarvestProblem
    fields = ("identifier", "reason", "page_token", "created_at")
    readonly_fields = fields
    extra = 0
    max_num = 0
    show_change_link = False
    can_delete = False


@admin.register(HarvestSource)
class HarvestSourceAdmin(admin.ModelAdmin):
    form = HarvestSourceAdminForm
    list_display = (
        "library",
        "name",
        "kind",
        "flavour",
        "metadata_format",
        "enabled",
        "schedule",
        "next_from",
    )
    list_filter = ("kind", "flavour", "metadata_format", "enabled")
    search_fields = ("library__code", "library__name", "name", "base_url")
    autocomplete_fields = ("library",)
    readonly_fields = ("flavour", "metadata_prefix", "granularity", "repository_name", "created_at")
    raw_id_fields = ("schedule", "reconcile_schedule")
    actions = ("harvest_now", "reconcile_now")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        ensure_source_schedules(obj)  # creates missing schedules; follows `enabled` and the interval

    @admin.action(description=_("Harvest sekarang"))
    def harvest_now(self, request, queryset):
        for source in queryset.exclude(kind=HarvestSource.Kind.FILE):
            enqueue_harvest(source=source)
        messages.success(request, _("Panen masuk antrean."))

    @admin.action(description=_("Rekonsiliasi sekarang"))
    def reconcile_now(self, request, queryset):
        for source in queryset.filter(kind=HarvestSource.Kind.OAI_PMH):
            enqueue_reconcile(source=source)
        messages.success(request, _("Rekonsiliasi masuk antrean."))


@admin.register(HarvestRun)
class HarvestRunAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "source",
        "mode",
        "status",
        "started_at",
        "finished_at",
        "records_seen",
        "created_count",
        "updated_count",
        "deleted_count",
        "failed_count",
    )
    list_filter = ("status", "mode", "source__kind")
    search_fields = ("source__library__code", "source__base_url", "last_error")
    date_hierarchy = "created_at"
    list_select_related = ("source__library",)
    inlines = (HarvestProblemInline,)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in HarvestRun._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(HarvestProblem)
class HarvestProblemAdmin(admin.ModelAdmin):
    list_display = ("run", "identifier", "short_reason", "created_at")
    search_fields = ("identifier", "reason", "run__source__library__code")
    list_select_related = ("run__source__library",)
    readonly_fields = ("run", "identifier", "reason", "page_token", "created_at")

    @admin.display(description=_("alasan"))
    def short_reason(self, problem: HarvestProblem) -> str:
        return problem.reason[:120]

    def has_add_permission(self, request):
        return False
