"""Copies (eksemplar) written on their own through the staff API (``/api/katalog/copies/``): the copy
checks of the record form's save service, the record's own fields untouched, audited, the record's
availability sent to the union index; a copy with loan history is not deleted (409)."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from catalog.models import AuditEntry, IndexOutbox, Item, Record
from tests.catalog.api.helpers import barcode, call, librarian_client, loaned, saved_record
from tests.catalog.roles import managed

COPIES = "/api/katalog/copies/"


@pytest.fixture
def library(library_a):
    return managed(library_a)


@pytest.fixture
def librarian(library):
    return librarian_client(library)


def _outbox(library, record: Record) -> int:
    with tenant_context(library):
        return IndexOutbox.objects.filter(record_id=record.pk).count()


def test_post_adds_a_copy_to_a_record_and_announces_its_availability(library, librarian):
    client, user = librarian
    # a record as a harvest left it before the move-over: its ISBN's check digit is wrong, and adding a
    # copy must not depend on the record's own fields
    record = saved_record(library, codes=1)
    with tenant_context(library):
        Record.objects.filter(pk=record.pk).update(isbn_issn="978-979-1158-27-3", edited_in_simpul_at=None)
    announced = _outbox(library, record)
    code = barcode("CPY")

    response = call(
        client,
        "post",
        COPIES,
        library,
        {"record": record.pk, "item_code": code, "location": "Rak Referensi", "acquired_on": "2026-01-05"},
    )

    assert response.status_code == 201, response.content
    copy = response.json()
    assert copy["record"] == record.pk and copy["item_code"] == code and copy["on_loan"] is False
    assert copy["call_number"] == record.call_number and copy["acquired_on"] == "2026-01-05"
    with tenant_context(library):
        stored = Record.objects.get(pk=record.pk)
        assert stored.items.count() == 2 and stored.isbn_issn == "978-979-1158-27-3"
        assert stored.edited_in_simpul_at is not None and stored.updated_at > record.updated_at
        entry = AuditEntry.objects.get(object_type="item", object_id=copy["id"])
        assert entry.action == "create" and entry.actor_id == user.pk
    assert _outbox(library, record) == announced + 1


def test_put_replaces_the_copys_fields_and_patch_changes_only_those_given(library, librarian):
    client, _user = librarian
    record = saved_record(library, codes=1)
    with tenant_context(library):
        item = record.items.get()
        Item.objects.filter(pk=item.pk).update(collection_type="Sirkulasi", price="50000")

    patched = call(client, "patch", f"{COPIES}{item.pk}/", library, {"status": "MIS"}).json()
    put = call(
        client, "put", f"{COPIES}{item.pk}/", library, {"record": record.pk, "item_code": "GANTI-1"}
    ).json()

    assert patched["status"] == "MIS" and patched["collection_type"] == "Sirkulasi"
    assert patched["price"] == "50000.00" and patched["item_code"] == item.item_code
    assert put["item_code"] == "GANTI-1" and put["status"] == "" and put["collection_type"] == ""
    assert put["price"] is None and put["call_number"] == record.call_number
    with tenant_context(library):
        actions = list(
            AuditEntry.objects.filter(object_type="item", object_id=item.pk)
            .order_by("id")
            .values_list("action", flat=True)
        )
    assert actions == ["create", "update", "update"]


def test_a_taken_barcode_is_400_on_item_code(library, librarian):
    client, _user = librarian
    record, other = saved_record(library), saved_record(library)
    with tenant_context(library):
        taken = other.items.first().item_code
        item = record.items.first()

    created = call(client, "post", COPIES, library, {"record": record.pk, "item_code": taken})
    changed = call(client, "patch", f"{COPIES}{item.pk}/", library, {"item_code": taken})

    assert created.status_code == 400 and "sudah dipakai" in created.json()["item_code"][0]
    assert changed.status_code == 400 and list(changed.json()) == ["item_code"]
    with tenant_context(library):
        assert Item.objects.get(pk=item.pk).item_code == item.item_code
        assert record.items.count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"item_code": ""}, "item_code"),
        ({"item_code": "SPASI DI TENGAH"}, "item_code"),
        ({"item_code": "OK-2", "price": "-1"}, "price"),
        ({"item_code": "OK-2", "price": "12345678901"}, "price"),
        ({"item_code": "OK-2", "acquired_on": "kemarin"}, "acquired_on"),
        ({"item_code": "OK-2", "acquisition_source": "curian"}, "acquisition_source"),
        ({"item_code": "OK-2", "record": 0}, "record"),
        ({"item_code": "OK-2", "record": "satu"}, "record"),
    ],
)
def test_bad_copy_values_are_400_on_the_field(library, librarian, body, field):
    client, _user = librarian
    record = saved_record(library, codes=0)

    response = call(client, "post", COPIES, library, {"record": record.pk, **body})

    assert response.status_code == 400 and field in response.json(), response.content
    with tenant_context(library):
        assert record.items.count() == 0


def test_a_copy_does_not_move_to_another_record(library, librarian):
    client, _user = librarian
    record, other = saved_record(library), saved_record(library)
    with tenant_context(library):
        item = record.items.first()

    response = call(client, "patch", f"{COPIES}{item.pk}/", library, {"record": other.pk, "location": "X"})

    assert response.status_code == 400 and "dipindah" in response.json()["record"][0]
    with tenant_context(library):
        assert Item.objects.get(pk=item.pk).record_id == record.pk


def test_delete_removes_a_copy_and_a_copy_with_loan_history_is_409(library, librarian):
    client, _user = librarian
    record = saved_record(library)
    with tenant_context(library):
        free, lent = list(record.items.order_by("item_code"))
    loaned(library, lent)

    removed = call(client, "delete", f"{COPIES}{free.pk}/", library)
    refused = call(client, "delete", f"{COPIES}{lent.pk}/", library)

    assert removed.status_code == 204
    assert refused.status_code == 409 and "riwayat peminjaman" in refused.json()["detail"]
    with tenant_context(library):
        assert list(record.items.values_list("pk", flat=True)) == [lent.pk]
        assert AuditEntry.objects.filter(object_type="item", object_id=free.pk, action="delete").exists()
