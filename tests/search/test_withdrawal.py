"""A library that is deleted or set inactive leaves the union search at once, comes back when set active
again, and whatever the signals miss, the drain, check_index and rebuild_index treat as extra."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django_tenants.utils import tenant_context

from catalog.models import IndexOutbox
from catalog.services import upsert_record
from search.indexer import drain_outbox
from search.rebuild import rebuild_library_in_place
from tenants.models import Library
from tenants.services import delete_library, set_library_active
from tests.factories import host_of, make_normalized_record, make_user
from tests.harvest.harvesting import fresh_library, remove_library
from tests.search.union_index import isolated_union_index, union_count

RECORDS = 3


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def union(settings):
    with isolated_union_index(settings) as alias:
        yield alias


@pytest.fixture
def indexed_library(committed, union):
    """A library of its own with RECORDS public records in the union index."""
    library = fresh_library("tarik")
    with tenant_context(library):
        for _ in range(RECORDS):
            upsert_record(normalized=make_normalized_record())
    drain_outbox(library=library)
    assert union_count(library.code) == RECORDS
    yield library
    remove_library(library)


def test_deleting_a_library_removes_its_documents_at_once(indexed_library):
    delete_library(library=indexed_library)

    assert union_count(indexed_library.code) == 0


def test_a_deactivated_library_leaves_at_once_and_comes_back_when_active_again(indexed_library):
    set_library_active(library=indexed_library, active=False)
    assert union_count(indexed_library.code) == 0

    # A change while inactive (a harvest, say) drains as a deletion, never as a new document.
    with tenant_context(indexed_library):
        upsert_record(normalized=make_normalized_record(title="Masuk Saat Nonaktif"))
    drain_outbox(library=indexed_library)
    assert union_count(indexed_library.code) == 0

    set_library_active(library=indexed_library, active=True)
    with tenant_context(indexed_library):
        assert IndexOutbox.objects.count() >= RECORDS + 1
    drain_outbox(library=indexed_library)
    assert union_count(indexed_library.code) == RECORDS + 1


def test_check_index_reports_and_repairs_documents_of_a_library_made_inactive_behind_its_back(
    indexed_library, capsys
):
    Library.objects.filter(pk=indexed_library.pk).update(active=False)  # no service, no signal

    call_command("check_index")
    assert f"{indexed_library.code}: not an active library, {RECORDS} documents" in capsys.readouterr().out
    assert union_count(indexed_library.code) == RECORDS

    call_command("check_index", "--repair")
    assert f"repaired: {RECORDS} deleted" in capsys.readouterr().out
    assert union_count(indexed_library.code) == 0


def test_rebuilding_an_inactive_library_in_place_deletes_its_documents(indexed_library):
    Library.objects.filter(pk=indexed_library.pk).update(active=False)

    result = rebuild_library_in_place(library=indexed_library)

    assert (result.documents, result.stale_deleted) == (0, RECORDS)
    assert union_count(indexed_library.code) == 0


def test_an_inactive_library_site_says_so_instead_of_showing_its_catalogue(indexed_library):
    set_library_active(library=indexed_library, active=False)
    client = Client()

    for path in ("/", "/kelola/", "/api/records/", "/koleksi/1/"):
        response = client.get(path, HTTP_HOST=host_of(indexed_library))
        assert response.status_code == 404, path
        assert "Perpustakaan ini tidak aktif" in response.text
        assert "Fiqih Ibadah" not in response.text
    assert client.get("/", HTTP_HOST=host_of(indexed_library)).status_code == 404

    set_library_active(library=indexed_library, active=True)
    assert client.get("/", HTTP_HOST=host_of(indexed_library)).status_code == 200


def test_deactivating_in_the_admin_removes_the_documents(indexed_library):
    client = Client()
    operator = make_user("op-tarik-" + indexed_library.code[-6:], global_role="operator")
    client.force_login(operator)
    url = f"/admin/tenants/library/{indexed_library.pk}/change/"
    form = {
        "name": indexed_library.name,
        "kind": indexed_library.kind,
        "city": indexed_library.city,
        "province": indexed_library.province,
        "system": indexed_library.system,
        "domains-TOTAL_FORMS": "0",
        "domains-INITIAL_FORMS": "0",
    }

    try:
        response = client.post(url, form, HTTP_HOST="localhost")  # "active" unchecked
        assert response.status_code == 302, response.text[:3000]
        assert not Library.objects.get(pk=indexed_library.pk).active
        assert union_count(indexed_library.code) == 0
    finally:
        operator.delete()
