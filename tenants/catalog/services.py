"""The only writers of a library's catalogue. Call them with the library's schema active
(``django_tenants.utils.tenant_context(library)``); every source — harvest, file import, demo seeding,
a librarian's edit — goes through ``upsert_record`` so a record is stored the same way whatever its road.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from tenants.catalog.models import Author, Item, Publisher, Record, RecordAuthor, Subject
from tenants.catalog.normalized import NormalizedRecord


@dataclass(frozen=True)
class UpsertResult:
    record: Record
    created: bool
    changed: bool


def _publisher(name: str) -> Publisher | None:
    name = name.strip()[:255]
    if not name:
        return None
    publisher, _ = Publisher.objects.get_or_create(name=name)
    return publisher


def _set_authors(record: Record, names: tuple[str, ...]) -> None:
    RecordAuthor.objects.filter(record=record).delete()
    seen: set[str] = set()
    links = []
    for position, raw_name in enumerate(names):
        name = raw_name.strip()[:255]
        if not name or name in seen:
            continue
        seen.add(name)
        author, _ = Author.objects.get_or_create(name=name)
        links.append(
            RecordAuthor(record=record, author=author, level=1 if position == 0 else 2, position=position)
        )
    RecordAuthor.objects.bulk_create(links)


def _set_subjects(record: Record, names: tuple[str, ...]) -> None:
    subjects = []
    for raw_name in names:
        name = raw_name.strip()[:255]
        if name:
            subject, _ = Subject.objects.get_or_create(name=name)
            subjects.append(subject)
    record.subjects.set(subjects)


def _set_copies(record: Record, normalized: NormalizedRecord) -> None:
    wanted = {copy.item_code: copy for copy in normalized.copies if copy.item_code}
    existing = {item.item_code: item for item in Item.objects.filter(item_code__in=wanted)}
    # A copy code moving to another record at the source moves here too.
    for code, copy in wanted.items():
        item = existing.get(code) or Item(item_code=code)
        item.record = record
        item.call_number = copy.call_number or normalized.call_number
        item.collection_type = copy.collection_type
        item.location = copy.location
        item.status = copy.status
        item.save()
    record.items.exclude(item_code__in=wanted).filter(loans__isnull=True).delete()


RECORD_FIELDS = (
    "title",
    "statement_of_responsibility",
    "edition",
    "isbn_issn",
    "publish_place",
    "publish_year",
    "collation",
    "series_title",
    "call_number",
    "classification",
    "language",
    "notes",
    "material_type",
    "opac_hide",
    "raw_format",
    "raw_metadata",
)


@transaction.atomic
def upsert_record(*, normalized: NormalizedRecord) -> UpsertResult:
    """Create or update the record with ``normalized.source_key``; unchanged content writes nothing."""
    content_hash = normalized.content_hash()
    record = Record.objects.filter(source_key=normalized.source_key).first()
    created = record is None
    if record is not None and record.content_hash == content_hash:
        return UpsertResult(record=record, created=False, changed=False)
    if record is None:
        record = Record(source_key=normalized.source_key)
    for field in RECORD_FIELDS:
        setattr(record, field, getattr(normalized, field))
    record.publisher = _publisher(normalized.publisher)
    record.content_hash = content_hash
    record.save()
    _set_authors(record, normalized.authors)
    _set_subjects(record, normalized.subjects)
    _set_copies(record, normalized)
    return UpsertResult(record=record, created=created, changed=True)


@transaction.atomic
def delete_record(*, source_key: str) -> bool:
    """Remove a record gone at its source. A record whose copies have loan history is hidden from the
    OPAC instead of deleted, so circulation history is never lost."""
    record = Record.objects.filter(source_key=source_key).first()
    if record is None:
        return False
    if record.items.filter(loans__isnull=False).exists():
        record.opac_hide = True
        record.save(update_fields=["opac_hide", "updated_at"])
        return True
    record.delete()
    return True
