"""The metadata formats Simpul disseminates: ``oai_dc``, ``marcxml`` and ``mods`` (MODS 3.7).

Each module has ``element(record, context) -> lxml element`` built from a ``oaipmh.selectors.RecordRow``,
and ``write(record, context) -> bytes``, the bytes ``etree.tostring`` gives for that element: oai_dc and
marcxml write them directly (the provider's list pages spend most of their time there), MODS through lxml.
They are written so that Simpul's own readers (``harvest.adapters``: ``map_marcxml``, ``map_mods``) read
back the same catalogue fields — a Simpul library harvested into another matches it field for field
(``tests/oaipmh/test_round_trip.py``); oai_dc is Dublin Core as aggregators expect it (no call numbers, no
SLiMS extensions), so it carries less.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from oaipmh.formats import marcxml, mods, oai_dc


@dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str
    build: object  # (RecordRow, RecordContext) -> etree._Element
    write: object  # (RecordRow, RecordContext) -> bytes, etree.tostring(build(...))


def _write_mods(record, context) -> bytes:
    return etree.tostring(mods.element(record, context))


FORMATS = {
    "oai_dc": MetadataFormat(
        "oai_dc",
        "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
        oai_dc.OAI_DC_NS,
        oai_dc.element,
        oai_dc.write,
    ),
    "marcxml": MetadataFormat(
        "marcxml",
        "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd",
        marcxml.MARC_NS,
        marcxml.element,
        marcxml.write,
    ),
    "mods": MetadataFormat(
        "mods", "http://www.loc.gov/standards/mods/v3/mods-3-7.xsd", mods.MODS_NS, mods.element, _write_mods
    ),
}
