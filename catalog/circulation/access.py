"""Who may open the circulation pages (asking ``portal.accounts.permissions``, the one permission module).

``staff_only``: the library's librarians and operators — members, loans and fines are personal data, so a
supervisor gets 403 here. ``figures_readers``: staff and supervisors (counts only). On a harvested library
both show where its circulation happens (its SLiMS) instead of the page, and refuse every change.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from portal.accounts.permissions import (
    can_manage_library,
    can_read_library_catalogue,
    can_run_circulation,
    current_library,
)


def _not_managed(request, library):
    if request.method not in ("GET", "HEAD"):
        raise PermissionDenied
    context = {"library": library, "staff_section": "sirkulasi"}
    return render(request, "catalog/circulation/not_managed.html", context)


def staff_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        library = current_library(request)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_run_circulation(request.user, library):
            if not can_manage_library(request.user, library):
                raise PermissionDenied
            return _not_managed(request, library)
        request.library = library
        return view(request, *args, **kwargs)

    return wrapper


def figures_readers(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        library = current_library(request)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_read_library_catalogue(request.user, library):
            raise PermissionDenied
        if not library.catalogue_managed_in_simpul:
            return _not_managed(request, library)
        request.library = library
        return view(request, *args, **kwargs)

    return wrapper
