"""The host → library lookup each request makes is remembered per process (tenants/hostname_cache.py)."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from tenants import hostname_cache
from tenants.middleware import TenantMiddleware
from tenants.models import Domain
from tests.factories import host_of

pytestmark = pytest.mark.django_db
NEW_HOST = host_of("perpustakaan-baru")


def _resolve(host: str) -> tuple[object, int]:
    """Run the middleware on a request for ``host``: (the request's tenant or None, queries it made)."""
    request = RequestFactory().get("/", HTTP_HOST=host)
    middleware = TenantMiddleware(lambda request: HttpResponse())
    with CaptureQueriesContext(connection) as queries:
        middleware.process_request(request)
    return getattr(request, "tenant", None), len(queries)


def test_a_library_host_is_looked_up_once_then_answered_from_memory(library_a):
    first, first_queries = _resolve(host_of(library_a))
    second, second_queries = _resolve(host_of(library_a))
    assert first.code == second.code == library_a.code
    assert first_queries > 0
    assert second_queries == 0
    assert first is not second  # each request writes on a tenant of its own (domain_url)
    assert connection.schema_name == library_a.schema_name


def test_the_portal_host_is_remembered_as_no_library():
    tenant, queries = _resolve("127.0.0.1")
    assert tenant is None
    assert queries > 0
    assert _resolve("127.0.0.1") == (None, 0)
    assert connection.schema_name == "public"


def test_a_new_domain_is_served_at_once_in_the_process_that_saved_it(library_a):
    assert _resolve(NEW_HOST)[0] is None  # remembered as no library
    Domain.objects.create(domain=NEW_HOST, tenant=library_a, is_primary=False)
    tenant, queries = _resolve(NEW_HOST)
    assert tenant.code == library_a.code
    assert queries > 0


def test_a_renamed_library_is_seen_at_once_in_the_process_that_saved_it(library_a):
    _resolve(host_of(library_a))
    library_a.name = "Perpustakaan Uji Aceh (baru)"
    library_a.save(update_fields=["name"])
    assert _resolve(host_of(library_a))[0].name == "Perpustakaan Uji Aceh (baru)"


def test_entries_expire(settings, library_a):
    settings.TENANT_CACHE_SECONDS = 0.05
    _resolve(host_of(library_a))
    assert _resolve(host_of(library_a))[1] == 0
    time.sleep(0.1)
    assert _resolve(host_of(library_a))[1] > 0


def test_zero_seconds_turns_the_cache_off(settings, library_a):
    settings.TENANT_CACHE_SECONDS = 0
    assert _resolve(host_of(library_a))[1] > 0
    assert _resolve(host_of(library_a))[1] > 0


def test_host_names_sent_by_clients_cannot_grow_the_cache_without_bound(monkeypatch):
    monkeypatch.setattr(hostname_cache, "MAX_ENTRIES", 5)
    for number in range(12):
        _resolve(host_of(f"tamu-{number}"))
    assert 0 < len(hostname_cache._entries) <= 5
