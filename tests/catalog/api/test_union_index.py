"""What the staff API writes reaches the union index through the outbox and a drain (real Elasticsearch,
an index prefix of the test's own): a posted record, a copy added, an author renamed, a record deleted."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from search.indexer import drain_outbox
from search.union_document import document_id
from tests.catalog.api.helpers import barcode, call, librarian_client, record_body
from tests.catalog.roles import managed
from tests.search.union_index import clear_outbox, isolated_union_index, union_documents


@pytest.fixture
def union(settings):
    with isolated_union_index(settings) as alias:
        yield alias


@pytest.fixture
def library(library_a, union):
    managed(library_a)
    with tenant_context(library_a):
        clear_outbox()
    return library_a


def _document(library, record_id: int) -> dict | None:
    drain_outbox(library=library)
    return union_documents(library.code).get(document_id(library.code, record_id))


def test_a_posted_record_and_its_later_changes_reach_the_union_index(library):
    client, _user = librarian_client(library)

    record = call(client, "post", "/api/katalog/records/", library, record_body()).json()
    posted = _document(library, record["id"])
    call(client, "post", "/api/katalog/copies/", library, {"record": record["id"], "item_code": barcode()})
    with_copy = _document(library, record["id"])
    author = record["authors"][0]["id"]
    call(client, "patch", f"/api/katalog/authors/{author}/", library, {"name": "Yusuf al-Qaradawi"})
    renamed = _document(library, record["id"])
    call(client, "delete", f"/api/katalog/records/{record['id']}/", library)
    deleted = _document(library, record["id"])

    assert posted["title"] == "Fiqih Zakat Kontemporer" and posted["authors"][0] == "Yusuf Qardhawi"
    assert posted["copies_total"] == 2 and posted["copies_available"] == 1  # the other: not for loan
    assert with_copy["copies_total"] == 3 and with_copy["copies_available"] == 2
    assert renamed["authors"][0] == "Yusuf al-Qaradawi"
    assert deleted is None
