"""harvest/adapters/files.py and slims_csv.py on real-shaped files: MARC-8 with diacritics, UTF-8 under a
blank leader/09, a broken record in the middle, SLiMS's MARC export (no 001, 084), and SLiMS's CSV export
with its quirks (trailing header separator, raw quotes, bare CR, semicolons, BOM, cp1252, mojibake,
<a><b> lists, a row of the wrong width)."""

from __future__ import annotations

import io

import pytest

from harvest.adapters.files import UnreadableFile, count_records, detect_format, read_records
from tests.catalog.transfer.builders import (
    SLIMS_HEADER,
    iso2709,
    marc,
    marc8_record_bytes,
    slims_marc_export_record,
    slims_row,
)


def entries(data: bytes, format: str):
    return list(read_records(io.BytesIO(data), format))


def test_marc8_record_is_decoded_with_its_diacritics():
    (entry,) = entries(marc8_record_bytes("m8-1"), "marc")

    assert entry.record.title == "Tafsīr al-Qurʼān : kajian Ḥadīth"
    assert entry.record.authors == ("Shihab, M. Quraish",) and entry.record.language == "ar"


def test_utf8_bytes_under_a_blank_leader_are_read_as_utf8():
    data = bytearray(iso2709(marc("u-1", "Fiqih Ibadah", author="Ṣiddīqī, Ḥasan")))
    data[9] = ord(" ")  # labelled MARC-8, as many SLiMS and INLISLite exports are
    data = bytes(data)

    (entry,) = entries(data, "marc")

    assert entry.record.authors == ("Ṣiddīqī, Ḥasan",)


def test_broken_marc_record_is_a_problem_and_the_records_after_it_are_read():
    good = iso2709(marc("a-1", "Sejarah Peradaban Islam"), marc("a-3", "Akhlak Tasawuf"))
    first, second = good.split(b"\x1d")[0] + b"\x1d", good.split(b"\x1d")[1] + b"\x1d"
    broken = bytearray(iso2709(marc("a-2", "Ulumul Quran")))
    broken[12:17] = b"00000"  # base address of data gone

    found = entries(first + bytes(broken) + second, "marc")

    assert [(e.position, e.identifier) for e in found] == [(1, "a-1"), (2, "rekaman #2"), (3, "a-3")]
    assert found[1].record is None and "BaseAddressNotFound" in found[1].problem


def test_slims_marc_export_without_001_gets_a_stable_key_and_its_084_class():
    data = iso2709(slims_marc_export_record())

    first, again = entries(data, "marc")[0], entries(data, "marc")[0]

    assert first.record.source_key.startswith("marc-") and first.record.source_key == again.record.source_key
    assert first.record.title == "Moderasi Beragama : dari Indonesia untuk dunia"
    assert (first.record.classification, first.record.language) == ("297.27", "id")


def slims_file(*rows: str, header: bool = True, end: str = "\n") -> bytes:
    lines = [SLIMS_HEADER] if header else []
    return (end.join([*lines, *rows]) + end).encode("utf-8")


def test_slims_csv_export_is_read_with_its_lists_and_quirks():
    data = slims_file(
        slims_row(
            'Fiqih "Empat" Mazhab',
            isbn="978-602-8519-93-9",
            authors="<Rasjid, Sulaiman><Hasan, Ahmad>",
            topics="<Fiqih><Ibadah>",
            items="<B0001><B0002>",
            notes="Cetakan keduanline kedua",
        ),
        slims_row("Tafsir Al-Misbah Jilid 1", language="Arab"),
    )

    first, second = entries(data, "slims_csv")

    record = first.record
    assert record.title == 'Fiqih "Empat" Mazhab'  # raw quotes inside the value, as SLiMS writes them
    assert record.authors == ("Rasjid, Sulaiman", "Hasan, Ahmad") and record.subjects == ("Fiqih", "Ibadah")
    assert [copy.item_code for copy in record.copies] == ["B0001", "B0002"]
    assert record.copies[0].call_number == "2X4.1 SUL f" and record.isbn_issn == "9786028519939"
    assert record.language == "id" and record.publish_place == "Bandung" and record.edition == "Cet. 2"
    assert (first.position, second.position, second.record.language) == (1, 2, "ar")


def test_slims_csv_with_bare_cr_semicolons_bom_and_no_header():
    data = b"\xef\xbb\xbf" + slims_file(
        slims_row("Akhlak Tasawuf", sep=";"), slims_row("Ulumul Quran", sep=";"), header=False, end="\r"
    )

    found = entries(data, "slims_csv")

    assert [entry.record.title for entry in found] == ["Akhlak Tasawuf", "Ulumul Quran"]
    assert detect_format(data[:4096], "ekspor.csv") == "slims_csv"


def test_slims_csv_in_cp1252_and_mojibake_titles_are_repaired():
    mojibake = "Tafsīr al-Qurʾān".encode().decode("latin-1")
    data = slims_file(slims_row(mojibake)) + slims_row("Café Dakwah").encode("cp1252") + b"\n"

    first, second = entries(data, "slims_csv")

    assert first.record.title == "Tafsīr al-Qurʾān" and second.record.title == "Café Dakwah"


def test_spreadsheet_saved_csv_with_doubled_quotes_and_newlines_in_a_value():
    row = (
        slims_row("x")
        .replace('"x"', '"Judul ""kutip"" panjang"')
        .replace('"Cet. 2"', '"baris satu\nbaris dua"')
    )

    (entry,) = entries(slims_file(row), "slims_csv")

    assert entry.record.title == 'Judul "kutip" panjang' and entry.record.edition == "baris satu baris dua"


def test_slims_csv_row_of_the_wrong_width_is_a_problem_with_its_line_and_the_file_goes_on():
    data = slims_file(slims_row("Satu"), '"hanya","tiga","kolom"', slims_row(""), slims_row("Empat"))

    found = entries(data, "slims_csv")

    assert [e.record.title if e.record else None for e in found] == ["Satu", None, None, "Empat"]
    assert found[1].identifier == "baris 3" and "3 kolom, seharusnya 18" in found[1].problem
    assert "judul kosong" in found[2].problem


def test_records_are_counted_from_the_bytes_for_the_progress_bar():
    csv_data = slims_file(slims_row("a"), slims_row("b"), slims_row("c"))
    marc_data = iso2709(*(marc(f"c-{n}", f"Judul {n}") for n in range(7)))

    assert count_records(io.BytesIO(csv_data), "slims_csv") == 3
    assert count_records(io.BytesIO(marc_data), "marc") == 7


def test_a_csv_that_is_not_slims_is_refused_by_its_content():
    with pytest.raises(UnreadableFile, match="CSV ekspor bibliografi SLiMS"):
        detect_format(b"judul,pengarang\nFiqih,Rasjid\n", "data.csv")
