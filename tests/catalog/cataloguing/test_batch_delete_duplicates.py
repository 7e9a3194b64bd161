"""Batch edit of one field, deleting a record, the duplicate warning and authority suggestions
(services and selectors, without HTTP)."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from catalog.cataloguing import selectors
from catalog.cataloguing.services import (
    AuthorEntry,
    RecordInvalid,
    RecordNotDeletable,
    batch_update,
    remove_record,
    save_record,
)
from catalog.models import AuditEntry, IndexOutbox, Item, Record
from tests.catalog.cataloguing.builders import ISBN_TAFSIR, barcode, copies, open_loan, record_data
from tests.catalog.roles import managed
from tests.factories import make_user


@pytest.fixture
def librarian(library_a):
    return make_user("massal-pustakawan-a", libraries=[library_a])


@pytest.fixture
def catalogue(library_a):
    managed(library_a)
    with tenant_context(library_a):
        yield library_a


def test_batch_edit_sets_the_location_of_every_copy_of_the_selection_and_audits_each(catalogue, librarian):
    one = save_record(
        record=None, data=record_data(title="Satu"), copies=copies(barcode(), barcode()), actor=librarian
    )
    two = save_record(record=None, data=record_data(title="Dua"), copies=copies(barcode()), actor=librarian)
    untouched = save_record(
        record=None, data=record_data(title="Tiga"), copies=copies(barcode()), actor=librarian
    )
    IndexOutbox.objects.all().delete()

    result = batch_update(
        record_ids=[one.pk, two.pk, 999_999], field_name="location", value="Rak Referensi", actor=librarian
    )

    assert (result.records, result.changed, result.missing) == (2, 3, 1)
    assert set(Item.objects.filter(record__in=[one, two]).values_list("location", flat=True)) == {
        "Rak Referensi"
    }
    assert untouched.items.get().location == "Rak 2"
    assert AuditEntry.objects.filter(object_type="item", action="batch_update").count() == 3
    assert set(IndexOutbox.objects.values_list("record_id", flat=True)) == {one.pk, two.pk}


def test_batch_edit_hides_records_and_a_second_run_changes_nothing(catalogue, librarian):
    record = save_record(record=None, data=record_data(), actor=librarian)
    assert (
        batch_update(record_ids=[record.pk], field_name="opac_hide", value=True, actor=librarian).changed == 1
    )
    assert Record.objects.get(pk=record.pk).opac_hide is True
    assert (
        batch_update(record_ids=[record.pk], field_name="opac_hide", value=True, actor=librarian).changed == 0
    )
    entry = AuditEntry.objects.get(object_type="record", object_id=record.pk, action="batch_update")
    assert entry.changes == {"opac_hide": [False, True]}


def test_batch_edit_refuses_a_field_it_does_not_know(catalogue, librarian):
    with pytest.raises(RecordInvalid):
        batch_update(record_ids=[1], field_name="title", value="x", actor=librarian)


def test_a_record_with_a_copy_on_loan_cannot_be_deleted_and_says_why(catalogue, librarian):
    code = barcode()
    record = save_record(record=None, data=record_data(), copies=copies(code, barcode()), actor=librarian)
    open_loan(record.items.get(item_code=code))
    with pytest.raises(RecordNotDeletable, match="sedang dipinjam"):
        remove_record(record=record, actor=librarian)
    assert Record.objects.filter(pk=record.pk).exists()


def test_deleting_a_record_removes_its_copies_audits_and_tells_the_index(catalogue, librarian):
    record = save_record(record=None, data=record_data(), copies=copies(barcode()), actor=librarian)
    item_id = record.items.get().pk
    IndexOutbox.objects.all().delete()

    record_id = remove_record(record=record, actor=librarian)

    assert not Record.objects.filter(pk=record_id).exists() and not Item.objects.filter(pk=item_id).exists()
    assert IndexOutbox.objects.get().operation == IndexOutbox.Operation.DELETE
    assert AuditEntry.objects.filter(object_type="record", object_id=record_id, action="delete").exists()
    assert AuditEntry.objects.filter(object_type="item", object_id=item_id, action="delete").exists()


def test_duplicates_are_found_by_isbn_in_any_form_and_by_title_with_primary_author(catalogue, librarian):
    record = save_record(record=None, data=record_data(), actor=librarian)
    save_record(record=None, data=record_data(title="Lain sama sekali", isbn_issn=""), actor=librarian)

    by_isbn = selectors.duplicates_for(isbn=ISBN_TAFSIR.replace("-", ""))
    assert [(found.record_id, found.reason) for found in by_isbn] == [(record.pk, "isbn")]
    by_title = selectors.duplicates_for(
        title="tafsir al mishbah  pesan kesan dan keserasian al quran", author="m quraish shihab"
    )
    assert [found.record_id for found in by_title] == [record.pk]
    assert selectors.duplicates_for(title=record.title, author="Hamka") == []
    assert selectors.duplicates_for(isbn=ISBN_TAFSIR, exclude_id=record.pk) == []


def test_authority_suggestions_put_names_starting_with_the_text_first(catalogue, librarian):
    save_record(
        record=None,
        data=record_data(authors=(AuthorEntry("Ahmad Hasan"), AuthorEntry("Hasan Langgulung"))),
        actor=librarian,
    )
    names = [row["name"] for row in selectors.authority_suggestions("pengarang", "hasan")]
    assert names[0] == "Hasan Langgulung" and "Ahmad Hasan" in names
    assert selectors.authority_suggestions("penerbit", "l") == []  # too short
    assert [row["name"] for row in selectors.authority_suggestions("penerbit", "lentera")] == ["Lentera Hati"]


def test_staff_search_finds_hidden_records_by_barcode_author_and_isbn(catalogue, librarian):
    code = barcode("Z")
    record = save_record(record=None, data=record_data(opac_hide=True), copies=copies(code), actor=librarian)
    for text in (code, "quraish", "9789791158275", "2X1.3 SHI"):
        assert record in selectors.staff_records(selectors.StaffQuery(text=text)), text
    assert record in selectors.staff_records(selectors.StaffQuery(hidden="ya"))
    assert record not in selectors.staff_records(selectors.StaffQuery(hidden="tidak"))
