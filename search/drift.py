"""Drift between a library's schema and the union index, and its repair (``manage.py check_index``).

Three kinds of drift, per library:
- missing: a public record (not hidden from the OPAC) with no document;
- extra: a document with no public record behind it (deleted, hidden, or an id that is no record's);
- stale: a document whose ``updated_at`` is older than the record's, or whose ``availability_known`` is
  not what the library's system now says (an operator moved the library's circulation into Simpul or out).

The index is read *before* the schema: a record created in between then shows as missing (re-enqueued,
harmless) rather than as extra (deleted from the index, wrong). A repair holds the library's drain lock
from the first read to the last delete, so no drain can index a record between our reading it and our
deleting its document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django_tenants.utils import schema_context
from elasticsearch import Elasticsearch, helpers

from catalog.models import IndexOutbox, Record
from catalog.selectors import availability_is_known
from catalog.services import enqueue_index_changes
from search.es import get_client
from search.indexer import (
    bulk_delete_documents,
    drain_outbox,
    ensure_union_index,
    library_drain_lock,
)
from search.union_document import document_id
from tenants.models import Library


@dataclass
class LibraryDrift:
    library_code: str
    records_in_schema: int = 0
    documents_in_index: int = 0
    missing_ids: list[int] = field(default_factory=list)  # record ids
    extra_ids: list[str] = field(default_factory=list)  # document ids
    stale_ids: list[int] = field(default_factory=list)  # record ids
    repaired: bool = False
    rows_enqueued: int = 0
    documents_deleted: int = 0
    rows_drained: int = 0
    drain_error: str = ""

    @property
    def in_sync(self) -> bool:
        return not (self.missing_ids or self.extra_ids or self.stale_ids)


def _indexed_documents(
    client: Elasticsearch, *, alias: str, library_code: str
) -> dict[str, tuple[datetime | None, bool | None]]:
    """``{document id: (updated_at, availability_known)}`` of every document of the library."""
    client.indices.refresh(index=alias)
    query = {
        "query": {"term": {"library_code": library_code}},
        "_source": ["updated_at", "availability_known"],
    }
    documents: dict[str, tuple[datetime | None, bool | None]] = {}
    for hit in helpers.scan(client, query=query, index=alias, size=2000, scroll="2m"):
        source = hit.get("_source", {})
        updated_at = source.get("updated_at")
        documents[hit["_id"]] = (
            datetime.fromisoformat(updated_at) if updated_at else None,
            source.get("availability_known"),
        )
    return documents


def find_drift(*, library: Library, client: Elasticsearch | None = None) -> LibraryDrift:
    """Compare the library's public records with its documents in the union index."""
    client = client or get_client()
    alias = ensure_union_index(client)
    drift = LibraryDrift(library_code=library.code)
    documents = _indexed_documents(client, alias=alias, library_code=library.code)
    drift.documents_in_index = len(documents)
    expected: set[str] = set()
    known = availability_is_known(library)  # changes with the library's system, not with its records
    with schema_context(library.schema_name):
        records = Record.objects.filter(opac_hide=False).order_by("pk").values_list("pk", "updated_at")
        for record_id, updated_at in records.iterator(chunk_size=5000):
            doc_id = document_id(library.code, record_id)
            expected.add(doc_id)
            if doc_id not in documents:
                drift.missing_ids.append(record_id)
            else:
                indexed_at, indexed_known = documents[doc_id]
                if indexed_at is None or indexed_at < updated_at or indexed_known is not known:
                    drift.stale_ids.append(record_id)
    drift.records_in_schema = len(expected)
    drift.extra_ids = sorted(doc_id for doc_id in documents if doc_id not in expected)
    return drift


def repair_drift(*, library: Library, client: Elasticsearch | None = None) -> LibraryDrift:
    """Find the drift and repair it: enqueue outbox rows for missing and stale records, bulk-delete the
    extra documents, then drain. Returns the drift as found, with what was done."""
    client = client or get_client()
    with library_drain_lock(library, wait=True):
        drift = find_drift(library=library, client=client)
        with schema_context(library.schema_name):
            drift.rows_enqueued = enqueue_index_changes(
                record_ids=[*drift.missing_ids, *drift.stale_ids], operation=IndexOutbox.Operation.UPSERT
            )
        drift.documents_deleted = bulk_delete_documents(
            client, drift.extra_ids, index=ensure_union_index(client)
        )
        drained = drain_outbox(library=library, client=client)  # the lock is re-entrant
    drift.rows_drained = drained.rows_drained
    drift.drain_error = drained.error
    drift.repaired = not (drained.error or drained.rows_failed or drained.more_pending)
    client.indices.refresh(index=ensure_union_index(client))
    return drift
