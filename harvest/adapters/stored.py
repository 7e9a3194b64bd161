"""A stored record mapped again from the raw metadata kept beside it (no Django here).

Every harvested or imported record keeps its source's XML (``Record.raw_metadata``): oai_dc, MARCXML or
MODS — for SLiMS oai2.php the oai_dc followed by the MODS detail export its copies came from. Mapping that
XML again with today's mappers repairs what an older mapper got wrong (an ISBN in ``urn:isbn:`` form
stored as the call number) without asking the source again.
"""

from __future__ import annotations

from dataclasses import replace

from catalog.normalized import NormalizedRecord
from harvest.adapters.mapping import MalformedRecord, local_name, merge_mods_details, serialize
from harvest.adapters.marcxml import map_marcxml
from harvest.adapters.mods import map_mods
from harvest.adapters.oai_dc import map_oai_dc
from harvest.adapters.sanitize import MalformedResponse, parse_xml

__all__ = ["REMAPPABLE_FORMATS", "remap_stored"]

REMAPPABLE_FORMATS = ("oai_dc", "marcxml", "mods")


def remap_stored(*, source_key: str, raw_format: str, raw_metadata: str) -> NormalizedRecord:
    """The record ``raw_metadata`` describes, keyed ``source_key``. Raises :class:`MalformedRecord`."""
    if raw_format not in REMAPPABLE_FORMATS or not raw_metadata.strip():
        raise MalformedRecord(source_key, f"no raw metadata to map again (format {raw_format!r})")
    try:
        # one or two documents (oai_dc + MODS detail), each with its own namespace declarations
        root = parse_xml(f"<stored>{raw_metadata}</stored>", expected_root="stored", repair_text=False).root
    except MalformedResponse as error:
        raise MalformedRecord(source_key, f"stored metadata unreadable: {error.reason}") from error
    elements = [element for element in root if isinstance(element.tag, str)]
    if not elements:
        raise MalformedRecord(source_key, "stored metadata holds no element")
    first = elements[0]
    if raw_format == "oai_dc":
        record = map_oai_dc(source_key, first, serialize(first))
        mods = next((element for element in elements[1:] if local_name(element) == "mods"), None)
        if mods is not None:
            record = merge_mods_details(record, map_mods(source_key, mods, serialize(mods)))
    elif raw_format == "marcxml":
        record = map_marcxml("", first, serialize(first))
    else:
        record = map_mods("", first, serialize(first))
    return replace(record, source_key=source_key, raw_metadata=raw_metadata)
