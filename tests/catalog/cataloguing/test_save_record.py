"""catalog.cataloguing.services.save_record, without HTTP: one transaction writes the record, its
authorities, its copies, the audit entries (before → after) and the outbox row; every refusal says why."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django_tenants.utils import tenant_context

from catalog.cataloguing.services import (
    LOCAL_KEY_PREFIX,
    AuthorEntry,
    CatalogueNotManaged,
    CopyData,
    RecordInvalid,
    save_record,
)
from catalog.models import AuditEntry, Author, IndexOutbox, Item, Publisher, Record
from catalog.services import upsert_record
from tests.catalog.cataloguing.builders import ISBN_BAD, barcode, copies, open_loan, record_data
from tests.catalog.roles import managed
from tests.factories import make_normalized_record, make_user


@pytest.fixture
def librarian(library_a):
    return make_user("katalog-pustakawan-a", libraries=[library_a])


@pytest.fixture
def catalogue(library_a):
    managed(library_a)
    with tenant_context(library_a):
        yield library_a


def test_a_new_record_is_stored_with_authorities_copies_local_key_audit_and_outbox(catalogue, librarian):
    codes = [barcode(), barcode()]
    record = save_record(record=None, data=record_data(), copies=copies(*codes), actor=librarian)

    record.refresh_from_db()
    assert record.source_id is None and record.source_key.startswith(LOCAL_KEY_PREFIX)
    assert record.edited_in_simpul_at is not None and record.raw_format == "local"
    assert record.publisher.name == "Lentera Hati"
    links = list(record.record_authors.select_related("author").order_by("position"))
    assert [(link.author.name, link.role, link.level) for link in links] == [
        ("M. Quraish Shihab", "author", 1),
        ("Tim Lentera Hati", "editor", 2),
    ]
    assert sorted(record.subjects.values_list("name", flat=True)) == ["Al-Qur'an", "Tafsir"]
    assert sorted(record.items.values_list("item_code", flat=True)) == sorted(codes)
    assert set(record.items.values_list("call_number", flat=True)) == {
        "2X1.3 SHI t"
    }  # the record's, when empty
    assert (
        IndexOutbox.objects.filter(record_id=record.pk, operation=IndexOutbox.Operation.UPSERT).count() == 1
    )
    entries = AuditEntry.objects.filter(actor_id=librarian.pk)
    assert entries.filter(object_type="record", object_id=record.pk, action="create").count() == 1
    assert entries.filter(object_type="item", action="create").count() == 2
    created = entries.get(object_type="record")
    assert created.changes["title"] == [None, record.title] and created.actor_name == librarian.username


def test_two_saves_give_two_records_with_different_stable_keys(catalogue, librarian):
    first = save_record(record=None, data=record_data(title="Satu"), actor=librarian)
    second = save_record(record=None, data=record_data(title="Dua"), actor=librarian)
    key = first.source_key
    save_record(record=first, data=record_data(title="Satu (revisi)"), actor=librarian)

    first.refresh_from_db()
    assert first.source_key == key != second.source_key


def test_an_update_audits_before_and_after_of_record_and_copy(catalogue, librarian):
    code = barcode()
    record = save_record(record=None, data=record_data(), copies=copies(code), actor=librarian)
    item = record.items.get()

    save_record(
        record=record,
        data=record_data(title="Tafsir Al-Mishbah Jilid 1", authors=(AuthorEntry("M. Quraish Shihab"),)),
        copies=[CopyData(id=item.pk, item_code=code, location="Rak 9", status=Item.Status.REPAIR)],
        actor=librarian,
    )

    update = AuditEntry.objects.get(object_type="record", object_id=record.pk, action="update")
    assert update.changes["title"] == [record_data().title, "Tafsir Al-Mishbah Jilid 1"]
    assert update.changes["authors"][1] == ["M. Quraish Shihab (Pengarang, 1)"]
    copy_update = AuditEntry.objects.get(object_type="item", object_id=item.pk, action="update")
    assert copy_update.changes == {"location": ["Rak 2", "Rak 9"], "status": ["", "R"]}


def test_authorities_are_reused_by_name_whatever_the_case(catalogue, librarian):
    save_record(record=None, data=record_data(), actor=librarian)
    save_record(
        record=None,
        data=record_data(
            title="Membumikan Al-Qur'an",
            publisher="LENTERA HATI",
            authors=(AuthorEntry("m. quraish shihab"),),
        ),
        actor=librarian,
    )
    assert Publisher.objects.filter(name__iexact="lentera hati").count() == 1
    assert Author.objects.filter(name__iexact="m. quraish shihab").count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"title": "  "}, "title", "wajib"),
        ({"isbn_issn": ISBN_BAD}, "isbn_issn", "pemeriksa"),
        ({"isbn_issn": "12345"}, "isbn_issn", "bukan ISBN"),
        ({"publish_year": "2999"}, "publish_year", "tidak masuk akal"),
        ({"authors": (AuthorEntry("X", role="penulis"),)}, "authors.0.role", "Peran"),
    ],
)
def test_invalid_data_is_refused_per_field_and_nothing_is_written(
    catalogue, librarian, changes, field, fragment
):
    before = Record.objects.count(), AuditEntry.objects.count(), IndexOutbox.objects.count()
    with pytest.raises(RecordInvalid) as refused:
        save_record(record=None, data=replace(record_data(), **changes), actor=librarian)
    assert fragment in " ".join(refused.value.errors[field])
    assert (Record.objects.count(), AuditEntry.objects.count(), IndexOutbox.objects.count()) == before


def test_hijri_years_and_slims_forms_are_accepted(catalogue, librarian):
    for year in ("1440 H/2019", "[t.t.]", "cet. 2, 2015"):
        record = save_record(record=None, data=record_data(publish_year=year), actor=librarian)
        assert Record.objects.get(pk=record.pk).publish_year == year


def test_a_barcode_is_unique_in_the_library(catalogue, librarian):
    code = barcode()
    save_record(record=None, data=record_data(), copies=copies(code), actor=librarian)
    with pytest.raises(RecordInvalid) as refused:
        save_record(
            record=None, data=record_data(title="Lain"), copies=copies(barcode(), code), actor=librarian
        )
    assert "sudah dipakai" in refused.value.errors["copies.1.item_code"][0]
    with pytest.raises(RecordInvalid) as twice:
        same = barcode()
        save_record(record=None, data=record_data(title="Lain"), copies=copies(same, same), actor=librarian)
    assert "dua kali" in twice.value.errors["copies.1.item_code"][0]


def test_two_copies_of_a_record_may_swap_their_barcodes_in_one_save(catalogue, librarian):
    first, second = barcode(), barcode()
    record = save_record(record=None, data=record_data(), copies=copies(first, second), actor=librarian)
    one, two = record.items.get(item_code=first), record.items.get(item_code=second)
    save_record(
        record=record,
        data=record_data(),
        copies=[CopyData(id=one.pk, item_code=second), CopyData(id=two.pk, item_code=first)],
        actor=librarian,
    )
    assert Item.objects.get(pk=one.pk).item_code == second and Item.objects.get(pk=two.pk).item_code == first


def test_a_copy_id_of_another_record_is_refused(catalogue, librarian):
    other = save_record(
        record=None, data=record_data(title="Lain"), copies=copies(barcode()), actor=librarian
    )
    record = save_record(record=None, data=record_data(), actor=librarian)
    foreign = other.items.get()
    with pytest.raises(RecordInvalid) as refused:
        save_record(
            record=record,
            data=record_data(),
            copies=[CopyData(id=foreign.pk, item_code="X1", delete=False)],
            actor=librarian,
        )
    assert "bukan eksemplar cantuman ini" in refused.value.errors["copies.0.id"][0]
    assert Item.objects.get(pk=foreign.pk).record_id == other.pk


def test_a_copy_with_loan_history_cannot_be_deleted_but_others_can(catalogue, librarian):
    lent_code, free_code = barcode(), barcode()
    record = save_record(
        record=None, data=record_data(), copies=copies(lent_code, free_code), actor=librarian
    )
    lent, free = record.items.get(item_code=lent_code), record.items.get(item_code=free_code)
    open_loan(lent)
    with pytest.raises(RecordInvalid) as refused:
        save_record(
            record=record, data=record_data(), copies=[CopyData(id=lent.pk, delete=True)], actor=librarian
        )
    assert "riwayat peminjaman" in refused.value.errors["copies.0.delete"][0]

    save_record(
        record=record, data=record_data(), copies=[CopyData(id=free.pk, delete=True)], actor=librarian
    )
    assert list(record.items.values_list("item_code", flat=True)) == [lent_code]
    deleted = AuditEntry.objects.get(object_type="item", object_id=free.pk, action="delete")
    assert deleted.changes["item_code"] == [free_code, None]


def test_a_harvested_catalogue_is_not_written(library_b):
    librarian_b = make_user("katalog-pustakawan-b", libraries=[library_b])
    assert not library_b.catalogue_managed_in_simpul
    with tenant_context(library_b), pytest.raises(CatalogueNotManaged):
        save_record(record=None, data=record_data(), actor=librarian_b)


def test_editing_a_harvested_record_keeps_its_source_and_key_and_marks_the_edit(catalogue, librarian):
    harvested = upsert_record(normalized=make_normalized_record(source_key="slims-42"), source_id=7).record
    save_record(record=harvested, data=record_data(), actor=librarian)
    harvested.refresh_from_db()
    assert (harvested.source_id, harvested.source_key) == (7, "slims-42")
    assert harvested.edited_in_simpul_at is not None


def test_record_data_carries_every_descriptive_field_the_catalogue_declares():
    from dataclasses import fields

    from catalog.cataloguing.services import RecordData
    from catalog.normalized import DESCRIPTIVE_FIELDS

    assert set(DESCRIPTIVE_FIELDS) <= {field.name for field in fields(RecordData)}
