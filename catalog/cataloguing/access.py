"""Who may open the cataloguing pages, asked of the permission module (portal.accounts.permissions).

``read``: the library's staff and supervisors (the whole catalogue, hidden records included);
``edit``: the library's staff, only while the catalogue is managed in Simpul; ``manage``: the library's
staff whatever the mode (the move-over). Anonymous users are sent to the login page; everyone else who may
not gets a 403 page that says why."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from portal.accounts.permissions import (
    can_edit_library_catalogue,
    can_manage_library,
    can_read_library_catalogue,
    current_library,
)

CHECKS = {
    "read": can_read_library_catalogue,
    "edit": can_edit_library_catalogue,
    "manage": can_manage_library,
}


def _refusal(request, library, level: str) -> str:
    if library is None:
        return _("Halaman ini ada di situs perpustakaan, bukan di portal.")
    if level == "edit" and can_manage_library(request.user, library):
        return _(
            "Katalog %(library)s dipanen dari %(system)s: cantuman dan eksemplar diubah di sana. Pindahkan "
            "katalog ke Simpul lewat «Pindah dari SLiMS» untuk menyuntingnya di sini."
        ) % {"library": library.name, "system": library.get_system_display()}
    if level != "read" and can_read_library_catalogue(request.user, library):
        return _("Anda dapat melihat katalog ini, tetapi tidak mengubahnya.")
    return _("Halaman ini hanya untuk pustakawan %(library)s.") % {"library": library.name}


def _fresh_mode(library) -> None:
    """The host → library lookup is cached per process for a few seconds; the library's system decides
    who may edit (managed = Simpul), and a move-over changes it, so it is read fresh (one small query)."""
    from tenants.models import Library

    system = Library.objects.filter(pk=library.pk).values_list("system", flat=True).first()
    if system:
        library.system = system


def staff_view(level: str, *, json: bool = False):
    check = CHECKS[level]

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            library = current_library(request)
            if library is not None:
                _fresh_mode(library)
            if not request.user.is_authenticated:
                if json:
                    return JsonResponse({"error": _("Silakan masuk terlebih dahulu.")}, status=401)
                return redirect_to_login(request.get_full_path())
            if library is None or not check(request.user, library):
                message = _refusal(request, library, level)
                if json:
                    return JsonResponse({"error": message}, status=403)
                context = {"library": library, "message": message, "staff_section": "katalog"}
                return render(request, "catalog/cataloguing/refused.html", context, status=403)
            request.library = library
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
