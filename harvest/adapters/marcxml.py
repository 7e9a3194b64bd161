"""MARCXML (MARC 21 slim) → NormalizedRecord, read with pymarc.

Fields, as Indonesian catalogues (SLiMS's MARC export, INLISLite, Koha) fill them:
245 $a$b title (ISBD punctuation removed), $c statement of responsibility, $h GMD; 100/110/111 primary
author, 700/710/711 the others; 650 (and 600/610/611/630/651) subjects with subdivisions joined by ``--``;
020/022 ISBN/ISSN; 264 (second indicator 1) else 260 place/publisher/year; 300 collation; 490/830 series;
082 DDC (084 when there is none: SLiMS's export); 090/099/852 call number; 041 else 008/35-37 language;
250 edition; 500/520 notes;
copies from 952 (Koha items: $p barcode, $o call number, $c location, $y type, $1 lost, $4 damaged) or
852 with a $p barcode. Leader/06 gives the material type when 245 $h does not.
"""

from __future__ import annotations

import io
import re

from lxml import etree
from pymarc import Field, MARC8ToUnicode, Record
from pymarc.marcxml import parse_xml_to_array

from catalog.normalized import NormalizedCopy, NormalizedRecord
from harvest.adapters.mapping import (
    MalformedRecord,
    clean_text,
    dedupe,
    language_code,
    normalize_isbn_issn,
    serialize,
)
from harvest.adapters.slims import record_key_from_identifier

__all__ = ["map_marc_record", "map_marcxml", "marc_to_xml", "parse_marcxml"]

MARC_NS = "http://www.loc.gov/MARC21/slim"

# Leader/06 type of record → SLiMS GMD
_MATERIAL_BY_LEADER = {
    "a": "Text",
    "t": "Text",
    "c": "Music",
    "d": "Music",
    "e": "Cartographic Material",
    "f": "Cartographic Material",
    "g": "Video Recording",
    "i": "Sound Recording",
    "j": "Sound Recording",
    "k": "Picture",
    "m": "Electronic Resource",
    "o": "Kit",
    "p": "Multimedia",
    "r": "Realia",
}

_TRAILING_ISBD = re.compile(r"[\s/:;,=.]+$")


def _strip_isbd(value: str) -> str:
    """Drop ISBD punctuation that ends a subfield (``Judul :`` → ``Judul``), keeping ``t.t.``-like
    abbreviations when they are the whole value."""
    text = clean_text(value)
    stripped = _TRAILING_ISBD.sub("", text)
    if text.endswith(".") and stripped and re.search(r"\b\w\.\w$", stripped):
        return stripped + "."  # "t.t." / "s.n." keep their final period
    return stripped


def _subfield(field: Field | None, code: str) -> str:
    """The first ``$code`` of the field, cleaned ("" when none)."""
    if field is None or field.control_field:
        return ""
    for subfield in field.subfields:
        if subfield.code == code:
            return clean_text(subfield.value)
    return ""


def _subfields(field: Field, *codes: str) -> list[str]:
    return [text for value in field.get_subfields(*codes) if (text := clean_text(value))]


class _Fields:
    """A record's fields by tag, gathered once: pymarc's ``get`` and ``get_fields`` walk every field on
    each call, and a record is asked for some twenty tags."""

    __slots__ = ("by_tag", "fields")

    def __init__(self, record: Record):
        self.fields = record.fields
        by_tag: dict[str, list[Field]] = {}
        for field in record.fields:
            by_tag.setdefault(field.tag, []).append(field)
        self.by_tag = by_tag

    def get(self, tag: str) -> Field | None:
        found = self.by_tag.get(tag)
        return found[0] if found else None

    def get_fields(self, *tags: str) -> list[Field]:
        """The fields with any of ``tags``, in the record's order (as pymarc's ``get_fields``)."""
        if len(tags) == 1:
            return self.by_tag.get(tags[0], [])
        wanted = set(tags)
        return [field for field in self.fields if field.tag in wanted]


_SAFE_PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)


def parse_marcxml(xml: bytes | str) -> list[Record]:
    """All MARC records in a MARCXML document or fragment (a ``record`` or a ``collection``).

    pymarc reads with the standard library's SAX parser, which would expand the entities of a DTD in
    the document: the document is first parsed here without expanding anything, and pymarc gets only the
    root element serialized again (no DTD; an entity reference left in it is an unreadable record)."""
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        data = etree.tostring(etree.fromstring(data, _SAFE_PARSER), encoding="utf-8")
    return parse_xml_to_array(io.BytesIO(data), strict=False, normalize_form="NFC")


_XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
_RECORD_START = (
    f'<record xmlns="{MARC_NS}" xmlns:xsi="{_XSI_NS}" '
    f'xsi:schemaLocation="{MARC_NS} http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd">'
)
_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}
)


def _text(value: str) -> str:
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


def _attribute(value: str) -> str:
    return value.translate(_ATTRIBUTE_ESCAPES) if not value.isalnum() else value


