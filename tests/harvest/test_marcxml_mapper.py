"""MARCXML → NormalizedRecord (harvest/adapters/marcxml.py), read with pymarc."""

import pytest
from lxml import etree

from catalog.normalized import NormalizedCopy
from harvest.adapters.mapping import MalformedRecord
from harvest.adapters.marcxml import map_marcxml


def marc(*fields: str, leader: str = "00000nam a2200000 a 4500") -> str:
    return (
        f'<record xmlns="http://www.loc.gov/MARC21/slim"><leader>{leader}</leader>{"".join(fields)}</record>'
    )


def control(tag: str, value: str) -> str:
    return f'<controlfield tag="{tag}">{value}</controlfield>'


def data(tag: str, *subfields: tuple[str, str], ind1: str = " ", ind2: str = " ") -> str:
    inner = "".join(f'<subfield code="{code}">{value}</subfield>' for code, value in subfields)
    return f'<datafield tag="{tag}" ind1="{ind1}" ind2="{ind2}">{inner}</datafield>'


FULL_RECORD = marc(
    control("001", "INLIS000000123"),
    control("008", "190301s2019    io            000 0 ind d"),
    data("020", ("a", "978-602-293-491-8 (pbk.)")),
    data("041", ("a", "ind")),
    data("082", ("a", "297.4"), ind1="0", ind2="4"),
    data("090", ("a", "297.4"), ("b", "RAS f")),
    data("100", ("a", "Rasjid, Sulaiman,"), ("e", "penulis"), ind1="1"),
    data(
        "245",
        ("a", "Fiqih Islam :"),
        ("b", "hukum fiqih lengkap /"),
        ("c", "Sulaiman Rasjid."),
        ind1="1",
        ind2="0",
    ),
    data("250", ("a", "Cet. 82.")),
    data("260", ("a", "Bandung :"), ("b", "Sinar Baru Algensindo,"), ("c", "2019.")),
    data("300", ("a", "xxiv, 502 hlm. :"), ("b", "ilus. ;"), ("c", "24 cm.")),
    data("490", ("a", "Seri fiqih ;"), ("v", "1"), ind1="0"),
    data("500", ("a", "Termasuk indeks.")),
    data("650", ("a", "Fikih"), ("x", "Ibadah"), ind2="4"),
    data("650", ("a", "Hukum Islam."), ind2="4"),
    data("700", ("a", "Hasan, Abdul Qadir,"), ("e", "penyunting"), ind1="1"),
    data("952", ("p", "B00123-1"), ("o", "297.4 RAS f c.1"), ("y", "BK"), ("c", "Rak Referensi")),
    data("952", ("p", "B00123-2"), ("1", "1")),
    data("952", ("p", "B00123-3"), ("4", "1")),
)


def map_full(identifier: str = "oai:perpus.test:123"):
    return map_marcxml(identifier, etree.fromstring(FULL_RECORD.encode()))


def test_title_joins_245_a_and_b_without_isbd_punctuation():
    record = map_full()

    assert record.title == "Fiqih Islam : hukum fiqih lengkap"
    assert record.statement_of_responsibility == "Sulaiman Rasjid"


def test_authors_primary_100_first_then_700():
    assert map_full().authors == ("Rasjid, Sulaiman", "Hasan, Abdul Qadir")


def test_subjects_from_650_with_subdivisions():
    assert map_full().subjects == ("Fikih -- Ibadah", "Hukum Islam")


def test_isbn_from_020_without_qualifier_and_hyphens():
    assert map_full().isbn_issn == "9786022934918"


def test_imprint_from_260():
    record = map_full()

    assert (record.publish_place, record.publisher, record.publish_year) == (
        "Bandung",
        "Sinar Baru Algensindo",
        "2019",
    )


