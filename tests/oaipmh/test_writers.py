"""oaipmh/formats: each format's ``write`` gives the bytes ``etree.tostring`` gives for its ``element`` — the
provider's fast writers disseminate exactly what the element trees describe, for any record."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from oaipmh.formats import FORMATS
from oaipmh.formats.common import RecordContext
from oaipmh.selectors import RecordRow

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=16)
_MATERIAL = st.sampled_from(["", "Text", "Kit", "CD-ROM", "Peta & <atlas>"])
_LANGUAGE = st.sampled_from(["", "id", "ar", "en", "jav", "Indonesia", "x"])


@st.composite
def record_rows(draw) -> RecordRow:
    moment = datetime(2024, 1, 31, 7, 5, 9, tzinfo=UTC)
    return RecordRow(
        id=draw(st.integers(1, 10**9)),
        title=draw(_TEXT),
        statement_of_responsibility=draw(_TEXT),
        edition=draw(_TEXT),
        isbn_issn=draw(st.sampled_from(["", "9786028519939", "0317-8471"]) | _TEXT),
        publisher=draw(_TEXT),
        publish_place=draw(_TEXT),
        publish_year=draw(st.sampled_from(["", "2019", "1440 H/2019", "[t.t.]"]) | _TEXT),
        collation=draw(_TEXT),
        series_title=draw(_TEXT),
        call_number=draw(_TEXT),
        classification=draw(_TEXT),
        language=draw(_LANGUAGE),
        notes=draw(_TEXT),
        material_type=draw(_MATERIAL),
        abstract=draw(_TEXT),
        created_at=moment,
        updated_at=moment,
        opac_hide=False,
        authors=draw(
            st.lists(
                st.tuples(
                    _TEXT, st.sampled_from(["p", "o", "c", "x"]), st.sampled_from(["", "author", "editor"])
                ),
                max_size=3,
            )
        ),
        subjects=draw(st.lists(_TEXT, max_size=3)),
        copies=draw(st.lists(st.tuples(_TEXT, _TEXT, _TEXT, _TEXT), max_size=3)),
    )


CONTEXT = RecordContext(
    "oai:simpul.example:perpus:7", 'Perpustakaan "Satu" & <Dua> ḥadīṯ', "https://x/7/?a=1&b=2"
)


@pytest.mark.parametrize("prefix", sorted(FORMATS))
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(row=record_rows())
def test_write_gives_the_bytes_of_the_element_tree(prefix, row):
    metadata_format = FORMATS[prefix]

    assert metadata_format.write(row, CONTEXT) == etree.tostring(metadata_format.build(row, CONTEXT))


def test_write_escapes_markup_and_writes_non_ascii_as_character_references():
    moment = datetime(2024, 1, 31, 7, 5, 9, tzinfo=UTC)
    row = RecordRow(
        id=7,
        title='Ṣaḥīḥ "al-Bukhārī" & <syarḥ>\r\n > 😀',
        statement_of_responsibility="",
        edition="",
        isbn_issn="",
        publisher="Pustaka & Co",
        publish_place="",
        publish_year="2019",
        collation="",
        series_title="",
        call_number="297.4 BUK s",
        classification="297.4",
        language="ar",
        notes="",
        material_type="Text",
        abstract="",
        created_at=moment,
        updated_at=moment,
        opac_hide=False,
        authors=[["Bukhārī, Muḥammad", "p", ""]],
        subjects=["Hadis"],
        copies=[["B-1", "297.4 BUK s", "Umum", "Rak 1"]],
    )

    for prefix in ("oai_dc", "marcxml"):
        written = FORMATS[prefix].write(row, CONTEXT)
        assert written == etree.tostring(FORMATS[prefix].build(row, CONTEXT))
        assert b"&#7778;a&#7717;&#299;&#7717;" in written and b"&amp; &lt;syar&#7717;&gt;&#13;" in written
        assert etree.fromstring(written).findtext(".//{*}title") or prefix == "marcxml"
