"""The only writers of a library's catalogue. Call them with the library's schema active
(``django_tenants.utils.tenant_context(library)``); every source — harvest, file import, demo seeding,
a librarian's edit — goes through ``upsert_record`` so a record is stored the same way whatever its road.

Every change that the union index must see also writes an ``IndexOutbox`` row in the same transaction
(``enqueue_index_change``); after the commit a drain of this library's outbox is requested (debounced).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial

from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from catalog import planner_statistics
from catalog.models import (
    Author,
    IndexOutbox,
    Item,
    Loan,
    Publisher,
    Record,
    RecordAuthor,
    Subject,
)
from catalog.normalized import RECORD_COLUMNS, NormalizedCopy, NormalizedRecord
from catalog.selectors import collection_counts
from catalog.signals import index_changes_committed, records_changed
from tenants.models import Library


@dataclass(frozen=True)
class UpsertResult:
    record: Record
    created: bool
    changed: bool
    kept_local_edit: bool = False  # the source changed a record edited in Simpul: the edit was kept


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
        # The record it left has one copy less: its last change is now (OAI-PMH datestamps follow it).
        Record.objects.filter(pk=previous_record_id).update(updated_at=timezone.now())
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


def _announce_committed_changes(schema_name: str) -> None:
    index_changes_committed.send(sender=Record, schema_name=schema_name)


def enqueue_index_change(*, record_id: int, operation: str = IndexOutbox.Operation.UPSERT) -> IndexOutbox:
    """Announce that ``record_id`` must be (re)indexed or deleted from the union index.

    The row joins the caller's transaction: it exists exactly when the change it announces was committed.
    After the commit a drain of this library's outbox is requested; if the broker is unreachable that
    request is only logged (``robust``), because the row stays and the periodic drain picks it up.
    """
    row = IndexOutbox.objects.create(record_id=record_id, operation=operation)
    records_changed.send(sender=Record, schema_name=connection.schema_name, record_ids=[record_id])
    transaction.on_commit(partial(_announce_committed_changes, connection.schema_name), robust=True)
    return row


def enqueue_index_changes(*, record_ids: Iterable[int], operation: str = IndexOutbox.Operation.UPSERT) -> int:
    """``enqueue_index_change`` for many records in one insert (repairs, bulk edits); returns the count."""
    rows = IndexOutbox.objects.bulk_create(
        [IndexOutbox(record_id=record_id, operation=operation) for record_id in record_ids], batch_size=1000
    )
    if rows:
        records_changed.send(
            sender=Record, schema_name=connection.schema_name, record_ids=[row.record_id for row in rows]
        )
        transaction.on_commit(partial(_announce_committed_changes, connection.schema_name), robust=True)
    return len(rows)


def record_availability_changed(*, record_id: int) -> IndexOutbox:
    """Call after a change to a record's copies or loans (copy added, removed, status changed, loan opened
    or closed): the availability counts in the union index follow. No loan or member data is sent."""
    return enqueue_index_change(record_id=record_id, operation=IndexOutbox.Operation.UPSERT)


RECORD_FIELDS = RECORD_COLUMNS  # declared once, with the record (catalog.normalized)


@transaction.atomic
def upsert_record(*, normalized: NormalizedRecord, source_id: int | None = None) -> UpsertResult:
    """Create or update the record with ``normalized.source_key`` from source ``source_id`` (None: made in
    Simpul); unchanged content writes nothing."""
    content_hash = normalized.content_hash()
    record = Record.objects.filter(source_id=source_id, source_key=normalized.source_key).first()
    created = record is None
    if record is not None and record.content_hash == content_hash:
        return UpsertResult(record=record, created=False, changed=False)
    if record is None:
        record = Record(source_id=source_id, source_key=normalized.source_key)
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


# --- batches (harvest pages, file imports) ----------------------------------------------------------------
# upsert_records writes what a first harvest brings (new records, their links, copies and outbox rows) with
# PostgreSQL COPY, the fastest way in: ids are reserved from the table's sequence first, so links can point
# at them. Changed records (rarer) go through bulk_update. Every statement runs on one cursor, so
# django-tenants sets the search path once per batch, not once per statement; model instances are built
# only where a caller can see them (the results).


def _quoted_table(model) -> str:
    quote = connection.ops.quote_name
    return f"{quote(connection.schema_name)}.{quote(model._meta.db_table)}"


def _column_defaults(model, given: tuple[str, ...]) -> tuple[list[str], list[object]]:
    """Columns of ``model`` not in ``given`` (field names) and the values Django would give them: the
    field's default, or now for ``auto_now``/``auto_now_add`` — a field added later still gets filled."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in given or field.attname in given:
            continue
        columns.append(field.column)
        auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        values.append(timezone.now() if auto else field.get_default())
    return columns, values


