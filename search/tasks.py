"""Celery tasks that keep the union index true to the libraries' schemas (thin: the work is in
``search.indexer``).

``drain_index_outbox`` runs inside one library's schema: tenant-schemas-celery carries the schema in the
``_schema_name`` header and switches to it on the worker. ``drain_all_outboxes`` runs in the public schema
(celery-beat, every minute — ``manage.py setup_schedules``) and sends one drain per active library, so a
change whose after-commit request was lost (broker down, process killed) is still indexed.
"""

from __future__ import annotations

import math
import time

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from search.indexer import drain_outbox, indexed_libraries
from search.withdrawal import remove_library_documents
from tenants.models import Library

# A burst of commits (a harvest page, an import) sends one drain per library per this many seconds.
DEFAULT_DRAIN_DEBOUNCE_SECONDS = 1

_last_request: dict[str, float] = {}


def drain_debounce_seconds() -> int:
    return max(1, int(getattr(settings, "INDEX_DRAIN_DEBOUNCE_SECONDS", DEFAULT_DRAIN_DEBOUNCE_SECONDS)))


def claim_drain_slot(*, schema_name: str, seconds: int) -> bool:
    """True for the first caller in a window of ``seconds`` for this schema, across all processes
    (Redis ``SET NX EX`` through the cache); False for everyone else in that window."""
    return cache.add(f"search:drain-requested:{schema_name}", 1, timeout=seconds)


def send_drain(*, schema_name: str, countdown: float | None = None) -> None:
    drain_index_outbox.apply_async(headers={"_schema_name": schema_name}, countdown=countdown)


def drain_on_committed_changes(sender, *, schema_name: str, **kwargs) -> None:
    """Receiver of ``catalog.signals.index_changes_committed``: a drain of that library's outbox."""
    request_drain(schema_name=schema_name)


def request_drain(*, schema_name: str) -> bool:
    """Ask for a drain of the library's outbox after a commit; return whether a task was sent.

    Debounced so 10,000 harvested records do not send 10,000 tasks: the first request of a window sends a
    drain that runs when the window closes (``countdown``), so it sees every row committed in the window;
    the next commit after the window opens a new one. A local clock spares the Redis round trip inside the
    window."""
    seconds = drain_debounce_seconds()
    now = time.monotonic()
    if now - _last_request.get(schema_name, -math.inf) < seconds:
        return False
    _last_request[schema_name] = now
    if not claim_drain_slot(schema_name=schema_name, seconds=seconds):
        return False
    send_drain(schema_name=schema_name, countdown=seconds)
    return True


# No stored result: hundreds of libraries drained every minute would fill the result backend; the run's
# summary is in the worker log, and what failed stays on the outbox rows (attempts, last_error).
@shared_task(name="search.drain_index_outbox", acks_late=True, ignore_result=True)
def drain_index_outbox() -> dict[str, object]:
    """Drain the outbox of the library whose schema the task runs in; if rows remain after the bounded
    run, send the next run right away. Safe to run any number of times, in any order."""
    library = Library.objects.get(schema_name=connection.schema_name)
    result = drain_outbox(library=library)
    if result.more_pending:
        send_drain(schema_name=library.schema_name)
    return result.as_dict()


@shared_task(name="search.drain_all_outboxes", acks_late=True)
def drain_all_outboxes() -> dict[str, object]:
    """Send one ``drain_index_outbox`` per active library (the periodic safety net)."""
    schemas = list(indexed_libraries().values_list("schema_name", flat=True))
    for schema_name in schemas:
        send_drain(schema_name=schema_name)
    return {"libraries": len(schemas)}


@shared_task(
    bind=True,
    name="search.remove_library_documents",
    acks_late=True,
    max_retries=10,
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=1800,
)
def remove_library_documents_task(self, library_code: str) -> dict[str, object]:
    """Remove a withdrawn library's documents when Elasticsearch was down at the moment it was withdrawn."""
    if Library.objects.filter(code=library_code, active=True).exists():
        return {"library": library_code, "skipped": "active again"}
    return {"library": library_code, "deleted": remove_library_documents(library_code=library_code)}
