"""Account pages beyond Django's own login and logout views."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """What django-axes answers a login from a locked-out username and address (AXES_LOCKOUT_CALLABLE).

    429 with the page in the visitor's language; it says how long to wait and names neither whether the
    username exists nor the failure count.
    """
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
