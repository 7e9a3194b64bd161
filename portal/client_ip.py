"""The client's address, one rule for the API throttles and the login lockout (settings.PROXY_COUNT)."""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind ``PROXY_COUNT`` proxies the X-Forwarded-For entry the outermost one appended.

    DRF's rule (``NUM_PROXIES``), so that a client the throttle counts as one address is one address to
    the lockout too; entries left of it are whatever the client sent and are never trusted.
    """
    return BaseThrottle().get_ident(request)
