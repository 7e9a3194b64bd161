"""Pick the mapper of a harvested record's metadata format (apart from the mappers' shared helpers in
``mapping``, which every mapper imports)."""

from __future__ import annotations

from catalog.normalized import NormalizedRecord
from harvest.adapters.mapping import MalformedRecord
from harvest.adapters.marcxml import map_marcxml
from harvest.adapters.mods import map_mods
from harvest.adapters.oai_client import OaiRecord
from harvest.adapters.oai_dc import map_oai_dc


def map_oai_record(record: OaiRecord) -> NormalizedRecord:
    """Map an :class:`~harvest.adapters.oai_client.OaiRecord` with the mapper of its metadata format.

    Returns a ``NormalizedRecord``; raises :class:`MalformedRecord` for a deleted record (nothing to map),
    an unknown format or a broken record.
    """
    mappers = {"oai_dc": map_oai_dc, "marcxml": map_marcxml, "marc21": map_marcxml, "mods": map_mods}
    if record.metadata is None:
        raise MalformedRecord(record.identifier, "no metadata (deleted record or header only)")
    mapper = mappers.get(record.metadata_format)
    if mapper is None:
        raise MalformedRecord(record.identifier, f"no mapper for metadata format {record.metadata_format!r}")
    return mapper(record.identifier, record.metadata, record.raw_xml())
