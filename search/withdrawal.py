"""A library that is deleted or set inactive leaves the union search at once; one set active again
comes back (docs/architecture.md, "Union search").

``tenants.services`` sends ``library_withdrawn`` / ``library_reinstated`` after the commit; the receivers in
``search.receivers`` then remove the library's documents by id (the node has no delete_by_query) or enqueue
its public records for the outbox drain. If Elasticsearch is down when a library is withdrawn, a Celery
task retries the removal; and whatever slips through, ``check_index`` and the drain treat documents of a
library that is gone or inactive as extra (``orphan_library_codes``).
"""

from __future__ import annotations

from django_tenants.utils import schema_context
from elasticsearch import Elasticsearch

from catalog.models import IndexOutbox, Record
from catalog.services import enqueue_index_changes
from search.documents import union_alias
from search.es import get_client
from search.indexer import bulk_delete_documents, indexed_libraries
from search.rebuild import document_ids_in_index
from tenants.models import Library


def remove_library_documents(*, library_code: str, client: Elasticsearch | None = None) -> int:
    """Delete every document of ``library_code`` from the union index; returns how many were deleted."""
    client = client or get_client()
    alias = union_alias()
    if not client.indices.exists_alias(name=alias):
        return 0  # no union index yet (or any more): nothing of the library to remove, nothing to create
    client.indices.refresh(index=alias)
    doc_ids = list(document_ids_in_index(client, index=alias, library_code=library_code))
    deleted = bulk_delete_documents(client, doc_ids, index=alias)
    client.indices.refresh(index=alias)
    return deleted


def reindex_library(*, library: Library) -> int:
    """Enqueue every public record of ``library`` for the drain; returns the number of rows written."""
    with schema_context(library.schema_name):
        record_ids = Record.objects.filter(opac_hide=False).values_list("pk", flat=True)
        return enqueue_index_changes(record_ids=list(record_ids), operation=IndexOutbox.Operation.UPSERT)


def library_codes_in_index(client: Elasticsearch | None = None) -> dict[str, int]:
    """``{library code: documents}`` of every library that has documents in the union index."""
    client = client or get_client()
    alias = union_alias()
    if not client.indices.exists_alias(name=alias):
        return {}
    counts: dict[str, int] = {}
    after: dict | None = None
    while True:
        composite: dict = {"size": 1000, "sources": [{"code": {"terms": {"field": "library_code"}}}]}
        if after:
            composite["after"] = after
        answer = client.search(index=alias, size=0, aggregations={"codes": {"composite": composite}})
        aggregation = answer["aggregations"]["codes"]
        for bucket in aggregation["buckets"]:
            counts[bucket["key"]["code"]] = bucket["doc_count"]
        after = aggregation.get("after_key")
        if not aggregation["buckets"] or not after:
            return counts


def orphan_library_codes(client: Elasticsearch | None = None) -> dict[str, int]:
    """``{library code: documents}`` in the union index of libraries that no longer exist or are inactive."""
    active = set(indexed_libraries().values_list("code", flat=True))
    return {code: count for code, count in library_codes_in_index(client).items() if code not in active}
