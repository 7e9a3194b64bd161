"""From a library's schema to the union index: draining the transactional outbox (docs/architecture.md, "One
pipeline for every record").

``catalog.services`` writes an ``IndexOutbox`` row in the same transaction as every change the
index must see. ``drain_outbox`` reads those rows in id order, in batches, and for each batch:

1. loads the batch's public records in one SQL query (record columns, authors in order, subjects,
   publisher and copy counts; ``records_for_index`` is the ORM form of the same read) — several rows for
   one record collapse into one document with the record's latest state;
2. sends one bulk request: ``index`` for public records, ``delete`` for records gone or hidden from the
   OPAC (a 404 on delete is fine);
3. only after Elasticsearch has answered, deletes exactly the rows it read (rows written meanwhile stay).

If the request fails (Elasticsearch down, a timeout) the rows stay, with ``attempts`` + 1 and
``last_error``, and the next drain sends them again; document ids are deterministic
(``<library code>:<record id>``), so sending twice is harmless: nothing lost, nothing indexed twice.
An item-level error (one bad document) is recorded on that record's rows; the rest of the batch goes on.

One drain per library runs at a time (a PostgreSQL advisory lock per schema): two drains reading the same
record at different moments could otherwise write an older state after a newer one. ``rebuild_index`` and
``check_index --repair`` take the same lock to keep drains out while they work.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import cache

import orjson
from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django_tenants.utils import get_public_schema_name, schema_context
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch

from catalog.models import (
    Author,
    IndexOutbox,
    Item,
    Loan,
    Publisher,
    Record,
    RecordAuthor,
    Reservation,
    Subject,
)
from catalog.normalized import DESCRIPTIVE_COLUMNS, NormalizedRecord
from catalog.selectors import available_items
from search.documents import union_alias
from search.es import get_client
from search.index_setup import setup_search
from search.union_document import (
    LibraryHolding,
    RecordFields,
    TextMemo,
    build_union_document,
    document_id,
    union_document,
)
from tenants.models import Library

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 1000
# One run drains at most this many batches; the task sends itself again when rows remain, so one busy
# library cannot hold a worker for long and others get their turn.
DEFAULT_MAX_BATCHES = 20
_ERROR_LENGTH = 2000
# First half of the advisory-lock key ("SI"); the second half is the schema's OID, unique per schema.
DRAIN_LOCK_CLASS = 0x5349

_aliases_ready: set[str] = set()


class IndexingError(RuntimeError):
    """The union index could not be written; the message says what Elasticsearch answered."""


@dataclass
class DrainResult:
    library_code: str
    batches: int = 0
    rows_drained: int = 0  # outbox rows removed after Elasticsearch acknowledged them
    rows_failed: int = 0  # rows kept with attempts + 1 and last_error
    records_indexed: int = 0
    records_deleted: int = 0
    more_pending: bool = False  # the run stopped at max_batches with rows left
    skipped: bool = False  # another drain of this library held the lock and takes these rows
    error: str = ""  # the whole-request error that stopped the run, if any

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def indexed_libraries() -> QuerySet[Library]:
    """The libraries whose public records make up the union index."""
    return Library.objects.active().exclude(schema_name=get_public_schema_name()).order_by("code")


def _count_per_record(items: QuerySet[Item]) -> Coalesce:
    counted = items.filter(record=OuterRef("pk")).order_by().values("record").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n")), 0, output_field=IntegerField())


def records_for_index() -> QuerySet[Record]:
    """Public records of the active schema with everything a union document needs, in a few queries:
    authors, subjects and publisher prefetched; ``copies_total`` and ``copies_available`` (status
    available and no open loan, as ``catalog.selectors.available_items``) annotated."""
    return (
        Record.objects.filter(opac_hide=False)
        .select_related("publisher")
        .prefetch_related("record_authors__author", "subjects")
        .annotate(
            copies_total=_count_per_record(Item.objects.all()),
            copies_available=_count_per_record(available_items()),
        )
        .order_by("pk")
    )


def union_document_for(holding: LibraryHolding, record: Record) -> dict[str, object]:
    return build_union_document(
        library=holding,
        record=record,
        copies_total=record.copies_total,
        copies_available=record.copies_available,
    )


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@cache
def _fields_sql() -> str:
    """One query for the public records among ``%s`` (an array of ids): id, dates, authors, subjects,
    publisher, then the source key and the ``DESCRIPTIVE_COLUMNS`` in their order, then copies total and
    available — what ``records_for_index`` reads, without the ORM. Authors come in their position order;
    subjects in no particular order (documents sort them)."""
    quote = connection.ops.quote_name
    record_columns = ", ".join(
        f"r.{quote(Record._meta.get_field(name).column)}" for name in ("source_key", *DESCRIPTIVE_COLUMNS)
    )
    subject_links = quote(Record.subjects.through._meta.db_table)
    return f"""
        SELECT r.id, r.created_at, r.updated_at,
            (SELECT array_agg(a.name ORDER BY ra.position, ra.id)
               FROM {_table(RecordAuthor)} ra JOIN {_table(Author)} a ON a.id = ra.author_id
              WHERE ra.record_id = r.id),
            (SELECT array_agg(s.name ORDER BY rs.id)
               FROM {subject_links} rs JOIN {_table(Subject)} s ON s.id = rs.subject_id
              WHERE rs.record_id = r.id),
            p.name,
            {record_columns},
            (SELECT count(*) FROM {_table(Item)} i WHERE i.record_id = r.id),
            (SELECT count(*) FROM {_table(Item)} i
              WHERE i.record_id = r.id AND i.status = ''
                AND NOT EXISTS (SELECT 1 FROM {_table(Loan)} l
                                 WHERE l.item_id = i.id AND l.is_lent AND NOT l.is_return)
                AND NOT EXISTS (SELECT 1 FROM {_table(Reservation)} rv
                                 WHERE rv.item_id = i.id AND rv.status = 'ready'))
          FROM {_table(Record)} r LEFT JOIN {_table(Publisher)} p ON p.id = r.publisher_id
         WHERE r.id = ANY(%s) AND NOT r.opac_hide
    """


def index_fields_for(record_ids: list[int]) -> dict[int, tuple[RecordFields, int, int]]:
    """``{record id: (fields, copies total, copies available)}`` for the public records of the active
    schema among ``record_ids``, in one query (the drain's read; ``records_for_index`` is its ORM twin)."""
    with connection.cursor() as cursor:
        cursor.execute(_fields_sql(), [record_ids])
        rows = cursor.fetchall()
    found: dict[int, tuple[RecordFields, int, int]] = {}
    for row in rows:
        record_id, created_at, updated_at, authors, subjects, publisher, source_key = row[:7]
        content = NormalizedRecord(
            source_key=source_key,
            authors=tuple(authors) if authors else (),
            subjects=tuple(subjects) if subjects else (),
            publisher=publisher or "",
            **dict(zip(DESCRIPTIVE_COLUMNS, row[7:-2], strict=True)),
        )
        found[record_id] = (RecordFields(record_id, content, created_at, updated_at), row[-2], row[-1])
    return found


@contextmanager
def library_drain_lock(library: Library, *, wait: bool = False) -> Iterator[bool]:
    """Hold the library's drain lock (a session advisory lock keyed by the schema's OID); yields whether
    it was obtained. ``wait=True`` blocks until a running drain finishes. The lock is re-entrant within
    one database session and is released when the session ends, so a killed worker never leaves it held.
    """
    function = "pg_advisory_lock" if wait else "pg_try_advisory_lock"
    key_sql = "(%s::bigint << 32) | oid::bigint"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {function}({key_sql}) FROM pg_namespace WHERE nspname = %s",
            [DRAIN_LOCK_CLASS, library.schema_name],
        )
        row = cursor.fetchone()
    if row is None:
        raise IndexingError(f"Skema '{library.schema_name}' perpustakaan {library.code} tidak ada.")
    acquired = wait or row[0] is True
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT pg_advisory_unlock({key_sql}) FROM pg_namespace WHERE nspname = %s",
                    [DRAIN_LOCK_CLASS, library.schema_name],
                )


