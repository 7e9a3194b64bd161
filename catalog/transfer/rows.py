"""The catalogue read for export and labels in chunks: plain rows (no model instances), one query per table
per chunk, keyset-paged by id — a 100,000-record export holds one chunk at a time, never the catalogue."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from catalog.models import Item, Record, RecordAuthor

EXPORT_CHUNK = 500

RECORD_COLUMNS = (
    "id",
    "title",
    "statement_of_responsibility",
    "edition",
    "isbn_issn",
    "publisher__name",
    "publish_place",
    "publish_year",
    "collation",
    "series_title",
    "call_number",
    "classification",
    "language",
    "notes",
    "material_type",
    "abstract",
    "opac_hide",
    "cover",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True)
class AuthorRow:
    name: str
    author_type: str  # p, o, c
    level: int
    role: str


@dataclass(frozen=True)
class CopyRow:
    item_code: str
    call_number: str
    collection_type: str
    location: str
    status: str
    acquired_on: date | None
    acquisition_source: str
    price: Decimal | None


@dataclass
class RecordRow:
    id: int
    title: str
    statement_of_responsibility: str
    edition: str
    isbn_issn: str
    publisher: str
    publish_place: str
    publish_year: str
    collation: str
    series_title: str
    call_number: str
    classification: str
    language: str
    notes: str
    material_type: str
    abstract: str
    opac_hide: bool
    cover: str
    created_at: datetime
    updated_at: datetime
    authors: list[AuthorRow] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    copies: list[CopyRow] = field(default_factory=list)


def record_rows(*, chunk_size: int = EXPORT_CHUNK) -> Iterator[list[RecordRow]]:
    """Every record of the active schema, ``chunk_size`` at a time, in id order, with its authors (in
    their order), subjects (in the order they were linked) and copies (by code)."""
    last_id = 0
    while True:
        values = list(
            Record.objects.filter(pk__gt=last_id).order_by("pk").values_list(*RECORD_COLUMNS)[:chunk_size]
        )
        if not values:
            return
        rows = [RecordRow(*(value if value is not None else "" for value in row)) for row in values]
        by_id = {row.id: row for row in rows}
        ids = list(by_id)
        for record_id, name, kind, level, role in (
            RecordAuthor.objects.filter(record_id__in=ids)
            .order_by("record_id", "position", "id")
            .values_list("record_id", "author__name", "author__author_type", "level", "role")
        ):
            by_id[record_id].authors.append(AuthorRow(name, kind, level, role))
        subject_link = Record.subjects.through
        subject_links = subject_link.objects.filter(record_id__in=ids).order_by("id")
        for record_id, name in subject_links.values_list("record_id", "subject__name"):
            by_id[record_id].subjects.append(name)
        copies: dict[int, list[CopyRow]] = defaultdict(list)
        for record_id, *columns in (
            Item.objects.filter(record_id__in=ids)
            .order_by("item_code")
            .values_list(
                "record_id",
                "item_code",
                "call_number",
                "collection_type",
                "location",
                "status",
                "acquired_on",
                "acquisition_source",
                "price",
            )
        ):
            copies[record_id].append(CopyRow(*columns))
        for record_id, record_copies in copies.items():
            by_id[record_id].copies = record_copies
        yield rows
        last_id = rows[-1].id
