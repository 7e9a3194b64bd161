"""Rebuilding the union index from PostgreSQL, the source of truth (docs/architecture.md: "derived,
rebuildable").

``rebuild_union_index`` builds a new versioned index (from the template), library by library, streaming
each schema's public records in chunks, with refresh off and no replicas during the load; then it restores
the settings, refreshes, checks the document count and swaps the alias in one atomic request. Searches use
the alias, which points at the old index until the swap, so they keep answering throughout.

No change is lost on the way: each library's drain lock is taken *before* its records are read and held
until after the swap, so drains wait instead of writing to the old index a change that the new one would
miss. Rows written during the rebuild (and those pending when it started) stay in the outbox and are
drained into the new index right after the swap.

``rebuild_library_in_place`` re-sends one library's documents to the live index and deletes the ones no
longer in its schema (found by a scroll over ``library_code``: there is no delete_by_query on this node).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django_tenants.utils import schema_context
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, helpers

from catalog.models import Record
from search.documents import union_alias, union_index_settings
from search.es import get_client
from search.index_setup import indices_behind, new_versioned_index_name, put_index_templates, swap_alias
from search.indexer import (
    IndexingError,
    bulk_delete_documents,
    drain_outbox,
    ensure_union_index,
    indexed_libraries,
    library_drain_lock,
    records_for_index,
    union_document_for,
)
from search.union_document import LibraryHolding
from tenants.models import Library

DEFAULT_CHUNK_SIZE = 1000


class RebuildError(IndexingError):
    pass


class RebuildProgress(Protocol):
    """What a rebuild reports as it goes (the command draws progress bars with it)."""

    def library_started(self, library_code: str, total: int) -> None: ...

    def records_done(self, library_code: str, count: int) -> None: ...

    def library_finished(self, library_code: str) -> None: ...


class SilentProgress:
    def library_started(self, library_code: str, total: int) -> None:
        pass

    def records_done(self, library_code: str, count: int) -> None:
        pass

    def library_finished(self, library_code: str) -> None:
        pass


@dataclass
class RebuildResult:
    index: str
    alias: str
    documents: int = 0
    per_library: dict[str, int] = field(default_factory=dict)
    previous_indexes: list[str] = field(default_factory=list)
    deleted_indexes: list[str] = field(default_factory=list)
    rows_drained_after_swap: int = 0
    seconds: float = 0.0


@dataclass
class LibraryRebuildResult:
    library_code: str
    documents: int = 0
    stale_deleted: int = 0
    rows_drained_after: int = 0
    seconds: float = 0.0


def _actions(library: Library, chunk_size: int) -> Iterator[dict]:
    holding = LibraryHolding.of(library)
    for record in records_for_index().iterator(chunk_size=chunk_size):
        document = union_document_for(holding, record)
        yield {"_op_type": "index", **document}


def _load_library(
    client: Elasticsearch,
    library: Library,
    *,
    index: str,
    chunk_size: int,
    progress: RebuildProgress,
    require_alias: bool,
) -> list[str]:
    """Stream the library's public records into ``index``; return the ids sent. Raises on any failure:
    an index missing documents must never replace a complete one."""
    total = Record.objects.filter(opac_hide=False).count()
    progress.library_started(library.code, total)
    sent_ids: list[str] = []
    failures: list[str] = []
    # One transaction per library: the records come from one server-side cursor (one snapshot).
    with transaction.atomic():
        for ok, item in helpers.streaming_bulk(
            client,
            _actions(library, chunk_size),
            index=index,
            chunk_size=chunk_size,
            raise_on_error=False,
            max_retries=3,
            refresh=False,
            require_alias=require_alias,
        ):
            (outcome,) = item.values()
            if ok:
                sent_ids.append(str(outcome["_id"]))
            else:
                failures.append(f"{outcome.get('_id')}: {outcome.get('error')}")
            if len(sent_ids) % chunk_size == 0 or not ok:
                progress.records_done(library.code, len(sent_ids) + len(failures))
    progress.records_done(library.code, len(sent_ids) + len(failures))
    progress.library_finished(library.code)
    if failures:
        raise RebuildError(f"{library.code}: {len(failures)} dokumen gagal dimuat, mis. {failures[0]}")
    return sent_ids


def rebuild_union_index(
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    keep_old: bool = False,
    progress: RebuildProgress | None = None,
    client: Elasticsearch | None = None,
) -> RebuildResult:
    """Build a new union index from every active library's schema and swap the alias to it."""
    client = client or get_client()
    progress = progress or SilentProgress()
    started = time.monotonic()
    alias = union_alias()
    put_index_templates(client)  # the new index gets the mapping of this code, not of the last deploy
    index = new_versioned_index_name(alias)
    client.indices.create(index=index, settings={"refresh_interval": "-1", "number_of_replicas": 0})
    result = RebuildResult(index=index, alias=alias)
    try:
        with ExitStack() as locks:
            for library in indexed_libraries():
                locks.enter_context(library_drain_lock(library, wait=True))
                with schema_context(library.schema_name):
                    sent = _load_library(
                        client,
                        library,
                        index=index,
                        chunk_size=chunk_size,
                        progress=progress,
                        require_alias=False,
                    )
                result.per_library[library.code] = len(sent)
                result.documents += len(sent)
            final = union_index_settings(replicas=int(getattr(settings, "ELASTICSEARCH_REPLICAS", 0)))
            client.indices.put_settings(
                index=index,
                settings={
                    "refresh_interval": final["refresh_interval"],
                    "number_of_replicas": final["number_of_replicas"],
                },
            )
            client.indices.refresh(index=index)
            counted = client.count(index=index)["count"]
            if counted != result.documents:
                raise RebuildError(
                    f"indeks baru {index} berisi {counted} dokumen, seharusnya {result.documents}"
                )
            result.previous_indexes = swap_alias(alias, index, client)
            # Still holding the locks (they are re-entrant): what changed during the load goes in now.
            for library in indexed_libraries():
                drained = drain_outbox(library=library, client=client)
                result.rows_drained_after_swap += drained.rows_drained
    except BaseException:
        # Never leave a half-built index behind, unless the alias already points at it; an error while
        # cleaning up must not hide the one that stopped the rebuild.
        with suppress(ApiError, TransportError):
            if index not in indices_behind(alias, client):
                client.indices.delete(index=index, ignore_unavailable=True)
        raise
    if not keep_old:
        for old_index in result.previous_indexes:
            client.indices.delete(index=old_index, ignore_unavailable=True)
            result.deleted_indexes.append(old_index)
    result.seconds = time.monotonic() - started
    return result