def ensure_union_index(client: Elasticsearch) -> str:
    """The union alias, created from the template if this deployment has none yet (once per process).

    Incremental writes go to the alias with ``require_alias``, so a missing alias is never silently
    replaced by an auto-created index of the same name with a guessed mapping."""
    alias = union_alias()
    if alias not in _aliases_ready:
        if not client.indices.exists_alias(name=alias):
            setup_search(client)
        _aliases_ready.add(alias)
    return alias


def _short(error: object) -> str:
    return str(error)[:_ERROR_LENGTH]


def item_error(item: dict) -> str:
    """The error of one bulk response item, or "" when it succeeded (a delete of a missing id is a
    success: it answers 404 with ``result: not_found`` and no ``error``)."""
    (result,) = item.values()
    error = result.get("error")
    if not error:
        return ""
    if isinstance(error, dict):
        return _short(f"{error.get('type', 'error')}: {error.get('reason', '')}")
    return _short(error)


# What a bulk response must tell: whether anything failed, and which ids with what error (the rest of a
# response of a thousand items is not worth parsing).
_BULK_FILTER_PATH = ["errors", "items.*._id", "items.*.error"]


def _dumps(value: object) -> bytes:
    # One NDJSON line, as the client's own orjson serializer writes it.
    return orjson.dumps(value)


