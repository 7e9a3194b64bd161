"""The only writers of a library's catalogue. Call them with the library's schema active
(``django_tenants.utils.tenant_context(library)``); every source — harvest, file import, demo seeding,
a librarian's edit — goes through ``upsert_record`` so a record is stored the same way whatever its road.

Every change that the union index must see also writes an ``IndexOutbox`` row in the same transaction
(``enqueue_index_change``); after the commit a drain of this library's outbox is requested (debounced).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.db import connection, transaction

from tenants.catalog.models import Author, IndexOutbox, Item, Publisher, Record, RecordAuthor, Subject
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
    # A copy code moving to another record at the source moves here too; the record it left now has
    # one copy less, so its index document must be refreshed as well.
    for previous_record_id in {item.record_id for item in existing.values() if item.record_id != record.pk}:
        record_availability_changed(record_id=previous_record_id)
    for code, copy in wanted.items():
        item = existing.get(code) or Item(item_code=code)
        item.record = record
        item.call_number = copy.call_number or normalized.call_number
        item.collection_type = copy.collection_type
        item.location = copy.location
        item.status = copy.status
        item.save()
    record.items.exclude(item_code__in=wanted).filter(loans__isnull=True).delete()


def _request_index_drain(schema_name: str) -> None:
    # Imported here: the search app depends on the catalogue, not the other way round.
    from search.tasks import request_drain

    request_drain(schema_name=schema_name)


def enqueue_index_change(*, record_id: int, operation: str = IndexOutbox.Operation.UPSERT) -> IndexOutbox:
    """Announce that ``record_id`` must be (re)indexed or deleted from the union index.

    The row joins the caller's transaction: it exists exactly when the change it announces was committed.
    After the commit a drain of this library's outbox is requested; if the broker is unreachable that
    request is only logged (``robust``), because the row stays and the periodic drain picks it up.
    """
    row = IndexOutbox.objects.create(record_id=record_id, operation=operation)
    transaction.on_commit(partial(_request_index_drain, connection.schema_name), robust=True)
    return row


def enqueue_index_changes(*, record_ids: Iterable[int], operation: str = IndexOutbox.Operation.UPSERT) -> int:
    """``enqueue_index_change`` for many records in one insert (repairs, bulk edits); returns the count."""
    rows = IndexOutbox.objects.bulk_create(
        [IndexOutbox(record_id=record_id, operation=operation) for record_id in record_ids], batch_size=1000
    )
    if rows:
        transaction.on_commit(partial(_request_index_drain, connection.schema_name), robust=True)
    return len(rows)


def record_availability_changed(*, record_id: int) -> IndexOutbox:
    """Call after a change to a record's copies or loans (copy added, removed, status changed, loan opened
    or closed): the availability counts in the union index follow. No loan or member data is sent."""
    return enqueue_index_change(record_id=record_id, operation=IndexOutbox.Operation.UPSERT)


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
    enqueue_index_change(record_id=record.pk, operation=IndexOutbox.Operation.UPSERT)
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
        # A hidden record is removed from the union index by the drain (it indexes only public records).
        enqueue_index_change(record_id=record.pk, operation=IndexOutbox.Operation.UPSERT)
        return True
    record_id = record.pk
    record.delete()
    enqueue_index_change(record_id=record_id, operation=IndexOutbox.Operation.DELETE)
    return True
