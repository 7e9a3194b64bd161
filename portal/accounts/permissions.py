"""The one place that decides who may do what. Every view, API and admin action asks here.

Roles: a ``librarian`` membership gives a user their own library's collection and self-assessment;
``supervisor`` (Balitbang staff) reads every library and verifies assessments; ``operator`` runs the
platform (libraries, harvest sources, index). Superusers count as operators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from portal.accounts.models import GlobalRole, LibraryRole

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User
    from tenants.models import Library


def is_operator(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.global_role == GlobalRole.OPERATOR))


def is_supervisor(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.global_role == GlobalRole.SUPERVISOR)


def is_librarian_of(user: User | AnonymousUser, library: Library) -> bool:
    if not user.is_authenticated or library is None or not getattr(library, "pk", None):
        return False
    return user.memberships.filter(library_id=library.pk, role=LibraryRole.LIBRARIAN).exists()


def can_manage_library(user: User | AnonymousUser, library: Library) -> bool:
    """Edit the library's collection, members, loans and its own self-assessment."""
    return is_librarian_of(user, library) or is_operator(user)


def can_view_library_internals(user: User | AnonymousUser, library: Library) -> bool:
    """See what is not public (assessments, evidence, harvest errors): the library's staff, supervisors."""
    return can_manage_library(user, library) or is_supervisor(user)


def can_read_library_catalogue(user: User | AnonymousUser, library: Library) -> bool:
    """See the whole catalogue of the library, hidden records included, and its circulation figures:
    its staff and supervisors (who read every catalogue and change none)."""
    return can_view_library_internals(user, library)


def can_edit_library_catalogue(user: User | AnonymousUser, library: Library) -> bool:
    """Change records and copies: the library's staff, and only when the catalogue is managed in Simpul
    (a harvested library's catalogue is edited in its own SLiMS)."""
    return can_manage_library(user, library) and bool(getattr(library, "catalogue_managed_in_simpul", False))


def can_run_circulation(user: User | AnonymousUser, library: Library) -> bool:
    """Lend and take back copies, manage members, fines and reservations: the library's staff, and only
    when the library is managed in Simpul (a harvested SLiMS library circulates in its SLiMS)."""
    return can_manage_library(user, library) and bool(getattr(library, "catalogue_managed_in_simpul", False))


def can_supervise(user: User | AnonymousUser) -> bool:
    """Compare libraries, verify or return assessments."""
    return is_supervisor(user) or is_operator(user)


def can_see_service_details(user: User | AnonymousUser) -> bool:
    """Versions, host and cluster names, error text of the services behind /healthz."""
    return is_operator(user)


def libraries_managed_by(user: User | AnonymousUser):
    from tenants.models import Library

    if is_operator(user):
        return Library.objects.all()
    if not user.is_authenticated:
        return Library.objects.none()
    return Library.objects.filter(memberships__user=user, memberships__role=LibraryRole.LIBRARIAN).distinct()


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def current_library(request) -> Library | None:
    """The library whose host this request came in on, or None on the public portal."""
    tenant = getattr(request, "tenant", None)
    if (
        tenant is None
        or getattr(tenant, "schema_name", "public") == "public"
        or not getattr(tenant, "pk", None)
    ):
        return None
    return tenant


class LibraryStaffRequiredMixin(AccessMixin):
    """HTML views on a library's host that only its librarians (and operators) may open."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        require(can_manage_library(request.user, current_library(request)))
        return super().dispatch(request, *args, **kwargs)


class SupervisorRequiredMixin(AccessMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        require(can_supervise(request.user))
        return super().dispatch(request, *args, **kwargs)


class LibraryInternalsRequiredMixin(AccessMixin):
    """HTML views on a library's host that its staff and supervisors may open (reading internals)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        require(can_view_library_internals(request.user, current_library(request)))
        return super().dispatch(request, *args, **kwargs)


class OperatorRequiredMixin(AccessMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        require(is_operator(request.user))
        return super().dispatch(request, *args, **kwargs)


class IsLibraryStaff(BasePermission):
    """DRF: the request's library (from its host) is managed by the user."""

    def has_permission(self, request, view) -> bool:
        return can_manage_library(request.user, current_library(request))


class IsSupervisor(BasePermission):
    def has_permission(self, request, view) -> bool:
        return can_supervise(request.user)


class IsOperator(BasePermission):
    def has_permission(self, request, view) -> bool:
        return is_operator(request.user)


class CanViewObjectLibraryInternals(BasePermission):
    """DRF, per object: the object's ``library`` (an assessment's, evidence's) is visible to the user."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, obj) -> bool:
        return can_view_library_internals(request.user, obj.library)


class CanManageObjectLibrary(BasePermission):
    """DRF, per object: the user manages the object's ``library`` (a librarian answering its assessment)."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, obj) -> bool:
        return can_manage_library(request.user, obj.library)
