"""The transactional outbox: every change the union index must see leaves a row in the library's schema,
in the same transaction as the change (catalog/services.py)."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django_tenants.utils import tenant_context

from catalog.models import IndexOutbox, Item, Loan, Member, Record
from catalog.normalized import NormalizedCopy
from catalog.services import (
    delete_record,
    enqueue_index_changes,
    record_availability_changed,
    upsert_record,
)
from tests.factories import make_normalized_record

UPSERT, DELETE = IndexOutbox.Operation.UPSERT, IndexOutbox.Operation.DELETE


class Boom(Exception):
    pass


@pytest.fixture
def in_a(library_a):
    """Library A's schema active, its outbox emptied of rows other tests committed."""
    with tenant_context(library_a):
        IndexOutbox.objects.all().delete()
        yield library_a


def outbox_rows() -> list[tuple[int, str]]:
    return list(IndexOutbox.objects.order_by("id").values_list("record_id", "operation"))


def lend(item: Item) -> Loan:
    member = Member.objects.create(member_code=f"M-{item.pk}", name="Siti Rahmawati")
    today = date.today()
    return Loan.objects.create(item=item, member=member, loan_date=today, due_date=today + timedelta(days=7))


def test_upsert_writes_one_upsert_row_for_its_record(in_a):
    record = upsert_record(normalized=make_normalized_record()).record

    assert outbox_rows() == [(record.pk, UPSERT)]


def test_unchanged_upsert_writes_no_row(in_a):
    normalized = make_normalized_record()
    upsert_record(normalized=normalized)
    IndexOutbox.objects.all().delete()

    result = upsert_record(normalized=normalized)

    assert result.changed is False
    assert outbox_rows() == []


def test_rolled_back_upsert_leaves_neither_record_nor_row(in_a):
    normalized = make_normalized_record()

    with pytest.raises(Boom), transaction.atomic():
        upsert_record(normalized=normalized)
        assert IndexOutbox.objects.count() == 1
        raise Boom

    assert not Record.objects.filter(source_key=normalized.source_key).exists()
    assert outbox_rows() == []


def test_changed_upsert_writes_another_row(in_a):
    normalized = make_normalized_record()
    record = upsert_record(normalized=normalized).record

    upsert_record(normalized=make_normalized_record(source_key=normalized.source_key, title="Judul Baru"))

    assert outbox_rows() == [(record.pk, UPSERT), (record.pk, UPSERT)]


def test_delete_record_writes_a_delete_row(in_a):
    normalized = make_normalized_record()
    record = upsert_record(normalized=normalized).record
    IndexOutbox.objects.all().delete()

    delete_record(source_key=normalized.source_key)

    assert not Record.objects.filter(pk=record.pk).exists()
    assert outbox_rows() == [(record.pk, DELETE)]


def test_delete_of_record_with_loan_history_hides_it_and_writes_an_upsert_row(in_a):
    normalized = make_normalized_record()
    record = upsert_record(normalized=normalized).record
    lend(record.items.first())
    IndexOutbox.objects.all().delete()

    delete_record(source_key=normalized.source_key)

    assert Record.objects.get(pk=record.pk).opac_hide is True
    assert outbox_rows() == [(record.pk, UPSERT)]


def test_rolled_back_delete_leaves_no_row(in_a):
    normalized = make_normalized_record()
    record = upsert_record(normalized=normalized).record
    IndexOutbox.objects.all().delete()

    with pytest.raises(Boom), transaction.atomic():
        delete_record(source_key=normalized.source_key)
        raise Boom

    assert Record.objects.filter(pk=record.pk).exists()
    assert outbox_rows() == []


def test_copy_moving_to_another_record_enqueues_the_record_it_left(in_a):
    first = upsert_record(
        normalized=make_normalized_record(copies=(NormalizedCopy("PINDAH-1"), NormalizedCopy("TETAP-1")))
    ).record
    IndexOutbox.objects.all().delete()

    second = upsert_record(normalized=make_normalized_record(copies=(NormalizedCopy("PINDAH-1"),))).record

    assert sorted(outbox_rows()) == sorted([(first.pk, UPSERT), (second.pk, UPSERT)])
    assert first.items.count() == 1


def test_record_availability_changed_writes_an_upsert_row(in_a):
    record = upsert_record(normalized=make_normalized_record()).record
    IndexOutbox.objects.all().delete()

    lend(record.items.first())
    record_availability_changed(record_id=record.pk)

    assert outbox_rows() == [(record.pk, UPSERT)]


def test_enqueue_index_changes_writes_one_row_per_record(in_a):
    assert enqueue_index_changes(record_ids=[7, 8, 9]) == 3
    assert outbox_rows() == [(7, UPSERT), (8, UPSERT), (9, UPSERT)]


def test_outbox_rows_stay_in_their_library_schema(in_a, library_b):
    with tenant_context(library_b):
        rows_in_b = outbox_rows()

    record = upsert_record(normalized=make_normalized_record()).record

    assert outbox_rows() == [(record.pk, UPSERT)]
    with tenant_context(library_b):
        assert outbox_rows() == rows_in_b


def test_commit_registers_a_drain_request(in_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        upsert_record(normalized=make_normalized_record())

    assert callbacks, "a committed change must ask for a drain of its library's outbox"
