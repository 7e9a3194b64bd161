"""MARC 21 bibliographic records in MARCXML (MARC21slim), with the copies as 852 holdings fields.

Field choices follow what ``harvest.adapters.marcxml.map_marcxml`` reads back: 001 record id, 005 last
change, 008 (date entered, year, country ``io``, language), 020/022 ISBN/ISSN, 041 language, 082 DDC,
090 call number, 1XX/7XX names (persons, organizations, meetings) with a relator term in $e, 245 title /
statement of responsibility (GMD in $h when the leader cannot carry the material type), 250 edition, 264
place/publisher/year, 300 collation, 490 series, 500 notes, 520 abstract, 650 subjects, 852 one per copy
($b location, $h call number, $p item code, $t collection type, as the reader maps them), 856 the record's
page.
"""

from __future__ import annotations

import re

from lxml import etree

from oaipmh.formats.common import (
    RecordContext,
    ascii_bytes,
    escape_attribute,
    escape_text,
    language_639_2b,
    start_tag,
    xml_text,
)

MARC_NS = "http://www.loc.gov/MARC21/slim"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
_NSMAP = {None: MARC_NS, "xsi": XSI_NS}
_RECORD = f"{{{MARC_NS}}}record"
_LEADER = f"{{{MARC_NS}}}leader"
_CONTROL = f"{{{MARC_NS}}}controlfield"
_DATA = f"{{{MARC_NS}}}datafield"
_SUB = f"{{{MARC_NS}}}subfield"
_SCHEMA_LOCATION = f"{MARC_NS} http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"

# SLiMS GMD → leader/06 (the inverse of the reader's table; one code per material type)
LEADER_TYPE = {
    "Text": "a",
    "Music": "c",
    "Cartographic Material": "e",
    "Video Recording": "g",
    "Sound Recording": "j",
    "Picture": "k",
    "Electronic Resource": "m",
    "Kit": "o",
    "Multimedia": "p",
    "Realia": "r",
}
_NAME_TAGS = {"p": ("100", "700", "1"), "o": ("110", "710", "2"), "c": ("111", "711", "2")}
_RELATOR = {"author": "author", "editor": "editor", "translator": "translator", "compiler": "compiler",
            "illustrator": "illustrator"}  # fmt: skip
_ISSN = re.compile(r"^\d{4}-\d{3}[\dX]$")
_YEAR = re.compile(r"\d{4}")


def _data(found: list, tag: str, ind1: str, ind2: str, subfields: list[tuple[str, str]]) -> None:
    kept = [(code, text) for code, value in subfields if (text := xml_text(value).strip())]
    if kept:
        found.append((tag, ind1, ind2, kept))


def _fixed_008(record, language: str) -> str:
    entered = record.created_at.strftime("%y%m%d")
    year = _YEAR.search(record.publish_year or "")
    dates = f"s{year.group(0)}    " if year else "nuuuu    "
    return f"{entered}{dates}io {'|' * 17}{language or 'und'} d"


def fields(record, context: RecordContext) -> tuple[str, list[tuple[str, str]], list[tuple]]:
    """What a record disseminates: the leader, the control fields ``(tag, text)`` and the data fields
    ``(tag, ind1, ind2, [(code, text), ...])`` in order (empty subfields, and fields left empty, out)."""
    material = record.material_type or ""
    leader_type = LEADER_TYPE.get(material, "a")
    leader = f"00000n{leader_type}m a2200000 i 4500"
    language = language_639_2b(record.language)
    controls = [
        ("001", str(record.id)),
        ("005", record.updated_at.strftime("%Y%m%d%H%M%S.0")),
        ("008", _fixed_008(record, language)),
    ]
    found: list[tuple] = []

    isbn = record.isbn_issn or ""
    _data(found, "022" if _ISSN.match(isbn) else "020", " ", " ", [("a", isbn)])
    if language:
        _data(found, "041", " ", " ", [("a", language)])
    _data(found, "082", "0", "4", [("a", record.classification)])
    _data(found, "090", " ", " ", [("a", record.call_number)])

    for position, (name, author_type, role) in enumerate(record.authors):
        main, added, ind1 = _NAME_TAGS.get(author_type, _NAME_TAGS["p"])
        relator = _RELATOR.get(role, "")
        _data(found, main if position == 0 else added, ind1, " ", [("a", name), ("e", relator)])

    responsibility = record.statement_of_responsibility
    title_subfields = [("a", f"{record.title} /" if responsibility else record.title)]
    if material and material not in LEADER_TYPE:
        title_subfields.append(("h", f"[{material}]"))
    title_subfields.append(("c", responsibility))
    _data(found, "245", "1" if record.authors else "0", "0", title_subfields)
    _data(found, "250", " ", " ", [("a", record.edition)])
    _data(
        found,
        "264",
        " ",
        "1",
        [("a", record.publish_place), ("b", record.publisher), ("c", record.publish_year)],
    )
    _data(found, "300", " ", " ", [("a", record.collation)])
    _data(found, "490", "0", " ", [("a", record.series_title)])
    for line in (record.notes or "").split("\n"):
        _data(found, "500", " ", " ", [("a", line)])
    _data(found, "520", " ", " ", [("a", record.abstract)])
    for subject in record.subjects:
        _data(found, "650", " ", "4", [("a", subject)])
    for item_code, call_number, collection_type, location in record.copies:
        _data(
            found,
            "852",
            " ",
            " ",
            [("a", context.library_name), ("b", location), ("h", call_number), ("p", item_code),
             ("t", collection_type)],
        )  # fmt: skip
    _data(found, "856", "4", "0", [("u", context.record_url)])
    return leader, controls, found


def _root() -> etree._Element:
    root = etree.Element(_RECORD, nsmap=_NSMAP)
    root.set(f"{{{XSI_NS}}}schemaLocation", _SCHEMA_LOCATION)
    return root


def element(record, context: RecordContext) -> etree._Element:
    leader, controls, data_fields = fields(record, context)
    root = _root()
    etree.SubElement(root, _LEADER).text = leader
    for tag, text in controls:
        etree.SubElement(root, _CONTROL, tag=tag).text = text
    for tag, ind1, ind2, subfields in data_fields:
        field = etree.SubElement(root, _DATA, tag=tag, ind1=ind1, ind2=ind2)
        for code, text in subfields:
            etree.SubElement(field, _SUB, code=code).text = text
    return root


_START = start_tag(_root())


def write(record, context: RecordContext) -> bytes:
    """``etree.tostring(element(record, context))``, written directly."""
    leader, controls, data_fields = fields(record, context)
    parts = [_START, f"<leader>{escape_text(leader)}</leader>"]
    for tag, text in controls:
        parts.append(f'<controlfield tag="{tag}">{escape_text(text)}</controlfield>')
    for tag, ind1, ind2, subfields in data_fields:
        parts.append(
            f'<datafield tag="{tag}" ind1="{escape_attribute(ind1)}" ind2="{escape_attribute(ind2)}">'
        )
        for code, text in subfields:
            parts.append(f'<subfield code="{code}">{escape_text(text)}</subfield>')
        parts.append("</datafield>")
    parts.append("</record>")
    return ascii_bytes("".join(parts))
