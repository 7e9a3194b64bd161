"""catalog.services.upsert_records (the batch form a harvest page uses) leaves exactly the state
that ``upsert_record`` called once per record leaves: fields, publisher, authors with levels, subjects,
copies (moved, kept when lent), outbox rows — only cheaper."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace
from datetime import date, timedelta

import pytest
from django_tenants.utils import tenant_context

from catalog.models import IndexOutbox, Item, Loan, Member, Record
from catalog.normalized import NormalizedCopy
from catalog.services import upsert_record, upsert_records
from tests.factories import make_normalized_record


def copies(*codes: str, location: str = "Rak 1") -> tuple[NormalizedCopy, ...]:
    return tuple(
        NormalizedCopy(item_code=code, call_number=f"297 {code}", location=location) for code in codes
    )


A = make_normalized_record(source_key="A", authors=(" ", "Hamka", "Hamka", "Buya Hamka"), copies=copies("A1"))
B = make_normalized_record(source_key="B", subjects=("Fiqih", "Fiqih ", "Zakat"), copies=copies("B1", "B2"))
C = make_normalized_record(source_key="C", publisher="", copies=copies("C1", "C2"))
B_EDITED = replace(B, title="Fiqih Zakat (revisi)", authors=("Yusuf Qardhawi",), copies=copies("B2", "B3"))
D_TAKES_C2 = make_normalized_record(source_key="D", copies=copies("C2", location="Rak 9"))
E_FIRST = make_normalized_record(source_key="E", title="Tafsir Jilid 1")
E_LAST = replace(E_FIRST, title="Tafsir Jilid 1 (cet. 2)")
B_WITHOUT_LENT_COPY = replace(B_EDITED, copies=copies("B3"))

BATCHES = [
    [A, B, C],
    [A, B_EDITED, D_TAKES_C2, E_FIRST, E_LAST],
    [B_WITHOUT_LENT_COPY, C],
]


def snapshot() -> dict:
    """The catalogue by source key, ids left out (they differ between the two libraries)."""
    keys = dict(Record.objects.values_list("pk", "source_key"))
    state = {}
    for record in Record.objects.prefetch_related("record_authors__author", "subjects", "items"):
        state[record.source_key] = {
            "fields": (
                record.title,
                record.isbn_issn,
                record.call_number,
                record.content_hash,
                record.opac_hide,
            ),
            "publisher": record.publisher.name if record.publisher_id else None,
            "authors": [
                (link.author.name, link.level, link.position) for link in record.record_authors.all()
            ],
            "subjects": sorted(subject.name for subject in record.subjects.all()),
            "items": sorted(
                (item.item_code, item.call_number, item.location, item.status) for item in record.items.all()
            ),
        }
    outbox = {
        (keys.get(record_id, record_id), operation)
        for record_id, operation in IndexOutbox.objects.values_list("record_id", "operation")
    }
    return {"records": state, "outbox": outbox}


def lend_first_copy_of_b() -> None:
    item = Item.objects.get(item_code="B2")
    member = Member.objects.create(member_code="M-1", name="Siti Aminah")
    Loan.objects.create(
        item=item, member=member, loan_date=date.today(), due_date=date.today() + timedelta(7)
    )


@pytest.fixture
def two_schemas(library_a, library_b):
    for library in (library_a, library_b):
        with tenant_context(library):
            IndexOutbox.objects.all().delete()
            Record.objects.filter(source_key__in=list("ABCDE")).delete()
    return library_a, library_b


def test_batch_leaves_the_state_one_upsert_per_record_leaves(two_schemas):
    one_by_one, batched = two_schemas
    for number, batch in enumerate(BATCHES):
        with tenant_context(one_by_one):
            expected_results = {n.source_key: upsert_record(normalized=n) for n in batch}
            if number == 1:
                lend_first_copy_of_b()
            expected = snapshot()
            IndexOutbox.objects.all().delete()
        with tenant_context(batched):
            results = upsert_records(batch)
            if number == 1:
                lend_first_copy_of_b()
            actual = snapshot()
            IndexOutbox.objects.all().delete()

        assert actual == expected, f"batch {number}"
        assert {r.record.source_key: r.changed for r in results} == {
            key: r.changed for key, r in expected_results.items()
        }
    assert actual["records"]["B"]["items"][0][0] == "B2"  # lent: kept although the source dropped it
    assert [code for code, *_ in actual["records"]["D"]["items"]] == ["C2"]


def test_unchanged_batch_writes_nothing_not_even_an_outbox_row(library_a):
    with tenant_context(library_a):
        batch = [make_normalized_record() for _ in range(5)]
        upsert_records(batch)
        IndexOutbox.objects.all().delete()

        results = upsert_records(batch)

        assert [result.changed for result in results] == [False] * 5
        assert not IndexOutbox.objects.exists()


def test_results_say_created_and_their_records_read_from_the_database(library_a):
    with tenant_context(library_a):
        normalized = make_normalized_record(title="Sejarah Kebudayaan Islam")

        (result,) = upsert_records([normalized])

        assert result.created and result.changed
        assert result.record.title == "Sejarah Kebudayaan Islam"
        assert result.record.items.count() == 2


def test_content_hash_is_the_hash_of_the_records_fields_without_its_raw_metadata():
    record = make_normalized_record(copies=copies("X1", "X2"), extra={"image": "a.jpg"}, raw_metadata="<dc/>")
    payload = asdict(record)
    payload.pop("raw_metadata")
    expected = hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    assert record.content_hash() == expected
    assert replace(record, raw_metadata="<other/>").content_hash() == expected


def test_a_source_never_overwrites_a_record_edited_in_simpul_unless_asked(library_a):
    from django.utils import timezone

    with tenant_context(library_a):
        original = make_normalized_record(title="Pedoman Zakat")
        (stored,) = upsert_records([original], source_id=77)
        Record.objects.filter(pk=stored.record.pk).update(
            title="Pedoman Zakat (disunting pustakawan)", edited_in_simpul_at=timezone.now()
        )
        IndexOutbox.objects.all().delete()
        from_source = replace(original, title="Pedoman Zakat (versi SLiMS)")

        (kept,) = upsert_records([from_source], source_id=77)

        assert (kept.changed, kept.kept_local_edit) == (False, True)
        assert Record.objects.get(pk=stored.record.pk).title == "Pedoman Zakat (disunting pustakawan)"
        assert not IndexOutbox.objects.exists()

        (overwritten,) = upsert_records([from_source], source_id=77, overwrite_local_edits=True)

        assert (
            overwritten.changed
            and Record.objects.get(pk=stored.record.pk).title == "Pedoman Zakat (versi SLiMS)"
        )