def _send_bulk(client: Elasticsearch, lines: list[bytes], *, require_alias: bool) -> dict[str, str]:
    """Send pre-serialized NDJSON ``lines`` as one bulk request; return ``{document id: error}``."""
    body = b"\n".join(lines) + b"\n"
    response = client.bulk(
        operations=body, refresh=False, require_alias=require_alias, filter_path=_BULK_FILTER_PATH
    )
    failures: dict[str, str] = {}
    if response.get("errors"):
        for item in response["items"]:
            error = item_error(item)
            if error:
                (result,) = item.values()
                failures[str(result["_id"])] = error
    return failures


def _action_line(op_type: str, index: str, doc_id: str) -> bytes:
    return _dumps({op_type: {"_index": index, "_id": doc_id}})


def bulk_request(
    client: Elasticsearch, operations: list[dict], *, index: str, require_alias: bool
) -> dict[str, str]:
    """Send one bulk request; return ``{document id: error}`` for the items that failed.

    ``operations`` are ``{"_op_type": "index"|"delete", "_id": ..., **source}`` dicts. Raises
    ``ApiError`` / ``TransportError`` when the request as a whole fails."""
    lines: list[bytes] = []
    for operation in operations:
        source = dict(operation)
        op_type = source.pop("_op_type")
        doc_id = source.pop("_id")
        lines.append(_action_line(op_type, index, doc_id))
        if op_type == "index":
            lines.append(_dumps(source))
    return _send_bulk(client, lines, require_alias=require_alias)


def bulk_delete_documents(
    client: Elasticsearch,
    doc_ids: Iterable[str],
    *,
    index: str,
    require_alias: bool = True,
    chunk: int = 1000,
) -> int:
    """Delete documents by id (the test and production nodes have no delete_by_query); return how many
    ids were sent. Raises ``IndexingError`` if any delete failed other than as "not found"."""
    doc_ids = list(doc_ids)
    for start in range(0, len(doc_ids), chunk):
        operations = [{"_op_type": "delete", "_id": doc_id} for doc_id in doc_ids[start : start + chunk]]
        failures = bulk_request(client, operations, index=index, require_alias=require_alias)
        if failures:
            doc_id, error = next(iter(failures.items()))
            raise IndexingError(f"{len(failures)} penghapusan gagal, mis. {doc_id}: {error}")
    return len(doc_ids)


def _delete_outbox_rows(row_ids: list[int]) -> None:
    # One statement: QuerySet.delete() would first select the rows and delete them 100 at a time, because
    # django-tenants listens to post_delete for every model.
    table = connection.ops.quote_name(IndexOutbox._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [row_ids])