def _reserve_ids(cursor, model, count: int) -> list[int]:
    if not count:
        return []
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [_quoted_table(model), count],
    )
    return [row[0] for row in cursor.fetchall()]


def _copy_rows(cursor, model, field_names: tuple[str, ...], rows: Iterable[tuple]) -> int:
    """Insert ``rows`` (values in the order of ``field_names``) into ``model``'s table with COPY; the
    model's other columns get their defaults. Returns how many rows were written."""
    quote = connection.ops.quote_name
    other_columns, other_values = _column_defaults(model, field_names)
    columns = [model._meta.get_field(name).column for name in field_names] + other_columns
    tail = tuple(other_values)
    statement = f"COPY {_quoted_table(model)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"
    written = 0
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row + tail if tail else row)
            written += 1
    return written


def _names_to_ids(cursor, model, names: set[str]) -> dict[str, int]:
    """``{name: id}`` for ``names`` of a name-keyed vocabulary (publisher, author, subject), inserting the
    missing ones — one statement; ``ON CONFLICT DO NOTHING`` lets two harvests of one library race (a
    name a concurrent transaction inserted meanwhile is read afterwards)."""
    if not names:
        return {}
    table = _quoted_table(model)
    other_columns, other_values = _column_defaults(model, ("name",))
    columns = ", ".join(connection.ops.quote_name(column) for column in ["name", *other_columns])
    cursor.execute(
        f"WITH wanted(name) AS (SELECT DISTINCT unnest(%s::text[])), "
        f"existing AS (SELECT known.name, known.id FROM {table} AS known JOIN wanted USING (name)), "
        f"inserted AS (INSERT INTO {table} ({columns}) SELECT name{', %s' * len(other_values)} FROM wanted "
        "WHERE name NOT IN (SELECT name FROM existing) ON CONFLICT (name) DO NOTHING RETURNING name, id) "
        "SELECT name, id FROM existing UNION ALL SELECT name, id FROM inserted",
        [sorted(names), *other_values],
    )
    ids = dict(cursor.fetchall())
    if len(ids) < len(names):
        cursor.execute(f"SELECT name, id FROM {table} WHERE name = ANY(%s)", [sorted(names - ids.keys())])
        ids.update(cursor.fetchall())
    return ids


def _clean_names(names: tuple[str, ...]) -> list[tuple[int, str]]:
    """``(position, name)`` as ``_set_authors``/``_set_subjects`` keep them: stripped, cut to 255, empty
    ones and repeats dropped (the position is the one in the source list: level 1 only for the first)."""
    seen: set[str] = set()
    kept = []
    for position, raw_name in enumerate(names):
        name = raw_name.strip()[:255]
        if name and name not in seen:
            seen.add(name)
            kept.append((position, name))
    return kept


def _select_instances(cursor, model, column: str, values: list) -> list:
    """Instances of ``model`` whose ``column`` is in ``values``, read on ``cursor``."""
    attnames = [field.attname for field in model._meta.concrete_fields]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in model._meta.concrete_fields)
    cursor.execute(
        f"SELECT {columns} FROM {_quoted_table(model)} WHERE {connection.ops.quote_name(column)} = ANY(%s)",
        [values],
    )
    return [model.from_db(connection.alias, attnames, row) for row in cursor.fetchall()]


def _same_source_sql(source_id: int | None) -> tuple[str, list]:
    """A WHERE fragment for records of ``source_id`` that the ``(source_id, source_key)`` index serves."""
    return ("source_id IS NULL", []) if source_id is None else ("source_id = %s", [source_id])


