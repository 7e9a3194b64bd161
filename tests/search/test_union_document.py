"""search/union_document.py: a document built from a ``NormalizedRecord`` without PostgreSQL is the one
the indexer builds from the stored record (one field logic), plus the search-side fields."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from catalog.normalized import NormalizedCopy
from catalog.selectors import public_records
from catalog.services import upsert_record
from search import analysis
from search.union_document import (
    LibraryHolding,
    build_union_document,
    build_union_document_from_normalized,
    spell_text,
    suggest_inputs,
)
from tests.factories import make_normalized_record

_TIMESTAMPS = ("indexed_at", "created_at", "updated_at")


def _without_timestamps(document: dict) -> dict:
    return {key: value for key, value in document.items() if key not in _TIMESTAMPS}


@pytest.mark.django_db
def test_document_from_a_normalized_record_equals_the_one_from_the_stored_record(library_a):
    normalized = make_normalized_record(
        title="Tuntunan Sholat Lengkap",
        copies=(NormalizedCopy(item_code="UD-1"), NormalizedCopy(item_code="UD-2", status="MIS")),
    )
    holding = LibraryHolding.of(library_a)
    with tenant_context(library_a):
        stored = upsert_record(normalized=normalized).record
        record = public_records().get(pk=stored.pk)
        from_database = build_union_document(
            library=holding, record=record, copies_total=2, copies_available=1
        )

    from_normalized = build_union_document_from_normalized(
        library=holding, record=normalized, record_id=stored.pk
    )

    assert _without_timestamps(from_normalized) == _without_timestamps(from_database)
    assert from_normalized["copies_available"] == 1 and from_normalized["copies_total"] == 2


def test_suggest_inputs_hold_folded_and_canonical_forms_and_inner_words():
    inputs = suggest_inputs("Tuntunan Sholat Lengkap", ["M. Quraish Shihab"])

    assert "tuntunan sholat lengkap" in inputs and "tuntunan salat lengkap" in inputs
    assert "sholat lengkap" in inputs and "salat lengkap" in inputs
    assert "m quraish shihab" in inputs and "quraish shihab" in inputs


def test_spell_text_keeps_catalogued_and_canonical_spellings():
    text = spell_text("Tuntunan Sholat", ["Sulaiman Rasjid"], ["Fiqih"])

    assert {"sholat", "salat", "fiqih", "fikih"} <= set(text.split())


def test_work_key_groups_variant_spellings_of_a_title_without_isbn():
    holding = LibraryHolding("x", "X", "Kota", "Provinsi", "bdk")
    first = build_union_document_from_normalized(
        library=holding,
        record=make_normalized_record(title="Pedoman Shalat Berjamaah", isbn_issn=""),
        record_id=1,
    )
    second = build_union_document_from_normalized(
        library=holding,
        record=make_normalized_record(title="Pedoman Salat Berjama'ah", isbn_issn=""),
        record_id=2,
    )

    assert first["work_key"] == second["work_key"] and first["work_key"].startswith("fp:")
    assert analysis.fold_only(first["title"]) == first["title_exact"]
