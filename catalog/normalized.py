"""The one normalized record every source is mapped to before it reaches a library's schema.

Adapters (OAI-PMH oai_dc / MARCXML / MODS, uploaded files), the demo generator and librarian edits all
produce a ``NormalizedRecord``; ``catalog.services.upsert_record`` is the only writer of the
catalogue tables. Field names follow SLiMS's ``biblio`` / ``item`` tables (see docs/architecture.md).

This is also the one declaration of a record's fields: the catalogue's columns (``RECORD_COLUMNS``), the
tenant API's serializer, the union document and the fields citations read all derive their lists from
``NormalizedRecord`` through the groups below, so a field added here reaches each of them (the tests in
tests/catalog/test_record_fields.py check that they agree).
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
    abstract: str = ""  # MARC 520, dc:description, MODS abstract
    material_type: str = ""  # SLiMS gmd: "Text", "Electronic Resource", ...
    opac_hide: bool = False
    copies: tuple[NormalizedCopy, ...] = ()
    raw_format: str = ""  # "oai_dc", "marcxml", "mods", "local", "demo"
    raw_metadata: str = ""  # the source's own XML/JSON, kept beside the record
    extra: dict[str, str] = field(default_factory=dict)

    def content_hash(self) -> str:
        """A stable hash of the catalogue content (not of the raw bytes), used by reconciliation.

        The JSON of ``dataclasses.asdict(self)`` without ``raw_metadata``, built without asdict's deep
        copies (a harvest hashes every record it sees). Repeatable fields whose order carries no meaning
        hash as sets (``UNORDERED_FIELDS``: SLiMS emits a record's topics in varying order, and a
        re-harvest of unchanged data must change nothing); those whose order matters keep it (authors:
        the first is the primary author)."""
        payload = {name: getattr(self, name) for name in _HASHED_FIELDS}
        for name in UNORDERED_FIELDS:
            payload[name] = sorted(set(payload[name]))
        payload["copies"] = [vars(copy) for copy in self.copies]
        return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


UNORDERED_FIELDS = ("subjects",)
_HASHED_FIELDS = tuple(field.name for field in fields(NormalizedRecord) if field.name != "raw_metadata")


# --- The field groups every other list derives from ----------------------------------------------------

# Fields that say where a record came from or how to handle it, not what it describes.
CONTROL_FIELDS = ("source_key", "opac_hide", "copies", "raw_format", "raw_metadata", "extra")
# Descriptive fields stored in tables of their own (name-keyed vocabularies), not in columns of the record.
RELATED_FIELDS = ("authors", "subjects", "publisher")

DESCRIPTIVE_FIELDS = tuple(item.name for item in fields(NormalizedRecord) if item.name not in CONTROL_FIELDS)
"""The bibliographic description, in declaration order: what is shown, indexed and cited."""

DESCRIPTIVE_COLUMNS = tuple(name for name in DESCRIPTIVE_FIELDS if name not in RELATED_FIELDS)
"""Descriptive fields a ``catalog.models.Record`` keeps in a column of the same name."""

RECORD_COLUMNS = (*DESCRIPTIVE_COLUMNS, "opac_hide", "raw_format", "raw_metadata")
"""Every field ``catalog.services`` copies from a ``NormalizedRecord`` into a column of the same name
(the key, the related fields and the copies are written their own way)."""