def marc_to_xml(record: Record) -> str:
    """The record as MARCXML text, the same characters as ``pymarc.record_to_xml(record,
    namespace=True).decode()`` (what an ISO 2709 import kept as raw metadata before): ElementTree's
    escapes, its ``<x />`` for empty elements and, as its US-ASCII output, every non-ASCII character as a
    numeric character reference. Built as one string, several times faster than the element tree; the
    equality is a test (tests/harvest/test_marcxml_mapper.py)."""
    marc8 = None
    leader = str(record.leader)
    parts = [_RECORD_START, f"<leader>{_text(leader)}</leader>" if leader else "<leader />"]
    append = parts.append
    for field in record:
        tag = _attribute(field.tag)
        if field.control_field:
            data = field.data
            if data is not None and not isinstance(data, str):
                marc8 = marc8 or MARC8ToUnicode()
                data = marc8.translate(data)
            append(
                f'<controlfield tag="{tag}">{_text(data)}</controlfield>'
                if data
                else f'<controlfield tag="{tag}" />'
            )
            continue
        first, second = field.indicators
        start = f'<datafield ind1="{_attribute(first)}" ind2="{_attribute(second)}" tag="{tag}"'
        subfields = field.subfields
        if not subfields:
            append(start + " />")
            continue
        append(start + ">")
        for code, value in subfields:
            if value is not None and not isinstance(value, str):
                marc8 = marc8 or MARC8ToUnicode()
                value = marc8.translate(value)
            append(
                f'<subfield code="{_attribute(code)}">{_text(value)}</subfield>'
                if value
                else f'<subfield code="{_attribute(code)}" />'
            )
        append("</datafield>")
    append("</record>")
    text = "".join(parts)
    return text if text.isascii() else text.encode("ascii", "xmlcharrefreplace").decode("ascii")


def _title(record: _Fields) -> tuple[str, str, str]:
    field = record.get("245")
    if field is None:
        return "", "", ""
    main = _strip_isbd(" ".join(_subfields(field, "a")))
    # SLiMS's MARC export starts $b with its own " : "
    remainder = _strip_isbd(" ".join(_subfields(field, "b"))).lstrip(":;=/ ")
    parts = _subfields(field, "n", "p")
    title = main
    if remainder:
        title = f"{title} : {remainder}" if title else remainder
    if parts:
        title = f"{title}. {_strip_isbd(' '.join(parts))}"
    responsibility = _strip_isbd(_subfield(field, "c"))
    gmd = _subfield(field, "h").strip("[] :/;.")
    return title, responsibility, gmd


def _authors(record: _Fields) -> tuple[str, ...]:
    names = []
    for field in record.get_fields("100", "110", "111", "700", "710", "711"):
        name = " ".join(
            _subfields(field, "a", "b") if field.tag in ("110", "710") else _subfields(field, "a")
        )
        names.append(_TRAILING_ISBD.sub("", name))
    return dedupe(names)


def _subjects(record: _Fields) -> tuple[str, ...]:
    subjects = []
    for field in record.get_fields("650", "600", "610", "611", "630", "651"):
        heading = [_TRAILING_ISBD.sub("", value) for value in _subfields(field, "a", "b", "t")]
        subdivisions = [_TRAILING_ISBD.sub("", value) for value in _subfields(field, "x", "y", "z", "v")]
        text = " ".join(heading)
        if subdivisions:
            text = " -- ".join([text, *subdivisions])
        subjects.append(text)
    return dedupe(subjects)


def _imprint(record: _Fields) -> tuple[str, str, str]:
    imprint = None
    for field in record.get_fields("264"):
        if field.indicator2 == "1":
            imprint = field
            break
    if imprint is None:
        imprint = record.get("260") or record.get("264")
    if imprint is None:
        return "", "", ""
    return (
        _strip_isbd(_subfield(imprint, "a")),
        _strip_isbd(_subfield(imprint, "b")),
        _strip_isbd(_subfield(imprint, "c")),
    )


def _call_number(record: _Fields) -> str:
    for tag, codes in (("090", ("a", "b")), ("099", ("a",)), ("852", ("h", "i")), ("092", ("a", "b"))):
        field = record.get(tag)
        if field is not None:
            value = " ".join(_subfields(field, *codes))
            if value:
                return value
    return ""


def _language(record: _Fields) -> str:
    field = record.get("041")
    if field is not None and _subfield(field, "a"):
        return language_code(_subfield(field, "a")[:3])
    control = record.get("008")
    if control is not None and control.data and len(control.data) >= 38:
        code = control.data[35:38].strip()
        if code and code not in ("|||", "und", "zxx"):
            return language_code(code)
    return ""


