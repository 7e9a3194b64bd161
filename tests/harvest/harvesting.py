"""Builders and readers for the harvest tests: a throw-away library, a registered source on the loopback
server, the schema's records and the union index's documents for that library."""

from __future__ import annotations

import uuid
from collections import Counter

from django.db import connection
from django_tenants.utils import tenant_context

from catalog.models import IndexOutbox, Record
from harvest.models import HarvestSource
from harvest.services import register_source
from search.indexer import drain_outbox
from tenants.models import Library
from tenants.services import create_library, delete_library
from tests.search.union_index import union_documents

FAST_HARVEST = {
    "retry": {
        "max_retries": 2,
        "max_server_error_retries": 2,
        "max_unavailable_retries": 3,
        "default_retry_after": 0.05,
        "max_retry_after": 1.5,
        "backoff_base": 0.01,
        "backoff_max": 0.05,
        "jitter": False,
    },
    "timeout": 1.0,
}


def fresh_library(prefix: str = "panen") -> Library:
    code = f"{prefix}-{uuid.uuid4().hex[:10]}"
    return create_library(
        code=code, name=f"Perpustakaan Uji {code}", kind="bdk", city="Bogor", province="Jawa Barat"
    )


def remove_library(library: Library) -> None:
    if connection.schema_name != "public":
        connection.set_schema_to_public()
    library = Library.objects.filter(pk=library.pk).first()
    if library is not None:
        HarvestSource.objects.filter(library=library).delete()  # their beat schedules go with them
        delete_library(library=library)


def make_source(library: Library, url: str, metadata_format: str = "oai_dc") -> HarvestSource:
    return register_source(library=library, base_url=url, metadata_format=metadata_format)


def schema_records(library: Library) -> dict[str, Record]:
    """``{source key: Record}`` with authors, subjects and copies loaded."""
    with tenant_context(library):
        records = Record.objects.prefetch_related("record_authors__author", "subjects", "items")
        return {record.source_key: record for record in records}


def authors_of(record: Record) -> list[str]:
    return [link.author.name for link in sorted(record.record_authors.all(), key=lambda link: link.position)]


def copy_codes(record: Record) -> list[str]:
    return sorted(item.item_code for item in record.items.all())


def duplicate_keys(library: Library) -> list[str]:
    with tenant_context(library):
        counts = Counter(Record.objects.values_list("source_key", flat=True))
    return [key for key, count in counts.items() if count > 1]


def outbox_size(library: Library) -> int:
    with tenant_context(library):
        return IndexOutbox.objects.count()


def drain(library: Library, *, rounds: int = 50):
    """Drain the library's outbox until it is empty (or a drain fails); returns the last result."""
    result = None
    for _ in range(rounds):
        result = drain_outbox(library=library)
        if result.error or outbox_size(library) == 0:
            break
    return result


def indexed(library: Library) -> dict[str, dict]:
    return union_documents(library.code)
