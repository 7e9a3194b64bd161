"""The metadata formats Simpul disseminates: ``oai_dc``, ``marcxml`` and ``mods`` (MODS 3.7).

Each module has ``element(record, context) -> lxml element`` built from a ``oaipmh.selectors.RecordRow``.
They are written so that Simpul's own readers (``harvest.adapters``: ``map_marcxml``, ``map_mods``) read
back the same catalogue fields — a Simpul library harvested into another matches it field for field
(``tests/oaipmh/test_round_trip.py``); oai_dc is Dublin Core as aggregators expect it (no call numbers, no
SLiMS extensions), so it carries less.
"""

from __future__ import annotations

from dataclasses import dataclass

from oaipmh.formats import marcxml, mods, oai_dc


@dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str
    build: object  # (RecordRow, RecordContext) -> etree._Element


FORMATS = {
    "oai_dc": MetadataFormat(
        "oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", oai_dc.OAI_DC_NS, oai_dc.element
    ),
    "marcxml": MetadataFormat(
        "marcxml",
        "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd",
        marcxml.MARC_NS,
        marcxml.element,
    ),
    "mods": MetadataFormat(
        "mods", "http://www.loc.gov/standards/mods/v3/mods-3-7.xsd", mods.MODS_NS, mods.element
    ),
}
