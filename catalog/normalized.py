"""The one normalized record every source is mapped to before it reaches a library's schema.

Adapters (OAI-PMH oai_dc / MARCXML / MODS, uploaded files), the demo generator and librarian edits all
produce a ``NormalizedRecord``; ``catalog.services.upsert_record`` is the only writer of the
catalogue tables. Field names follow SLiMS's ``biblio`` / ``item`` tables (see docs/architecture.md).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields


@dataclass(frozen=True)
class NormalizedCopy:
    """One physical copy (SLiMS ``item``, "eksemplar" in the UI)."""

    item_code: str
    call_number: str = ""
    collection_type: str = ""
    location: str = ""
    status: str = ""  # "" = available on the shelf; e.g. "R" repair, "MIS" missing (SLiMS item_status)


@dataclass(frozen=True)
class NormalizedRecord:
    """A bibliographic record as it arrives from a source, independent of the source's format.

    ``source_key`` identifies the record within its source (the trailing SLiMS biblio id, an OAI
    identifier, a file's control number); re-harvesting the same key updates the same row.
    """

    source_key: str
    title: str
    authors: tuple[str, ...] = ()  # primary author first (SLiMS level 1)
    subjects: tuple[str, ...] = ()
    statement_of_responsibility: str = ""
    edition: str = ""
    isbn_issn: str = ""
    publisher: str = ""
    publish_place: str = ""
    publish_year: str = ""  # text, as SLiMS keeps it ("2019", "1440 H/2019", "[t.t.]")
    collation: str = ""
    series_title: str = ""
    call_number: str = ""
    classification: str = ""  # DDC class, e.g. "297.4"
    language: str = ""  # ISO 639-1 where known ("id", "ar", "en")
    notes: str = ""
    material_type: str = ""  # SLiMS gmd: "Text", "Electronic Resource", ...
    opac_hide: bool = False
    copies: tuple[NormalizedCopy, ...] = ()
    raw_format: str = ""  # "oai_dc", "marcxml", "mods", "local", "demo"
    raw_metadata: str = ""  # the source's own XML/JSON, kept beside the record
    extra: dict[str, str] = field(default_factory=dict)

    def content_hash(self) -> str:
        """A stable hash of the catalogue content (not of the raw bytes), used by reconciliation.

        The JSON of ``dataclasses.asdict(self)`` without ``raw_metadata``, built without asdict's deep
        copies (a harvest hashes every record it sees; the value is unchanged)."""
        payload = {name: getattr(self, name) for name in _HASHED_FIELDS}
        payload["copies"] = [vars(copy) for copy in self.copies]
        return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


_HASHED_FIELDS = tuple(field.name for field in fields(NormalizedRecord) if field.name != "raw_metadata")
