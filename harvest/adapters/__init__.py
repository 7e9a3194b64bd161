"""Adapters that read a catalogue and turn it into ``NormalizedRecord`` objects — no Django here.

* :mod:`~harvest.adapters.sanitize` — tolerant XML (control characters, PHP notices, HTML entities,
  mojibake) and :class:`MalformedResponse`;
* :mod:`~harvest.adapters.oai_client` — the OAI-PMH client: page-level iteration with resumption
  checkpoints, bounded retries (503 + Retry-After, timeouts, resets, truncated bodies), :class:`PageFailed`;
* :mod:`~harvest.adapters.slims` — the two SLiMS endpoints, their quirk profiles, record keys, and the
  ``oai.php`` walk that rebuilds failing pages record by record;
* mappers, each pure ``(identifier, element, raw_xml) -> NormalizedRecord`` raising
  :class:`MalformedRecord`: :func:`map_oai_dc`, :func:`map_marcxml`, :func:`map_mods`, and
  :func:`map_oai_record` which picks one by the record's metadata format.
"""

from harvest.adapters.dispatch import map_oai_record
from harvest.adapters.mapping import MalformedRecord, merge_mods_details
from harvest.adapters.marcxml import map_marcxml
from harvest.adapters.mods import map_mods
from harvest.adapters.oai_client import (
    BadResumptionToken,
    ForbiddenRequest,
    Identify,
    NotOaiPmh,
    OaiClient,
    OaiError,
    OaiProtocolError,
    OaiRecord,
    Page,
    PageFailed,
    RecordHeader,
    RequestFailed,
    RetryPolicy,
    SourceUnreachable,
    incremental_from,
    iter_pages_with_restart,
)
from harvest.adapters.oai_dc import map_oai_dc
from harvest.adapters.sanitize import MalformedResponse, parse_xml
from harvest.adapters.slims import (
    EndpointProfile,
    PageRecovery,
    SlimsFlavour,
    detect_slims_flavour,
    iter_slims_pages,
    profile_for,
    record_key_from_identifier,
)

__all__ = [
    "BadResumptionToken",
    "EndpointProfile",
    "ForbiddenRequest",
    "Identify",
    "MalformedRecord",
    "MalformedResponse",
    "NotOaiPmh",
    "OaiClient",
    "OaiError",
    "OaiProtocolError",
    "OaiRecord",
    "Page",
    "PageFailed",
    "PageRecovery",
    "RecordHeader",
    "RequestFailed",
    "RetryPolicy",
    "SlimsFlavour",
    "SourceUnreachable",
    "detect_slims_flavour",
    "incremental_from",
    "iter_pages_with_restart",
    "iter_slims_pages",
    "map_marcxml",
    "map_mods",
    "map_oai_dc",
    "map_oai_record",
    "merge_mods_details",
    "parse_xml",
    "profile_for",
    "record_key_from_identifier",
]
