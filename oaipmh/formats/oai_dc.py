"""Unqualified Dublin Core (``oai_dc``, OAI-PMH 2.0 Appendix): the 15 elements only.

``elements`` says what a record disseminates; ``element`` builds it as an lxml tree and ``write`` as the
bytes ``etree.tostring`` would give for that tree, written directly (several times faster; a list page
writes thousands of records, and tests/oaipmh/test_writers.py holds the two to the same bytes).
"""

from __future__ import annotations

from lxml import etree

from oaipmh.formats.common import (
    RecordContext,
    ascii_bytes,
    escape_text,
    language_639_2b,
    start_tag,
    xml_text,
)

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
_NSMAP = {"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS}
_ROOT = f"{{{OAI_DC_NS}}}dc"
_SCHEMA_LOCATION = f"{OAI_DC_NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"


def elements(record, context: RecordContext) -> list[tuple[str, str]]:
    """``(Dublin Core element, text)`` in order; empty values are left out."""
    found: list[tuple[str, str]] = []

    def add(name: str, value: str) -> None:
        text = xml_text(value).strip()
        if text:
            found.append((name, text))

    add("title", record.title)
    for name, _type, role in record.authors:
        add("creator" if role in ("", "author") else "contributor", name)
    for subject in record.subjects:
        add("subject", subject)
    add("subject", record.classification)
    add("description", record.notes)
    add("description", record.abstract)
    add("publisher", record.publisher)
    add("date", record.publish_year)
    add("type", record.material_type)
    add("format", record.collation)
    add("identifier", record.isbn_issn)
    add("identifier", context.record_url)
    add("language", language_639_2b(record.language) or record.language)
    add("relation", record.series_title)
    return found


def _root() -> etree._Element:
    root = etree.Element(_ROOT, nsmap=_NSMAP)
    root.set(f"{{{XSI_NS}}}schemaLocation", _SCHEMA_LOCATION)
    return root


def element(record, context: RecordContext) -> etree._Element:
    root = _root()
    for name, text in elements(record, context):
        etree.SubElement(root, f"{{{DC_NS}}}{name}").text = text
    return root


_START = start_tag(_root())


def write(record, context: RecordContext) -> bytes:
    """``etree.tostring(element(record, context))``, written directly."""
    found = elements(record, context)
    if not found:
        return ascii_bytes(_START[:-1] + "/>")
    parts = [_START]
    for name, text in found:
        parts.append(f"<dc:{name}>{escape_text(text)}</dc:{name}>")
    parts.append("</oai_dc:dc>")
    return ascii_bytes("".join(parts))
