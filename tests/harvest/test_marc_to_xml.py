"""``harvest.adapters.marcxml.marc_to_xml``: the MARCXML an ISO 2709 import keeps as raw metadata is,
character for character, what pymarc's ``record_to_xml(record, namespace=True)`` wrote before (the
import's faster road must not change a stored record)."""

from __future__ import annotations

import pymarc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymarc import Field, Indicators, Subfield

from harvest.adapters.files import _marc_from_bytes
from harvest.adapters.marcxml import marc_to_xml, parse_marcxml
from tests.catalog.transfer.builders import marc, marc8_record_bytes, slims_marc_export_record


def pymarc_xml(record: pymarc.Record) -> str:
    return pymarc.record_to_xml(record, namespace=True).decode("utf-8")


def test_marc_to_xml_writes_what_pymarc_writes_for_a_catalogue_record():
    record = marc("b-1", "Fiqih Ibadah", subtitle="kajian tematik", isbn="9786022934918", copies=("B1", "B2"))

    assert marc_to_xml(record) == pymarc_xml(record)


def test_marc_to_xml_escapes_markup_and_writes_non_ascii_as_character_references():
    record = pymarc.Record(to_unicode=True, force_utf8=True)
    record.add_field(Field(tag="001", data='b-2 & <x> "q"'))
    record.add_field(Field(tag="003", data=""))
    record.add_field(
        Field(
            tag="245",
            indicators=Indicators("1", "\t"),
            subfields=[
                Subfield("a", 'Ṣaḥīḥ "al-Bukhārī" & <syarḥ> > العربية 😀\n\r\x0b'),
                Subfield("b", ""),
                Subfield("&", "kode aneh"),
            ],
        )
    )
    record.add_field(Field(tag="500", indicators=Indicators('"', "<"), subfields=[]))

    xml = marc_to_xml(record)

    assert xml == pymarc_xml(record)
    assert xml.isascii() and "&#7778;" in xml  # Ṣ
    assert parse_marcxml(xml.replace("\x0b", ""))[0]["245"]["a"].startswith("Ṣaḥīḥ")


def test_marc_to_xml_writes_what_pymarc_writes_for_marc8_and_slims_export_records():
    decoded = _marc_from_bytes(marc8_record_bytes("m8-1"))  # as the import reads it: decoded to Unicode
    undecoded = pymarc.Record(data=marc8_record_bytes("m8-2"), to_unicode=False)  # MARC-8 bytes in the fields

    for record in (decoded, undecoded, slims_marc_export_record()):
        assert marc_to_xml(record) == pymarc_xml(record)
    assert "&#" in marc_to_xml(decoded)


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_CODE = st.characters(blacklist_categories=("Cs",))
_TAG = st.text("0123456789ABCZ", min_size=3, max_size=3)


@st.composite
def records(draw) -> pymarc.Record:
    record = pymarc.Record(
        to_unicode=True, force_utf8=True, leader=draw(st.text("0123456789 anmci", min_size=24, max_size=24))
    )
    for _ in range(draw(st.integers(0, 6))):
        tag = draw(_TAG)
        if draw(st.booleans()):
            record.add_field(Field(tag=tag, data=draw(_TEXT)))
        else:
            subfields = [Subfield(draw(_CODE), draw(_TEXT)) for _ in range(draw(st.integers(0, 4)))]
            record.add_field(
                Field(tag=tag, indicators=Indicators(draw(_CODE), draw(_CODE)), subfields=subfields)
            )
    return record


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_marc_to_xml_equals_pymarc_for_any_record(record):
    assert marc_to_xml(record) == pymarc_xml(record)