def _copies(record: _Fields, call_number: str) -> tuple[NormalizedCopy, ...]:
    copies: list[NormalizedCopy] = []
    seen: set[str] = set()
    for field in record.get_fields("952"):
        item_code = _subfield(field, "p")
        if not item_code or item_code in seen:
            continue
        seen.add(item_code)
        status = ""
        if _subfield(field, "1") not in ("", "0"):
            status = "MIS"
        elif _subfield(field, "4") not in ("", "0"):
            status = "R"
        copies.append(
            NormalizedCopy(
                item_code=item_code,
                call_number=_subfield(field, "o") or call_number,
                collection_type=_subfield(field, "y"),
                location=_subfield(field, "c") or _subfield(field, "a"),
                status=status,
            )
        )
    for field in record.get_fields("852"):
        item_code = _subfield(field, "p")
        if not item_code or item_code in seen:
            continue
        seen.add(item_code)
        copies.append(
            NormalizedCopy(
                item_code=item_code,
                call_number=" ".join(_subfields(field, "h", "i")) or call_number,
                collection_type=_subfield(field, "t"),
                location=" ".join(_subfields(field, "b", "c")),
            )
        )
    return tuple(copies)


def map_marcxml(
    identifier: str, element: etree._Element | bytes | str, raw_xml: str | None = None
) -> NormalizedRecord:
    """Map one MARCXML record (an lxml element, or the XML as text/bytes).

    ``identifier`` is the OAI identifier (its SLiMS-aware key becomes ``source_key``); for a file import
    pass ``""`` and the 001 control number is the key. Raises :class:`MalformedRecord`.
    """
    if element is None:
        raise MalformedRecord(identifier, "no metadata element")
    if isinstance(element, (bytes, str)):
        xml = element
        raw = raw_xml if raw_xml is not None else (xml.decode("utf-8") if isinstance(xml, bytes) else xml)
    else:
        raw = raw_xml if raw_xml is not None else serialize(element)
        xml = etree.tostring(element, encoding="utf-8")
    try:
        records = parse_marcxml(xml)
    except Exception as error:  # pymarc raises plain exceptions of several kinds on broken input
        raise MalformedRecord(identifier, f"unreadable MARCXML: {error}") from error
    records = [record for record in records if record is not None]
    if not records:
        raise MalformedRecord(identifier, "no MARC record in the metadata")
    return map_marc_record(identifier, records[0], raw)


def map_marc_record(identifier: str, record: Record, raw: str) -> NormalizedRecord:
    """Map a pymarc record already read (an ISO 2709 file's: no MARCXML round trip); ``raw`` is kept as
    the record's ``raw_metadata`` (MARCXML). Raises :class:`MalformedRecord`."""
    leader = str(record.leader)
    fields = _Fields(record)
    title, responsibility, gmd = _title(fields)
    if not title:
        raise MalformedRecord(identifier, "no title (245 $a)")
    place, publisher, year = _imprint(fields)
    call_number = _call_number(fields)
    control_number = fields.get("001").data.strip() if fields.get("001") is not None else ""
    isbn = ""
    for tag in ("020", "022"):
        field = fields.get(tag)
        if field is not None and _subfield(field, "a"):
            isbn = _subfield(field, "a")
            break
    edition_field = fields.get("250")
    series = ""
    for tag in ("490", "830", "440"):
        field = fields.get(tag)
        if field is not None:
            series = " ; ".join(
                _strip_isbd(value) for value in _subfields(field, "a", "v") if _strip_isbd(value)
            )
            if series:
                break
    collation_field = fields.get("300")
    notes = [_subfield(field, "a") for field in fields.get_fields("500", "520")]
    # 082 is DDC; SLiMS's MARC export puts its classification in 084 (other scheme)
    classification_field = fields.get("082") or fields.get("084")
    # "text" → "Text", but a GMD written with capitals stays as written ("CD-ROM", not "Cd-Rom")
    gmd = gmd.title() if gmd == gmd.lower() else gmd
    material_type = gmd or _MATERIAL_BY_LEADER.get(leader[6:7], "")

    source_key = record_key_from_identifier(identifier) if identifier else control_number
    if not source_key:
        raise MalformedRecord(identifier, "no identifier and no 001 control number")
    extra = {"control_number": control_number} if control_number else {}
    return NormalizedRecord(
        source_key=source_key,
        title=title,
        authors=_authors(fields),
        subjects=_subjects(fields),
        statement_of_responsibility=responsibility,
        edition=_strip_isbd(_subfield(edition_field, "a")),
        isbn_issn=normalize_isbn_issn(isbn),
        publisher=publisher,
        publish_place=place,
        publish_year=year,
        collation=_TRAILING_ISBD.sub("", " ".join(_subfields(collation_field, "a", "b", "c", "e")))
        if collation_field is not None
        else "",
        series_title=series,
        call_number=call_number,
        classification=_subfield(classification_field, "a"),
        language=_language(fields),
        notes="\n".join(note for note in notes if note),
        material_type=material_type,
        copies=_copies(fields, call_number),
        raw_format="marcxml",
        raw_metadata=raw,
        extra=extra,
    )
