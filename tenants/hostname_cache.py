"""Which library a request's host name belongs to, remembered for a few seconds in each process.

django-tenants' middleware looks every request's host up in the domain table; on the union portal's
search API that lookup (and the connection health check Django runs before it) was the only database work
of a request, about 3 ms of it. A process keeps each answer, a library or "no library" (the portal's own
host), for ``TENANT_CACHE_SECONDS``. Saving or deleting a library or a domain empties the cache of the
process that did it at once (``tenants.signals``); other processes see the change when their entry
expires. 0 seconds turns the cache off. The test suite empties it before each test, since a library a
test created and rolled back would otherwise outlive its transaction here.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings

Tenant = TypeVar("Tenant")
_NOT_FOUND = object()
_entries: dict[str, tuple[float, object]] = {}
MAX_ENTRIES = 10_000  # host names are chosen by clients; never let them grow the cache without bound


def tenant_for(hostname: str, look_up: Callable[[], Tenant], missing: type[Exception]) -> Tenant:
    """The library for ``hostname``: remembered, or ``look_up()`` (which raises ``missing`` when there is
    none). Each call returns a copy of its own, because the middleware writes on the request's tenant."""
    seconds = settings.TENANT_CACHE_SECONDS
    if seconds <= 0:
        return look_up()
    now = time.monotonic()
    entry = _entries.get(hostname)
    if entry is None or entry[0] <= now:
        try:
            value: object = look_up()
        except missing:
            value = _NOT_FOUND
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        entry = (now + seconds, value)
        _entries[hostname] = entry
    if entry[1] is _NOT_FOUND:
        raise missing(hostname)
    return copy.copy(entry[1])  # type: ignore[return-value]


def forget_all(**_signal_arguments) -> None:
    _entries.clear()
