"""catalog/normalized.py declares a record's fields once; the catalogue's columns, the tenant API's
serializer, the drain's read, the union document, its mapping and the citation fields all derive from that
declaration. Each test fills every declared field with a value of its own and follows it down one road, so a
field added to ``NormalizedRecord`` that does not reach a place fails here."""

from __future__ import annotations

import pytest
from django.db import models
from django_tenants.utils import tenant_context

from catalog.api import RecordSerializer
from catalog.models import Record
from catalog.normalized import (
    DESCRIPTIVE_COLUMNS,
    DESCRIPTIVE_FIELDS,
    RECORD_COLUMNS,
    RELATED_FIELDS,
    NormalizedRecord,
)
from catalog.selectors import public_records
from catalog.services import upsert_record
from search.citations import CITED_FIELDS
from search.documents import union_mapping
from search.indexer import index_fields_for
from search.query.bodies import DISPLAY_FIELDS
from search.union_document import (
    NOT_SHOWN,
    RECORD_DISPLAY_FIELDS,
    SHOWN_AS,
    LibraryHolding,
    RecordFields,
    union_document,
)

# Record columns that are not a field of the declaration: the row's own bookkeeping (copied_from: the
# provenance copy cataloguing gives a record in Simpul, no source's field; source_datestamp: the source's
# header date of the version held, which a reconciliation compares).
BOOKKEEPING_COLUMNS = {"source_key", "content_hash", "copied_from", "source_datestamp"}


def _every_field_filled() -> NormalizedRecord:
    """A record whose every descriptive field holds a value no other field holds."""
    values: dict[str, object] = {}
    for number, name in enumerate(DESCRIPTIVE_COLUMNS):
        max_length = Record._meta.get_field(name).max_length or 60
        values[name] = f"{number}{name}"[:max_length]
    return NormalizedRecord(
        source_key="fields-1",
        authors=("Pengarang Satu", "Pengarang Dua"),
        subjects=("Subjek Satu",),
        publisher="Penerbit Satu",
        **values,
    )


def _expected(record: NormalizedRecord) -> dict[str, object]:
    """Each descriptive field's value as the union document shows it."""
    shown = {}
    for name in DESCRIPTIVE_FIELDS:
        if name in NOT_SHOWN:
            continue
        value = getattr(record, name)
        if name == "subjects":  # no order in the catalogue: sorted; authors keep theirs
            value = sorted(value)
        shown[SHOWN_AS.get(name, name)] = list(value) if isinstance(value, tuple) else value
    return shown


def test_every_stored_field_of_the_declaration_is_a_record_column_and_back():
    text_columns = {
        field.name
        for field in Record._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.BooleanField)
    }

    assert set(RECORD_COLUMNS) <= text_columns
    assert text_columns - BOOKKEEPING_COLUMNS == set(RECORD_COLUMNS)
    assert set(RELATED_FIELDS) <= {field.name for field in Record._meta.get_fields()}


@pytest.mark.django_db
def test_every_descriptive_field_is_stored_served_read_and_indexed(library_a):
    normalized = _every_field_filled()
    with tenant_context(library_a):
        stored = upsert_record(normalized=normalized).record
        stored.refresh_from_db()
        served = RecordSerializer(public_records().get(pk=stored.pk)).data
        fields, copies_total, copies_available = index_fields_for([stored.pk])[stored.pk]

    for name in DESCRIPTIVE_COLUMNS:
        assert getattr(stored, name) == getattr(normalized, name), name
    assert set(served) == {"id", *DESCRIPTIVE_FIELDS, "copies_total"}
    for name in DESCRIPTIVE_COLUMNS:
        assert served[name] == getattr(normalized, name), name
    assert (served["authors"], served["subjects"], served["publisher"]) == (
        list(normalized.authors),
        list(normalized.subjects),
        normalized.publisher,
    )
    # The drain's one-query read gives back the whole description.
    assert {name: getattr(fields, name) for name in DESCRIPTIVE_FIELDS} == {
        name: getattr(normalized, name) for name in DESCRIPTIVE_FIELDS
    }
    document = union_document(
        library=LibraryHolding.of(library_a),
        fields=fields,
        copies_total=copies_total,
        copies_available=copies_available,
    )
    assert {name: document[name] for name in RECORD_DISPLAY_FIELDS} == _expected(normalized)


def test_every_field_of_a_union_document_is_in_the_mapping():
    holding = LibraryHolding("uji", "Perpustakaan Uji", "Kota", "Provinsi", "bdk")
    document = union_document(
        library=holding,
        fields=RecordFields(1, _every_field_filled()),
        copies_total=2,
        copies_available=1,
    )
    mapped = set(union_mapping()["properties"])

    assert set(document) - {"_id"} <= mapped


def test_result_lists_and_citations_read_every_shown_field():
    mapped = set(union_mapping()["properties"])

    assert set(RECORD_DISPLAY_FIELDS) <= set(DISPLAY_FIELDS) <= mapped
    assert set(RECORD_DISPLAY_FIELDS) <= set(CITED_FIELDS) <= mapped
    # Every descriptive field is shown under its own name or a declared one, or deliberately not kept.
    assert len(RECORD_DISPLAY_FIELDS) + len(NOT_SHOWN) == len(DESCRIPTIVE_FIELDS)