def _drain_batch(
    client: Elasticsearch,
    alias: str,
    holding: LibraryHolding,
    rows: list[tuple[int, int]],
    result: DrainResult,
    *,
    library_active: bool = True,
) -> None:
    rows_by_record: dict[int, list[int]] = defaultdict(list)
    for row_id, record_id in rows:
        rows_by_record[record_id].append(row_id)
    # An inactive library has no documents in the union index: its changes become deletions.
    found = index_fields_for(list(rows_by_record)) if library_active else {}
    memo = TextMemo()
    record_by_doc_id: dict[str, int] = {}
    operations: list[tuple[str, str]] = []  # (op type, document id), in request order
    lines: list[bytes] = []
    for record_id in rows_by_record:
        doc_id = document_id(holding.code, record_id)
        record_by_doc_id[doc_id] = record_id
        entry = found.get(record_id)
        if entry is None:  # deleted, or hidden from the OPAC: not in the union index
            operations.append(("delete", doc_id))
            lines.append(_action_line("delete", alias, doc_id))
            continue
        fields, copies_total, copies_available = entry
        document = union_document(
            library=holding,
            fields=fields,
            copies_total=copies_total,
            copies_available=copies_available,
            memo=memo,
        )
        del document["_id"]
        operations.append(("index", doc_id))
        lines.append(_action_line("index", alias, doc_id))
        lines.append(_dumps(document))
    row_ids = [row_id for row_id, _ in rows]
    try:
        failures = _send_bulk(client, lines, require_alias=True)
    except (ApiError, TransportError) as error:
        message = _short(f"{type(error).__name__}: {error}")
        IndexOutbox.objects.filter(id__in=row_ids).update(attempts=F("attempts") + 1, last_error=message)
        result.rows_failed += len(row_ids)
        result.error = message
        _aliases_ready.discard(alias)
        logger.warning("index outbox of %s: %d rows kept, %s", holding.code, len(row_ids), message)
        return
    failed_records = {record_by_doc_id[doc_id]: error for doc_id, error in failures.items()}
    with transaction.atomic():
        done_row_ids = [
            row_id
            for record_id, record_rows in rows_by_record.items()
            if record_id not in failed_records
            for row_id in record_rows
        ]
        _delete_outbox_rows(done_row_ids)
        for record_id, error in failed_records.items():
            IndexOutbox.objects.filter(id__in=rows_by_record[record_id]).update(
                attempts=F("attempts") + 1, last_error=error
            )
    if failed_records:
        _aliases_ready.discard(alias)
        logger.warning("index outbox of %s: %d records failed: %s", holding.code, len(failures), failures)
    result.batches += 1
    result.rows_drained += len(done_row_ids)
    result.rows_failed += sum(len(rows_by_record[record_id]) for record_id in failed_records)
    for op_type, doc_id in operations:
        if record_by_doc_id[doc_id] in failed_records:
            continue
        if op_type == "index":
            result.records_indexed += 1
        else:
            result.records_deleted += 1


def drain_outbox(
    *,
    library: Library,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_batches: int = DEFAULT_MAX_BATCHES,
    client: Elasticsearch | None = None,
) -> DrainResult:
    """Send the library's pending index changes to the union index (see the module docstring).

    Each run passes over the outbox once, in id order: rows that fail stay for the next run instead of
    being retried in a loop, and a whole-request failure ends the run at once. If another drain of the
    library holds the lock this returns ``skipped``: that drain re-checks for new rows after releasing it.
    """
    client = client or get_client()
    result = DrainResult(library_code=library.code)
    holding = LibraryHolding.of(library)
    library_active = Library.objects.filter(pk=library.pk, active=True).exists()
    last_row_id = 0
    with schema_context(library.schema_name):
        while True:
            with library_drain_lock(library) as acquired:
                if not acquired:
                    result.skipped = True
                    return result
                try:
                    alias = ensure_union_index(client)
                except (ApiError, TransportError) as error:
                    result.error = _short(f"{type(error).__name__}: {error}")
                    logger.warning("index outbox of %s not drained: %s", library.code, result.error)
                    return result
                while result.batches < max_batches and not result.error:
                    rows = list(
                        IndexOutbox.objects.filter(id__gt=last_row_id)
                        .order_by("id")
                        .values_list("id", "record_id")[:batch_size]
                    )
                    if not rows:
                        break
                    last_row_id = rows[-1][0]
                    _drain_batch(client, alias, holding, rows, result, library_active=library_active)
                    if len(rows) < batch_size:
                        break  # the outbox's end: rows committed since are found by the check below
            # Rows committed while we held the lock may have had their drain request skipped: look again
            # now that the lock is free, so such a hand-over never waits for the periodic drain.
            pending = IndexOutbox.objects.filter(id__gt=last_row_id).exists()
            if result.error or not pending:
                return result
            if result.batches >= max_batches:
                result.more_pending = True
                return result
