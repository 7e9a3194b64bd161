"""API throttles (REST_FRAMEWORK's DEFAULT_THROTTLE_CLASSES)."""

from __future__ import annotations

from django.core.cache import caches
from django.utils.connection import ConnectionProxy
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousApiThrottle(AnonRateThrottle):
    """Anonymous callers, per client address, across every host.

    Counts in the ``shared`` cache: the default cache prefixes keys with the request's library schema,
    which would give a client a fresh allowance on each of hundreds of library hosts. The rate is read
    from the settings per request (DRF's class binds the rates at import), so a changed setting applies.
    """

    cache = ConnectionProxy(caches, "shared")

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
