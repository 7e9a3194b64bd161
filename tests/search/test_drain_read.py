"""search/indexer.py: the drain's one-query read of a batch (``index_fields_for``) gives the very document
the ORM read (``records_for_index`` + ``build_union_document``) gives — authors in order, subjects,
publisher, copies total and on the shelf — and leaves hidden records out."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django_tenants.utils import tenant_context

from catalog.models import Loan, Member
from catalog.normalized import NormalizedCopy
from catalog.services import upsert_record
from search.indexer import index_fields_for, records_for_index, union_document_for
from search.union_document import LibraryHolding, TextMemo, union_document
from tests.factories import make_normalized_record


def _without_indexed_at(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "indexed_at"}


@pytest.mark.django_db
def test_sql_read_document_equals_the_orm_built_document(library_a):
    holding = LibraryHolding.of(library_a)
    with tenant_context(library_a):
        shown = upsert_record(
            normalized=make_normalized_record(
                source_key="drain-read-1",
                title="Al-Qur'an dan Tafsirnya: Tuntunan Sholat",
                authors=("Zainal Abidin", "M. Quraish Shihab", "Ahmad Hasan", "Sulaiman Rasjid"),
                subjects=("Tafsir", "Fiqih", "Ibadah"),
                publisher="Lentera Hati",
                isbn_issn="",  # the work key from the title and primary author
                notes="Edisi revisi; cetakan ke-2",
                series_title="Seri Ibadah",
                copies=(
                    NormalizedCopy(item_code="DR-1"),
                    NormalizedCopy(item_code="DR-2"),
                    NormalizedCopy(item_code="DR-3", status="MIS"),
                    NormalizedCopy(item_code="DR-4"),
                ),
            )
        ).record
        bare = upsert_record(
            normalized=make_normalized_record(
                source_key="drain-read-2", authors=(), subjects=(), publisher="", copies=()
            )
        ).record
        hidden = upsert_record(
            normalized=make_normalized_record(source_key="drain-read-3", opac_hide=True)
        ).record
        member = Member.objects.create(member_code="DR-M1", name="Anggota Uji")
        Loan.objects.create(
            item=shown.items.get(item_code="DR-2"),
            member=member,
            loan_date=date.today(),
            due_date=date.today() + timedelta(7),
        )

        found = index_fields_for([shown.pk, bare.pk, hidden.pk, 10**9])
        orm = {record.pk: record for record in records_for_index().filter(pk__in=[shown.pk, bare.pk])}

    assert set(found) == {shown.pk, bare.pk}
    memo = TextMemo()  # one memo over both records, as in a batch
    for record_id, (fields, copies_total, copies_available) in found.items():
        from_sql = union_document(
            library=holding,
            fields=fields,
            copies_total=copies_total,
            copies_available=copies_available,
            memo=memo,
        )
        from_orm = union_document_for(holding, orm[record_id])
        assert _without_indexed_at(from_sql) == _without_indexed_at(from_orm)
        assert list(from_sql) == list(from_orm)
    fields, copies_total, copies_available = found[shown.pk]
    assert fields.authors == ("Zainal Abidin", "M. Quraish Shihab", "Ahmad Hasan", "Sulaiman Rasjid")
    # Subjects are a plain many-to-many with no catalogue order; documents list them sorted.
    assert sorted(fields.subjects) == ["Fiqih", "Ibadah", "Tafsir"] and len(fields.subjects) == 3
    assert (fields.publisher, copies_total, copies_available) == ("Lentera Hati", 4, 2)
    assert found[bare.pk][0].authors == () and found[bare.pk][1:] == (0, 0)
