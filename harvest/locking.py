"""One run per source at a time: a PostgreSQL session advisory lock keyed on the source id.

Why an advisory lock and not a Redis lock with a TTL: it lives exactly as long as the database session
of the process that holds it — a worker killed with ``kill -9`` (or a database restart) frees it at once,
with no TTL to guess and no heartbeat to keep it alive — and other processes can ask ``pg_locks`` whether a
source is really being harvested right now (the operator page uses that to tell a running run from one
whose worker died). The lock is taken outside any transaction (each page commits on its own) and
released in ``finally``; it is re-entrant within one session.

Key: the two-integer form ``(HARVEST_LOCK_CLASS, source id)``; the search app's drain lock uses the
one-bigint form, a separate key space in PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection

HARVEST_LOCK_CLASS = 0x4856  # "HV"


@contextmanager
def source_lock(source_id: int) -> Iterator[bool]:
    """Try to take the source's lock; yields whether it was obtained (never waits)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [HARVEST_LOCK_CLASS, source_id])
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [HARVEST_LOCK_CLASS, source_id])


def locked_source_ids(source_ids: Iterable[int] | None = None) -> set[int]:
    """Ids of the sources some session holds the lock of (a run is really in progress there)."""
    query = (
        "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2"
        " AND classid = %s AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [HARVEST_LOCK_CLASS])
        held = {int(row[0]) for row in cursor.fetchall()}
    if source_ids is None:
        return held
    return held & set(source_ids)