@transaction.atomic(savepoint=False)
def upsert_records(
    normalized_records: Iterable[NormalizedRecord],
    *,
    source_id: int | None = None,
    overwrite_local_edits: bool = False,
    source_datestamps: Mapping[str, str] | None = None,
) -> list[UpsertResult]:
    """``upsert_record`` for a batch (a harvest page, a slice of an imported file), with the same meaning:
    unchanged content (same ``content_hash``) writes nothing, not even an outbox row; a changed or new
    record gets its fields, publisher, authors, subjects and copies replaced and one outbox row; a copy
    code that moves from another record refreshes that record in the index too; copies with loan history
    are never deleted. The difference is the cost: a fixed handful of statements per batch (COPY for what
    is new) instead of a dozen per record.

    Records are those of source ``source_id`` (None: made in Simpul); another source's record with the same
    key is a different record. A record a librarian edited in Simpul (``edited_in_simpul_at``) is never
    overwritten by its source (a harvest) unless ``overwrite_local_edits`` (a librarian's own import that
    updates matching records): its result says ``kept_local_edit``. A ``source_key`` given twice counts once,
    with its last content (as two ``upsert_record`` calls would leave it). Returns one result per distinct
    key, in first-seen order; the records of the results load their other fields from the database when read.
    Inside a caller's transaction no savepoint is made: an error aborts the caller's transaction (a harvest
    page is all or nothing anyway).

    ``source_datestamps`` (``{source_key: header date}``) are stored with the records
    (``Record.source_datestamp``), also on records whose content is unchanged — no outbox row for those:
    the date is not indexed.
    """
    stamps = source_datestamps or {}
    by_key: dict[str, NormalizedRecord] = {}
    for normalized in normalized_records:
        by_key[normalized.source_key] = normalized
    if not by_key:
        return []
    hashes = {key: normalized.content_hash() for key, normalized in by_key.items()}
    same_source, same_source_params = _same_source_sql(source_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, source_key, content_hash, source_datestamp, edited_in_simpul_at IS NOT NULL"
            f" FROM {_quoted_table(Record)} WHERE {same_source} AND source_key = ANY(%s)",
            [*same_source_params, list(by_key)],
        )
        existing, edited = {}, set()
        loaded = ["id", "source_key", "content_hash", "source_datestamp"]
        for *row, edited_in_simpul in cursor.fetchall():
            existing[row[1]] = Record.from_db(connection.alias, loaded, row)
            if edited_in_simpul:
                edited.add(row[1])
        results: dict[str, UpsertResult] = {}
        new: list[NormalizedRecord] = []
        changed: list[tuple[Record, NormalizedRecord]] = []
        restamped: dict[int, str] = {}
        for key, normalized in by_key.items():
            record = existing.get(key)
            if record is None:
                new.append(normalized)
            elif record.content_hash == hashes[key]:
                results[key] = UpsertResult(record=record, created=False, changed=False)
                if key in stamps and stamps[key] != record.source_datestamp:
                    restamped[record.pk] = stamps[key]
            elif key in edited and not overwrite_local_edits:
                results[key] = UpsertResult(record=record, created=False, changed=False, kept_local_edit=True)
            else:
                changed.append((record, normalized))
        if new or changed:
            _write_batch(cursor, new, changed, hashes, results, stamps, source_id=source_id)
        if restamped:
            _store_datestamps(cursor, restamped)
    return [results[key] for key in by_key]


def _store_datestamps(cursor, datestamps: Mapping[int, str]) -> None:
    cursor.execute(
        f"UPDATE {_quoted_table(Record)} AS record SET source_datestamp = stamp.value"
        " FROM unnest(%s::bigint[], %s::text[]) AS stamp(id, value) WHERE record.id = stamp.id",
        [list(datestamps), [value[:40] for value in datestamps.values()]],
    )


