"""The whole catalogue as MARCXML, MARC 21 (ISO 2709, UTF-8) or SLiMS's CSV, streamed chunk by chunk.

MARC fields are the ones ``harvest/adapters/marcxml.py`` reads, so an exported file imports into another
library with the same fields (``tests/catalog/transfer/test_round_trip.py``): 001 ``<library code>-<id>``
(unique across Simpul; a re-import into the same library matches the record by it), 020/022, 041, 082,
090, 100/110/111 + 700/710/711 (role in $e), 245 $a $h $b $c, 250, 264 _1, 300, 490, 500 (one per line of
the notes), 520 (the abstract), 650, and 952 per copy (Koha's item field: $p barcode, $o call number,
$c location, $y collection type, $d acquisition date, $g price, $1/$4/$7 lost/damaged/not for loan).
The CSV has the 18 columns of SLiMS's own bibliography export (``admin/modules/bibliography/export.php``),
in its order, with its ``<a><b>`` lists, so SLiMS's import reads it back.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

import pymarc
from pymarc import Field, Indicators, Subfield

from catalog.transfer.rows import EXPORT_CHUNK, RecordRow, record_rows
from harvest.adapters.slims_csv import SLIMS_CSV_COLUMNS, join_list

__all__ = ["EXPORT_FORMATS", "export_chunks", "marc_record"]

# format → (file extension, content type)
EXPORT_FORMATS = {
    "marcxml": ("xml", "application/marcxml+xml; charset=utf-8"),
    "marc": ("mrc", "application/marc"),
    "csv": ("csv", "text/csv; charset=utf-8"),
}

_LEADER_TYPE = {
    "Text": "a",
    "Music": "c",
    "Cartographic Material": "e",
    "Video Recording": "g",
    "Sound Recording": "i",
    "Picture": "k",
    "Electronic Resource": "m",
    "Kit": "o",
    "Multimedia": "p",
    "Realia": "r",
}
# ISO 639-1 → 639-2/B (what MARC 041 and 008/35-37 carry)
LANGUAGE_639_2 = {
    "id": "ind",
    "en": "eng",
    "ar": "ara",
    "ms": "may",
    "jv": "jav",
    "su": "sun",
    "fa": "per",
    "ur": "urd",
    "tr": "tur",
    "fr": "fre",
    "de": "ger",
    "nl": "dut",
    "ja": "jpn",
    "zh": "chi",
    "ko": "kor",
    "hi": "hin",
    "es": "spa",
}
# ISO 639-1 → the names SLiMS's mst_language uses (its CSV carries names, not codes)
LANGUAGE_NAMES = {
    "id": "Indonesia",
    "en": "English",
    "ar": "Arab",
    "ms": "Melayu",
    "jv": "Jawa",
    "su": "Sunda",
    "fa": "Persia",
    "fr": "French",
    "de": "German",
    "nl": "Dutch",
    "ja": "Japanese",
    "zh": "Chinese",
}
_STATUS_SUBFIELDS = {"MIS": ("1", "1"), "LOST": ("1", "1"), "R": ("4", "1"), "NL": ("7", "1")}
_AUTHOR_TAGS = {"p": ("100", "700"), "o": ("110", "710"), "c": ("111", "711")}
_ROLE_TERMS = {
    "editor": "penyunting",
    "translator": "penerjemah",
    "compiler": "penyusun",
    "illustrator": "ilustrator",
}


def _field(tag: str, indicators: tuple[str, str], *pairs: tuple[str, str]) -> Field | None:
    subfields = [Subfield(code, value) for code, value in pairs if value]
    if not subfields:
        return None
    return Field(tag=tag, indicators=Indicators(*indicators), subfields=subfields)


def _language_code(language: str) -> str:
    if language in LANGUAGE_639_2:
        return LANGUAGE_639_2[language]
    return language if len(language) == 3 and language.isalpha() else ""


def _is_issn(value: str) -> bool:
    return len(value) == 9 and value[4] == "-"


def marc_record(row: RecordRow, *, library_code: str) -> pymarc.Record:
    """One record as MARC 21 (UTF-8, leader/09 ``a``)."""
    marc = pymarc.Record(force_utf8=True)
    leader = list(str(marc.leader))
    leader[5], leader[6], leader[7], leader[9] = "n", _LEADER_TYPE.get(row.material_type, "a"), "m", "a"
    marc.leader = "".join(leader)
    language = _language_code(row.language)
    year = row.publish_year[:4] if row.publish_year[:4].isdigit() else "    "
    marc.add_field(Field(tag="001", data=f"{library_code}-{row.id}"))
    marc.add_field(Field(tag="005", data=row.updated_at.strftime("%Y%m%d%H%M%S.0")))
    marc.add_field(
        Field(tag="008", data=f"{row.created_at:%y%m%d}s{year}    io            000 0 {language or '   '} d")
    )
    main, _, rest = row.title.partition(" : ")
    responsibility = row.statement_of_responsibility
    gmd = "" if _LEADER_TYPE.get(row.material_type) else row.material_type
    title_pairs = [("a", f"{main} :" if rest else (f"{main} /" if responsibility else main))]
    if gmd:
        title_pairs.append(("h", f"[{gmd}]"))
    if rest:
        title_pairs.append(("b", f"{rest} /" if responsibility else rest))
    title_pairs.append(("c", responsibility))
    fields = [
        _field("022" if _is_issn(row.isbn_issn) else "020", (" ", " "), ("a", row.isbn_issn)),
        _field("041", ("0", " "), ("a", language)),
        _field("082", ("0", "4"), ("a", row.classification)),
        _field("090", (" ", " "), ("a", row.call_number)),
    ]
    for position, author in enumerate(row.authors):
        main_tag, added_tag = _AUTHOR_TAGS.get(author.author_type, _AUTHOR_TAGS["p"])
        tag = main_tag if position == 0 else added_tag
        fields.append(_field(tag, ("1", " "), ("a", author.name), ("e", _ROLE_TERMS.get(author.role, ""))))
    fields += [
        _field("245", ("1" if row.authors else "0", "0"), *title_pairs),
        _field("250", (" ", " "), ("a", row.edition)),
        _field(
            "264",
            (" ", "1"),
            ("a", f"{row.publish_place} :" if row.publish_place and row.publisher else row.publish_place),
            ("b", f"{row.publisher}," if row.publisher and row.publish_year else row.publisher),
            ("c", row.publish_year),
        ),
        _field("300", (" ", " "), ("a", row.collation)),
        _field("490", ("0", " "), ("a", row.series_title)),
        *(_field("500", (" ", " "), ("a", line.strip())) for line in row.notes.splitlines()),
        _field("520", (" ", " "), ("a", row.abstract)),
        *(_field("650", (" ", "4"), ("a", subject)) for subject in row.subjects),
    ]
    for copy in row.copies:
        status = _STATUS_SUBFIELDS.get(copy.status)
        fields.append(
            _field(
                "952",
                (" ", " "),
                ("p", copy.item_code),
                ("o", copy.call_number),
                ("c", copy.location),
                ("y", copy.collection_type),
                ("d", copy.acquired_on.isoformat() if copy.acquired_on else ""),
                ("g", f"{copy.price:.2f}" if copy.price is not None else ""),
                status or ("", ""),
            )
        )
    for marc_field in fields:
        if marc_field is not None:
            marc.add_field(marc_field)
    return marc


def slims_csv_values(row: RecordRow) -> list[str]:
    """The record as the 18 values of a SLiMS CSV row (``SLIMS_CSV_COLUMNS``)."""
    values = {
        "title": row.title,
        "gmd_name": row.material_type,
        "edition": row.edition,
        "isbn_issn": row.isbn_issn,
        "publisher_name": row.publisher,
        "publish_year": row.publish_year,
        "collation": row.collation,
        "series_title": row.series_title,
        "call_number": row.call_number,
        "language_name": LANGUAGE_NAMES.get(row.language, row.language),
        "place_name": row.publish_place,
        "classification": row.classification,
        "notes": row.notes,
        "image": row.cover.rsplit("/", 1)[-1] if row.cover else "",
        "sor": row.statement_of_responsibility,
        "authors": join_list(author.name for author in row.authors),
        "topics": join_list(row.subjects),
        "item_code": join_list(copy.item_code for copy in row.copies),
    }
    return [values[column] for column in SLIMS_CSV_COLUMNS]


def _marcxml(chunks: Iterable[list[RecordRow]], library_code: str) -> Iterator[bytes]:
    yield b'<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="http://www.loc.gov/MARC21/slim">\n'
    for rows in chunks:
        yield b"".join(
            pymarc.record_to_xml(marc_record(row, library_code=library_code)) + b"\n" for row in rows
        )
    yield b"</collection>\n"


def _iso2709(chunks: Iterable[list[RecordRow]], library_code: str) -> Iterator[bytes]:
    for rows in chunks:
        yield b"".join(marc_record(row, library_code=library_code).as_marc() for row in rows)


def _csv(chunks: Iterable[list[RecordRow]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(SLIMS_CSV_COLUMNS)
    for rows in chunks:
        writer.writerows(slims_csv_values(row) for row in rows)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def export_chunks(*, format: str, library_code: str, chunk_size: int = EXPORT_CHUNK) -> Iterator[bytes]:
    """The active schema's catalogue in ``format`` (``EXPORT_FORMATS``), one bytes chunk per record chunk.
    Run it inside the library's schema (the view's generator re-enters it for every chunk)."""
    chunks = record_rows(chunk_size=chunk_size)
    if format == "marcxml":
        return _marcxml(chunks, library_code)
    if format == "marc":
        return _iso2709(chunks, library_code)
    if format == "csv":
        return _csv(chunks)
    raise ValueError(f"unknown export format {format!r}")
