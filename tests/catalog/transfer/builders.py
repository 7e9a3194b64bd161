"""Real-shaped files for the import tests: MARC 21 in MARC-8 and in UTF-8 (also labelled MARC-8), a record
as SLiMS's MARC export writes it, SLiMS's CSV export with its quirks, and records in a library."""

from __future__ import annotations

import io

import pymarc
from django_tenants.utils import tenant_context
from pymarc import Field, Indicators, Subfield

from catalog.models import Record
from catalog.normalized import NormalizedCopy
from catalog.services import upsert_records
from tests.factories import make_normalized_record


def named(data: bytes, name: str) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def marc(
    control: str | None,
    title: str,
    *,
    author: str = "Rasjid, Sulaiman",
    isbn: str = "",
    copies: tuple[str, ...] = (),
    subtitle: str = "",
    utf8: bool = True,
) -> pymarc.Record:
    record = pymarc.Record(force_utf8=utf8, to_unicode=True)
    leader = list(str(record.leader))
    leader[5], leader[6], leader[7], leader[9] = "n", "a", "m", "a" if utf8 else " "
    record.leader = "".join(leader)
    if control:
        record.add_field(Field(tag="001", data=control))
    record.add_field(Field(tag="008", data="240101s2019    io            000 0 ind d"))
    if isbn:
        record.add_field(Field(tag="020", indicators=Indicators(" ", " "), subfields=[Subfield("a", isbn)]))
    record.add_field(Field(tag="100", indicators=Indicators("1", " "), subfields=[Subfield("a", author)]))
    pairs = [Subfield("a", f"{title} :" if subtitle else title)]
    if subtitle:
        pairs.append(Subfield("b", subtitle))
    record.add_field(Field(tag="245", indicators=Indicators("1", "0"), subfields=pairs))
    record.add_field(
        Field(
            tag="264",
            indicators=Indicators(" ", "1"),
            subfields=[
                Subfield("a", "Bandung :"),
                Subfield("b", "Sinar Baru Algensindo,"),
                Subfield("c", "2019"),
            ],
        )
    )
    for code in copies:
        record.add_field(Field(tag="952", indicators=Indicators(" ", " "), subfields=[Subfield("p", code)]))
    return record


def iso2709(*records: pymarc.Record) -> bytes:
    return b"".join(record.as_marc() for record in records)


def marc8_record_bytes(control: str) -> bytes:
    """A MARC-8 record (leader/09 blank) with combining diacritics written as MARC-8 does: the diacritic
    byte before its letter — 0xE5 macron, 0xF2 dot below, 0xE2 acute — "Tafsīr al-Qurʼān" and "Ḥadīth"."""
    fields = [
        ("001", control.encode() + b"\x1e"),
        ("008", b"240101s2019    io            000 0 ara d\x1e"),
        ("100", b"1 \x1faShihab, M. Quraish\x1e"),
        ("245", b"10\x1faTafs\xe5ir al-Qur\xae\xe5an :\x1fbkajian \xf2Had\xe5ith\x1e"),
        ("650", b" 4\x1faTafsir\x1e"),
    ]
    directory = b""
    data = b""
    for tag, body in fields:
        directory += tag.encode() + f"{len(body):04d}{len(data):05d}".encode()
        data += body
    directory += b"\x1e"
    base = 24 + len(directory)
    length = base + len(data) + 1
    leader = f"{length:05d}nam  22{base:05d}   4500".encode()
    return leader + directory + data + b"\x1d"


def slims_marc_export_record() -> pymarc.Record:
    """As SLiMS's marcexport.php writes a record: no 001, classification in 084, 041 with a language name,
    245 $b starting with " : ", 260 without ISBD punctuation."""
    record = pymarc.Record(force_utf8=True)
    record.add_field(
        Field(
            tag="245",
            indicators=Indicators(" ", " "),
            subfields=[
                Subfield("a", "Moderasi Beragama"),
                Subfield("b", " : dari Indonesia untuk dunia"),
                Subfield("c", "Tim Penyusun Kementerian Agama"),
            ],
        )
    )
    record.add_field(
        Field(tag="020", indicators=Indicators(" ", " "), subfields=[Subfield("a", "978-623-7458-05-6")])
    )
    record.add_field(
        Field(tag="100", indicators=Indicators(" ", " "), subfields=[Subfield("a", "Kementerian Agama RI")])
    )
    record.add_field(
        Field(
            tag="260",
            indicators=Indicators(" ", " "),
            subfields=[
                Subfield("a", "Jakarta"),
                Subfield("b", "Badan Litbang dan Diklat"),
                Subfield("c", "2019"),
            ],
        )
    )
    record.add_field(
        Field(tag="041", indicators=Indicators(" ", " "), subfields=[Subfield("a", "Indonesia")])
    )
    record.add_field(Field(tag="084", indicators=Indicators(" ", " "), subfields=[Subfield("a", "297.27")]))
    return record


SLIMS_HEADER = (
    '"title","gmd_name","edition","isbn_issn","publisher_name","publish_year","collation","series_title",'
    '"call_number","language_name","place_name","classification","notes","image","sor","authors","topics",'
    '"item_code",'
)


def slims_row(
    title: str,
    *,
    isbn: str = "",
    authors: str = "",
    topics: str = "",
    items: str = "",
    notes: str = "",
    language: str = "Indonesia",
    sep: str = ",",
    call_number: str = "2X4.1 SUL f",
) -> str:
    values = [
        title,
        "Text",
        "Cet. 2",
        isbn,
        "Sinar Baru Algensindo",
        "2019",
        "xii, 420 hlm. ; 21 cm",
        "",
        call_number,
        language,
        "Bandung",
        "2X4.1",
        notes,
        "",
        "Sulaiman Rasjid",
        authors,
        topics,
        items,
    ]
    return sep.join(f'"{value}"' for value in values)


def records_in(library, count: int, **overrides) -> list[Record]:
    """``count`` records (two copies each) written in ``library``'s schema as a harvest would."""
    with tenant_context(library):
        upsert_records([make_normalized_record(**overrides) for _ in range(count)], source_id=None)
        return list(Record.objects.order_by("pk"))


def copy(code: str, **fields) -> NormalizedCopy:
    return NormalizedCopy(item_code=code, **fields)
