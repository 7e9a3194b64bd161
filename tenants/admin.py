from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tenants import selectors, services
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

    def delete_view(self, request, object_id, extra_context=None):
        """The change page's "Delete" asks on the same page as the action, naming what will be dropped."""
        library = self.get_object(request, unquote(object_id))
        if library is None:
            return super().delete_view(request, object_id, extra_context)  # Django's "does not exist"
        if not self.has_delete_permission(request, library):
            raise PermissionDenied
        page = self._confirm_deletion(request, [library], from_action=False)
        return page or HttpResponseRedirect(reverse("admin:tenants_library_changelist"))

    @admin.action(description=_("Hapus perpustakaan beserta skemanya"), permissions=["delete"])
    def delete_with_schema(self, request, queryset):
        return self._confirm_deletion(request, list(queryset), from_action=True)

    def _confirm_deletion(self, request, libraries: list[Library], *, from_action: bool):
        """A page that names every schema, count and row the deletion drops; deletes on its "Ya, hapus"
        (``confirm=yes`` in a POST) through services.delete_library, one library at a time."""
        summaries = [selectors.library_deletion_summary(library=library) for library in libraries]
        blocked = any(summary.protected for summary in summaries)
        if request.method == "POST" and request.POST.get("confirm") == "yes" and not blocked:
            self.log_deletions(request, Library.objects.filter(pk__in=[library.pk for library in libraries]))
            for library in libraries:
                services.delete_library(library=library)
            self.message_user(
                request,
                ngettext(
                    "%(count)d perpustakaan dihapus beserta skemanya.",
                    "%(count)d perpustakaan dihapus beserta skemanya.",
                    len(libraries),
                )
                % {"count": len(libraries)},
                messages.SUCCESS,
            )
            return None  # the action returns to the list; delete_view redirects there
        context = {
            **self.admin_site.each_context(request),
            "title": _("Hapus perpustakaan beserta skemanya"),
            "subtitle": None,
            "opts": self.model._meta,
            "summaries": summaries,
            "blocked": blocked,
            "from_action": from_action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "cancel_url": reverse("admin:tenants_library_changelist"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/tenants/library/delete_with_schema.html", context)