def document_ids_in_index(client: Elasticsearch, *, index: str, library_code: str) -> Iterator[str]:
    """Every document id of one library in ``index`` (a scroll sorted by ``_doc``, ids only)."""
    query = {"query": {"term": {"library_code": library_code}}, "_source": False}
    for hit in helpers.scan(client, query=query, index=index, size=1000, scroll="2m"):
        yield hit["_id"]


def rebuild_library_in_place(
    *,
    library: Library,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: RebuildProgress | None = None,
    client: Elasticsearch | None = None,
) -> LibraryRebuildResult:
    """Re-send one library's documents to the live index and delete those no longer in its schema."""
    client = client or get_client()
    progress = progress or SilentProgress()
    started = time.monotonic()
    alias = ensure_union_index(client)
    result = LibraryRebuildResult(library_code=library.code)
    active = Library.objects.filter(pk=library.pk, active=True).exists()
    with library_drain_lock(library, wait=True):
        with schema_context(library.schema_name):
            # An inactive library has no documents in the union index: nothing is sent, all are stale.
            sent = (
                set(
                    _load_library(
                        client,
                        library,
                        index=alias,
                        chunk_size=chunk_size,
                        progress=progress,
                        require_alias=True,
                    )
                )
                if active
                else set()
            )
        client.indices.refresh(index=alias)
        stale = [
            doc_id
            for doc_id in document_ids_in_index(client, index=alias, library_code=library.code)
            if doc_id not in sent
        ]
        result.documents = len(sent)
        result.stale_deleted = bulk_delete_documents(client, stale, index=alias)
        result.rows_drained_after = drain_outbox(library=library, client=client).rows_drained
    client.indices.refresh(index=alias)
    result.seconds = time.monotonic() - started
    return result