def test_264_publication_statement_wins_over_260():
    record = map_marcxml(
        "x",
        marc(
            data("245", ("a", "Judul")),
            data("260", ("a", "Lama :"), ("b", "Penerbit Lama,"), ("c", "1990.")),
            data("264", ("a", "Jakarta :"), ("b", "Kencana,"), ("c", "2020"), ind2="1"),
        ),
    )

    assert (record.publish_place, record.publisher, record.publish_year) == ("Jakarta", "Kencana", "2020")


def test_collation_series_edition_notes_classification_and_call_number():
    record = map_full()

    assert record.collation == "xxiv, 502 hlm. : ilus. ; 24 cm"
    assert record.series_title == "Seri fiqih ; 1"
    assert record.edition == "Cet. 82"
    assert record.notes == "Termasuk indeks."
    assert record.classification == "297.4"
    assert record.call_number == "297.4 RAS f"


def test_language_from_041_mapped_to_iso_639_1():
    assert map_full().language == "id"


def test_language_falls_back_to_008():
    record = map_marcxml(
        "x", marc(control("008", "190301s2019    io            000 0 ara d"), data("245", ("a", "Kitab")))
    )

    assert record.language == "ar"


def test_copies_from_952_with_status():
    assert map_full().copies == (
        NormalizedCopy(
            item_code="B00123-1",
            call_number="297.4 RAS f c.1",
            collection_type="BK",
            location="Rak Referensi",
        ),
        NormalizedCopy(item_code="B00123-2", call_number="297.4 RAS f", status="MIS"),
        NormalizedCopy(item_code="B00123-3", call_number="297.4 RAS f", status="R"),
    )


def test_copies_from_852_when_it_carries_a_barcode():
    record = map_marcxml(
        "x",
        marc(
            data("245", ("a", "Judul")),
            data("852", ("b", "Perpustakaan"), ("c", "Rak 2"), ("h", "297.1"), ("i", "ABD t"), ("p", "BC-9")),
        ),
    )

    assert record.call_number == "297.1 ABD t"
    assert record.copies == (
        NormalizedCopy(item_code="BC-9", call_number="297.1 ABD t", location="Perpustakaan Rak 2"),
    )


def test_material_type_from_245_h_or_the_leader():
    with_gmd = map_marcxml("x", marc(data("245", ("a", "Video"), ("h", "[video recording] :"))))
    from_leader = map_marcxml("x", marc(data("245", ("a", "Peta")), leader="00000nem a2200000 a 4500"))

    assert with_gmd.material_type == "Video Recording"
    assert from_leader.material_type == "Cartographic Material"
    assert map_full().material_type == "Text"


def test_source_key_from_slims_identifier_or_001_for_files():
    assert map_full("oai:127.0.0.1:8089:slims-123").source_key == "123"
    assert map_full("").source_key == "INLIS000000123"
    assert map_full("").extra == {"control_number": "INLIS000000123"}


def test_arabic_and_transliterated_text_survive():
    record = map_marcxml(
        "x",
        marc(
            data("100", ("a", "al-Bukhārī, Muḥammad ibn Ismāʿīl")),
            data("245", ("a", "صحيح البخاري")),
        ),
    )

    assert record.title == "صحيح البخاري"
    assert record.authors == ("al-Bukhārī, Muḥammad ibn Ismāʿīl",)


def test_raw_metadata_and_format_are_kept():
    record = map_full()

    assert record.raw_format == "marcxml"
    assert "INLIS000000123" in record.raw_metadata


def test_record_without_245_raises_malformed_record():
    with pytest.raises(MalformedRecord, match="245"):
        map_marcxml("oai:x:1", marc(data("100", ("a", "Anonim"))))


def test_unreadable_marcxml_raises_malformed_record():
    with pytest.raises(MalformedRecord) as caught:
        map_marcxml("oai:x:2", "<record><datafield tag=")

    assert caught.value.identifier == "oai:x:2"


def test_element_without_a_marc_record_raises_malformed_record():
    with pytest.raises(MalformedRecord, match="no MARC record"):
        map_marcxml("oai:x:3", etree.fromstring(b"<collection xmlns='http://www.loc.gov/MARC21/slim'/>"))
