"""MODS 3.7 records, with the copies as ``location/holdingSimple/copyInformation`` (as
``harvest.adapters.mods.map_mods`` reads them: ``form`` collection type, ``subLocation`` location,
``shelfLocator`` call number, ``itemIdentifier`` item code)."""

from __future__ import annotations

import re

from lxml import etree

from oaipmh.formats.common import RecordContext, language_639_2b, xml_text

MODS_NS = "http://www.loc.gov/mods/v3"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
_NSMAP = {None: MODS_NS, "xsi": XSI_NS}
_SCHEMA_LOCATION = f"{MODS_NS} http://www.loc.gov/standards/mods/v3/mods-3-7.xsd"
_NAME_TYPES = {"p": "personal", "o": "corporate", "c": "conference"}
_ISSN = re.compile(r"^\d{4}-\d{3}[\dX]$")


def _tag(name: str) -> str:
    return f"{{{MODS_NS}}}{name}"


def _add(parent, name: str, value: str | None, **attributes: str):
    text = xml_text(value).strip()
    if not text:
        return None
    node = etree.SubElement(parent, _tag(name), **attributes)
    node.text = text
    return node


def element(record, context: RecordContext) -> etree._Element:
    root = etree.Element(_tag("mods"), nsmap=_NSMAP, version="3.7")
    root.set(f"{{{XSI_NS}}}schemaLocation", _SCHEMA_LOCATION)
    title_info = etree.SubElement(root, _tag("titleInfo"))
    etree.SubElement(title_info, _tag("title")).text = xml_text(record.title).strip() or "-"

    for position, (name, author_type, role) in enumerate(record.authors):
        text = xml_text(name).strip()
        if not text:
            continue
        attributes = {"type": _NAME_TYPES.get(author_type, "personal")}
        if position == 0:
            attributes["usage"] = "primary"
        node = etree.SubElement(root, _tag("name"), **attributes)
        etree.SubElement(node, _tag("namePart")).text = text
        role_node = etree.SubElement(node, _tag("role"))
        etree.SubElement(role_node, _tag("roleTerm"), type="text", authority="marcrelator").text = (
            role or "author"
        )

    if record.material_type == "Text":
        etree.SubElement(root, _tag("typeOfResource")).text = "text"

    origin = etree.SubElement(root, _tag("originInfo"))
    place = xml_text(record.publish_place).strip()
    if place:
        place_node = etree.SubElement(origin, _tag("place"))
        etree.SubElement(place_node, _tag("placeTerm"), type="text").text = place
    _add(origin, "publisher", record.publisher)
    _add(origin, "dateIssued", record.publish_year)
    _add(origin, "edition", record.edition)
    if not len(origin):
        root.remove(origin)

    code = language_639_2b(record.language)
    if code or record.language:
        language = etree.SubElement(root, _tag("language"))
        if code:
            etree.SubElement(language, _tag("languageTerm"), type="code", authority="iso639-2b").text = code
        else:
            etree.SubElement(language, _tag("languageTerm"), type="text").text = xml_text(record.language)

    if record.material_type or record.collation:
        physical = etree.SubElement(root, _tag("physicalDescription"))
        _add(physical, "form", record.material_type, authority="gmd")
        _add(physical, "extent", record.collation)
    _add(root, "abstract", record.abstract)
    _add(root, "note", record.statement_of_responsibility, type="statement of responsibility")
    for line in (record.notes or "").split("\n"):
        _add(root, "note", line)
    for subject in record.subjects:
        text = xml_text(subject).strip()
        if text:
            node = etree.SubElement(root, _tag("subject"))
            etree.SubElement(node, _tag("topic")).text = text
    _add(root, "classification", record.classification, authority="ddc")
    series = xml_text(record.series_title).strip()
    if series:
        related = etree.SubElement(root, _tag("relatedItem"), type="series")
        info = etree.SubElement(related, _tag("titleInfo"))
        etree.SubElement(info, _tag("title")).text = series
    isbn = record.isbn_issn or ""
    _add(root, "identifier", isbn, type="issn" if _ISSN.match(isbn) else "isbn")

    location = etree.SubElement(root, _tag("location"))
    _add(location, "shelfLocator", record.call_number)
    _add(location, "url", context.record_url, usage="primary display", access="object in context")
    if record.copies:
        holding = etree.SubElement(location, _tag("holdingSimple"))
        for item_code, call_number, collection_type, item_location in record.copies:
            copy = etree.SubElement(holding, _tag("copyInformation"))
            _add(copy, "form", collection_type)
            _add(copy, "subLocation", item_location)
            _add(copy, "shelfLocator", call_number)
            _add(copy, "itemIdentifier", item_code)

    info = etree.SubElement(root, _tag("recordInfo"))
    _add(info, "recordContentSource", context.library_name)
    _add(info, "recordCreationDate", record.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"), encoding="w3cdtf")
    _add(info, "recordChangeDate", record.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"), encoding="w3cdtf")
    _add(info, "recordIdentifier", context.identifier, source="oai")
    return root
