"""A loan or a return reaches the union search within seconds (a real Celery worker drains the outbox, as
tests/search/test_index_tasks.py does), and members, loans and fines never leave the library's schema:
no member name or code in the union document, a public page, the public APIs or a citation export."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from catalog.circulation import services
from catalog.models import Fine
from tenants.models import Library
from tests.catalog.circulation.builders import make_member, make_member_type, make_record_with_copies
from tests.catalog.circulation.committed import committed_circulation
from tests.celery_worker import running_worker
from tests.factories import LIBRARY_A, host_of
from tests.search.union_index import isolated_union_index, union_documents, worker_index_prefix

CODE_A = LIBRARY_A["code"]
WAIT_SECONDS = 30
MEMBER_NAME = "Zulaikha Rahasiawati"
MEMBER_CODE = "RHS-778899"


@pytest.fixture(scope="module")
def worker_prefix() -> Iterator[str]:
    with worker_index_prefix() as prefix:
        yield prefix


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, worker_prefix):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SIMPUL_ES_PREFIX", worker_prefix)
        with django_db_blocker.unblock(), running_worker(name="uji-sirkulasi") as process:
            yield process


@pytest.fixture
def union(settings, worker_prefix):
    with isolated_union_index(settings, prefix=worker_prefix) as alias:
        yield alias


@pytest.fixture
def lending(django_db_blocker):
    """A committed record with two copies and a member in library A (removed afterwards)."""
    with django_db_blocker.unblock():
        library = Library.objects.get(code=CODE_A)
        with committed_circulation(library) as made, tenant_context(library):
            member_type = make_member_type(fine_per_day=Decimal("1000"), fines_limit=None)
            member = make_member(member_type, name=MEMBER_NAME, member_code=MEMBER_CODE)
            record, copies = make_record_with_copies(title="Sejarah Peradaban Islam di Nusantara")
            made["types"].append(member_type)
            made["members"].append(member)
            made["records"].append(record)
            connection.set_schema_to_public()
            yield library, member, record, copies


def wait_for(doc_id: str, condition) -> tuple[dict | None, float]:
    started = time.monotonic()
    while True:
        document = union_documents(CODE_A).get(doc_id)
        if document is not None and condition(document):
            return document, time.monotonic() - started
        if time.monotonic() - started > WAIT_SECONDS:
            return document, time.monotonic() - started
        time.sleep(0.1)


def test_a_loan_and_a_return_reach_the_union_index_within_seconds(worker, union, lending):
    library, member, record, (copy, _) = lending
    doc_id = f"{CODE_A}:{record.pk}"
    with tenant_context(library):
        services.check_out(member=member, item_code=copy.item_code)
    connection.set_schema_to_public()

    document, lent_after = wait_for(doc_id, lambda doc: doc["copies_available"] == 1)
    assert document is not None and (document["copies_available"], document["copies_total"]) == (1, 2)
    assert lent_after < 10, f"the loan took {lent_after:.1f} s to reach the index"

    with tenant_context(library):
        services.check_in(item_code=copy.item_code)
    connection.set_schema_to_public()

    document, returned_after = wait_for(doc_id, lambda doc: doc["copies_available"] == 2)
    assert document["copies_available"] == 2 and returned_after < 10


def test_members_loans_and_fines_never_leave_the_librarys_schema(worker, union, lending):
    library, member, record, (copy, other) = lending
    with tenant_context(library):
        services.check_out(member=member, item_code=copy.item_code, today=date(2026, 1, 5))
        services.check_in(item_code=copy.item_code, today=date(2026, 2, 5))  # late: a fine
        services.check_out(member=member, item_code=other.item_code)
        assert Fine.objects.filter(member=member).exists()
    connection.set_schema_to_public()
    doc_id = f"{CODE_A}:{record.pk}"
    document, _ = wait_for(doc_id, lambda doc: doc["copies_available"] == 1)
    assert document is not None

    library_host = Client(HTTP_HOST=host_of(library))
    portal = Client(HTTP_HOST="localhost")
    seen = {
        "union document": json.dumps(document, ensure_ascii=False),
        "library home": library_host.get("/").text,
        "record page": library_host.get(f"/koleksi/{record.pk}/").text,
        "api/records": library_host.get("/api/records/").text,
        "api/records/<id>": library_host.get(f"/api/records/{record.pk}/").text,
        "api/search": portal.get("/api/search", {"q": "Sejarah Peradaban Islam"}).text,
        "search page": portal.get("/cari/", {"q": "Sejarah Peradaban Islam"}).text,
        "api record": portal.get(f"/api/records/{CODE_A}:{record.pk}").text,
        "citation export": portal.get(f"/api/records/{CODE_A}:{record.pk}/cite", {"format": "csl-json"}).text,
    }

    assert "Sejarah Peradaban Islam" in seen["api/search"]  # the pages really show the record
    leaked = [where for where, text in seen.items() if MEMBER_NAME in text or MEMBER_CODE in text]
    assert leaked == []