def set_source_datestamps(
    *, source_id: int | None, datestamps: Mapping[str, str], only_where_empty: bool = True
) -> int:
    """Store the source's header dates of records of source ``source_id`` whose content is known to be
    current (a reconciliation found them older than the last full pass), without rewriting them or
    announcing them to the index. Returns how many records got a date."""
    if not datestamps:
        return 0
    same_source, same_source_params = _same_source_sql(source_id)
    with connection.cursor() as cursor:
        condition = " AND record.source_datestamp = ''" if only_where_empty else ""
        cursor.execute(
            f"UPDATE {_quoted_table(Record)} AS record SET source_datestamp = stamp.value"
            " FROM unnest(%s::text[], %s::text[]) AS stamp(key, value)"
            f" WHERE record.{same_source} AND record.source_key = stamp.key{condition}",
            [list(datestamps), [value[:40] for value in datestamps.values()], *same_source_params],
        )
        return cursor.rowcount


def _write_batch(
    cursor,
    new: list[NormalizedRecord],
    changed: list[tuple[Record, NormalizedRecord]],
    hashes: dict[str, str],
    results: dict[str, UpsertResult],
    stamps: Mapping[str, str],
    *,
    source_id: int | None,
) -> None:
    now = timezone.now()
    written = new + [normalized for _, normalized in changed]
    publisher_ids = _names_to_ids(
        cursor, Publisher, {name for n in written if (name := n.publisher.strip()[:255])}
    )
    reserved = _reserve_ids(cursor, Record, len(new))
    record_ids: dict[str, int] = dict(zip((n.source_key for n in new), reserved, strict=True))
    rows_written: dict = {Publisher: len(publisher_ids)}
    rows_written[Record] = _copy_rows(
        cursor,
        Record,
        (
            "id",
            "source_id",
            "source_key",
            *RECORD_FIELDS,
            "publisher",
            "content_hash",
            "source_datestamp",
            "created_at",
            "updated_at",
        ),
        (
            (
                record_ids[n.source_key],
                source_id,
                n.source_key,
                *(getattr(n, name) for name in RECORD_FIELDS),
                publisher_ids.get(n.publisher.strip()[:255]),
                hashes[n.source_key],
                stamps.get(n.source_key, "")[:40],
                now,
                now,
            )
            for n in new
        ),
    )
    for record, normalized in changed:
        for name in RECORD_FIELDS:
            setattr(record, name, getattr(normalized, name))
        record.publisher_id = publisher_ids.get(normalized.publisher.strip()[:255])
        record.content_hash = hashes[normalized.source_key]
        record.source_datestamp = stamps.get(normalized.source_key, "")[:40]
        record.updated_at = now
        record_ids[normalized.source_key] = record.pk
    if changed:
        Record.objects.bulk_update(
            [record for record, _ in changed],
            [*RECORD_FIELDS, "publisher", "content_hash", "source_datestamp", "updated_at"],
            batch_size=500,
        )
    changed_ids = [record.pk for record, _ in changed]

    # Authors and subjects: the changed records' links are replaced (one DELETE each), all links inserted.
    author_ids = _names_to_ids(cursor, Author, {name for n in written for _, name in _clean_names(n.authors)})
    subject_ids = _names_to_ids(
        cursor, Subject, {name for n in written for _, name in _clean_names(n.subjects)}
    )
    subject_link = Record.subjects.through
    if changed_ids:
        for model in (RecordAuthor, subject_link):
            cursor.execute(f"DELETE FROM {_quoted_table(model)} WHERE record_id = ANY(%s)", [changed_ids])
    rows_written[Author], rows_written[Subject] = len(author_ids), len(subject_ids)
    rows_written[RecordAuthor] = _copy_rows(
        cursor,
        RecordAuthor,
        ("record", "author", "level", "position"),
        (
            (record_ids[n.source_key], author_ids[name], 1 if position == 0 else 2, position)
            for n in written
            for position, name in _clean_names(n.authors)
        ),
    )
    rows_written[subject_link] = _copy_rows(
        cursor,
        subject_link,
        ("record", "subject"),
        (
            (record_ids[n.source_key], subject_id)
            for n in written
            for subject_id in dict.fromkeys(subject_ids[name] for _, name in _clean_names(n.subjects))
        ),
    )

    # Copies: the last record of the batch that lists a code owns it (as sequential upserts would leave it).
    wanted: dict[str, tuple[int, str, NormalizedCopy]] = {}
    for n in written:
        for copy in n.copies:
            if copy.item_code:
                wanted[copy.item_code] = (record_ids[n.source_key], n.call_number, copy)
    existing_items = (
        {item.item_code: item for item in _select_instances(cursor, Item, "item_code", list(wanted))}
        if wanted
        else {}
    )
    written_ids = set(record_ids.values())
    availability_changed = {
        item.record_id
        for code, item in existing_items.items()
        if item.record_id != wanted[code][0] and item.record_id not in written_ids
    }
    for code, item in existing_items.items():
        record_id, call_number, copy = wanted[code]
        item.record_id = record_id
        item.call_number = copy.call_number or call_number
        item.collection_type = copy.collection_type
        item.location = copy.location
        item.status = copy.status
    if existing_items:
        Item.objects.bulk_update(
            list(existing_items.values()),
            ["record", "call_number", "collection_type", "location", "status"],
            batch_size=500,
        )
    rows_written[Item] = _copy_rows(
        cursor,
        Item,
        ("item_code", "record", "call_number", "collection_type", "location", "status", "created_at"),
        (
            (
                code,
                record_id,
                copy.call_number or call_number,
                copy.collection_type,
                copy.location,
                copy.status,
                now,
            )
            for code, (record_id, call_number, copy) in wanted.items()
            if code not in existing_items
        ),
    )
    if changed_ids:
        cursor.execute(
            f"DELETE FROM {_quoted_table(Item)} AS item WHERE item.record_id = ANY(%s)"
            " AND NOT (item.item_code = ANY(%s))"
            f" AND NOT EXISTS (SELECT 1 FROM {_quoted_table(Loan)} AS loan WHERE loan.item_id = item.id)",
            [changed_ids, list(wanted)],
        )

    # The outbox: a row per written record and per record a copy moved away from (as enqueue_index_changes).
    if availability_changed:
        # Records a copy moved away from have changed too (their last change moves: OAI-PMH datestamps).
        cursor.execute(
            f"UPDATE {_quoted_table(Record)} SET updated_at = %s WHERE id = ANY(%s)",
            [now, sorted(availability_changed)],
        )
    announced = [*(record_ids[n.source_key] for n in written), *sorted(availability_changed)]
    records_changed.send(sender=Record, schema_name=connection.schema_name, record_ids=announced)
    rows_written[IndexOutbox] = _copy_rows(
        cursor,
        IndexOutbox,
        ("record_id", "operation", "created_at", "attempts", "last_error"),
        ((record_id, IndexOutbox.Operation.UPSERT.value, now, 0, "") for record_id in announced),
    )
    planner_statistics.analyze_tables_never_analyzed(
        cursor, [model for model, count in rows_written.items() if count], rows_written
    )
    transaction.on_commit(partial(_announce_committed_changes, connection.schema_name), robust=True)

    for n in new:
        key = n.source_key
        record = Record.from_db(
            connection.alias, ["id", "source_key", "content_hash"], [record_ids[key], key, hashes[key]]
        )
        results[key] = UpsertResult(record=record, created=True, changed=True)
    for record, normalized in changed:
        results[normalized.source_key] = UpsertResult(record=record, created=False, changed=True)


@transaction.atomic
def delete_record(*, source_key: str, source_id: int | None = None) -> bool:
    """Remove a record gone at its source. A record whose copies have loan history is hidden from the
    OPAC instead of deleted, so circulation history is never lost."""
    record = Record.objects.filter(source_id=source_id, source_key=source_key).first()
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


def refresh_collection_counts(*, library: Library) -> Library:
    """Store the library's record and copy counts on its row (shown on the public listing)."""
    with schema_context(library.schema_name):
        counts = collection_counts()
    record_count, copy_count = counts["records_public"], counts["copies_public"]
    Library.objects.filter(pk=library.pk).update(record_count=record_count, copy_count=copy_count)
    library.record_count, library.copy_count = record_count, copy_count
    return library
