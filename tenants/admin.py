from django import forms
from django.contrib import admin

from tenants import services
from tenants.models import Domain, Library


class LibraryCreationForm(forms.ModelForm):
    """Validates a new library with the provisioning rules, so the admin shows the same errors as the CLI."""

    class Meta:
        model = Library
        fields = (
            "code",
            "name",
            "kind",
            "city",
            "province",
            "latitude",
            "longitude",
            "system",
            "website",
            "active",
        )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        try:
            services.validate_library_code(code)
        except services.LibraryProvisioningError as error:
            raise forms.ValidationError(str(error)) from error
        return code


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Library)
class LibraryAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "kind",
        "city",
        "province",
        "system",
        "record_count",
        "active",
    )
    list_filter = ("kind", "system", "province", "active")
    search_fields = ("code", "name", "city", "province")
    readonly_fields = ("schema_name", "record_count", "copy_count", "created_at")
    inlines = [DomainInline]
    actions = ["delete_with_schema"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = LibraryCreationForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return LibraryCreationForm.Meta.fields if obj is None else super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "code") if obj else ()

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj else []

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # the stock bulk delete would leave schemas behind
        return actions

    def save_model(self, request, obj, form, change):
        if change:
            active = obj.active
            if "active" in form.changed_data:
                obj.active = form.initial.get("active", not active)  # the service changes it, and says so
            super().save_model(request, obj, form, change)
            services.set_library_active(library=obj, active=active)
            return
        fields = {name: form.cleaned_data.get(name) for name in LibraryCreationForm.Meta.fields}
        created = services.create_library(**fields)
        obj.pk, obj.schema_name = created.pk, created.schema_name

    def delete_model(self, request, obj):
        services.delete_library(library=obj)

    @admin.action(description="Hapus perpustakaan beserta skemanya")
    def delete_with_schema(self, request, queryset):
        count = 0
        for library in queryset:
            services.delete_library(library=library)
            count += 1
        self.message_user(request, f"{count} perpustakaan dihapus.")
