"""Unqualified Dublin Core (``oai_dc``, OAI-PMH 2.0 Appendix): the 15 elements only."""

from __future__ import annotations

from lxml import etree

from oaipmh.formats.common import RecordContext, language_639_2b, xml_text

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
_NSMAP = {"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS}
_ROOT = f"{{{OAI_DC_NS}}}dc"
_SCHEMA_LOCATION = f"{OAI_DC_NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"


def element(record, context: RecordContext) -> etree._Element:
    root = etree.Element(_ROOT, nsmap=_NSMAP)
    root.set(f"{{{XSI_NS}}}schemaLocation", _SCHEMA_LOCATION)

    def add(name: str, value: str) -> None:
        text = xml_text(value).strip()
        if text:
            etree.SubElement(root, f"{{{DC_NS}}}{name}").text = text

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
    return root
