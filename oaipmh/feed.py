"""The writers of the OAI-PMH feed (``oaipmh.models.Entry``).

``sync_records`` runs inside the catalogue's own transaction (``catalog.signals.records_changed`` is sent
by every writer that announces a change to the union index, harvest batches included), so a committed
change always has its feed row and a rolled-back one never does. It is ONE statement per call, whatever
the number of records: a harvest page of 100 records costs one more statement, not a hundred.

Rules (docs/architecture.md, "Being a good OAI-PMH provider"):

* a visible record (``opac_hide`` false) has a live row whose datestamp is its ``updated_at`` in whole
  seconds;
* a record that is hidden or deleted keeps its row, now ``deleted``, dated the moment of that change; a
  record hidden before it was ever visible never gets a row (it was never exposed);
* datestamps never move backwards, so a harvester's ``from`` never skips a change;
* "now" is the statement's clock (``clock_timestamp()``), not the transaction's start (``now()``): a
  deletion in a long transaction is dated when it happened, as close to its commit as the database allows.

A library withdrawn (deleted or set inactive) has every row marked deleted at once; reinstated, its
visible records come back dated the moment of reinstatement (later than the withdrawal, so an aggregator
that removed them sees them again).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import connection, transaction

from tenants.models import Library

logger = logging.getLogger(__name__)

ENTRY_TABLE = "public.oaipmh_entry"


def _schema_table(schema_name: str, table: str) -> str:
    quote = connection.ops.quote_name
    return f"{quote(schema_name)}.{quote(table)}"


def sync_records(*, schema_name: str, record_ids: Iterable[int]) -> int:
    """Bring the feed rows of ``record_ids`` of the library in ``schema_name`` in line with the records'
    current state (one statement). Returns how many rows were written."""
    ids = sorted({int(record_id) for record_id in record_ids})
    if not ids:
        return 0
    records = _schema_table(schema_name, "catalog_record")
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH library AS (SELECT id, code FROM public.tenants_library WHERE schema_name = %s),
            wanted AS (SELECT unnest(%s::bigint[]) AS record_id),
            state AS (
                SELECT wanted.record_id,
                       record.id IS NOT NULL AND NOT record.opac_hide AS visible,
                       date_trunc('second', record.updated_at) AS changed_at
                FROM wanted LEFT JOIN {records} AS record ON record.id = wanted.record_id
            ),
            written AS (
                INSERT INTO {ENTRY_TABLE} AS entry (library_id, library_code, record_id, datestamp, deleted)
                SELECT library.id, library.code, state.record_id,
                       CASE WHEN state.visible THEN state.changed_at
                            ELSE date_trunc('second', clock_timestamp()) END,
                       NOT state.visible
                FROM state CROSS JOIN library
                WHERE state.visible OR EXISTS (
                    SELECT 1 FROM {ENTRY_TABLE} AS known
                    WHERE known.library_id = library.id AND known.record_id = state.record_id
                )
                ON CONFLICT (library_id, record_id) DO UPDATE
                    SET datestamp = GREATEST(entry.datestamp, EXCLUDED.datestamp), deleted = EXCLUDED.deleted
                    WHERE entry.deleted <> EXCLUDED.deleted
                       OR (NOT EXCLUDED.deleted AND EXCLUDED.datestamp > entry.datestamp)
                RETURNING 1
            )
            SELECT count(*) FROM written
            """,
            [schema_name, ids],
        )
        return cursor.fetchone()[0]


def on_records_changed(sender, *, schema_name: str, record_ids: Iterable[int], **kwargs) -> None:
    sync_records(schema_name=schema_name, record_ids=record_ids)


def withdraw_library(*, library_code: str) -> int:
    """Every live row of the library becomes a deletion dated now (the library was deleted or set
    inactive). Returns how many rows changed."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ENTRY_TABLE} SET deleted = true,"
            " datestamp = GREATEST(datestamp, date_trunc('second', clock_timestamp()))"
            " WHERE library_code = %s AND NOT deleted",
            [library_code],
        )
        return cursor.rowcount


def rebuild_library(*, library: Library, reinstated: bool = False) -> int:
    """Make the library's rows match its schema: rows for visible records (dated ``updated_at``, or now
    when ``reinstated``), deletions for rows whose record is gone or hidden. Idempotent; used when a
    library is reinstated and by ``manage.py oai_rebuild_feed`` for records stored before the feed
    existed. Returns how many rows were written."""
    records = _schema_table(library.schema_name, "catalog_record")
    moment = "clock_timestamp()" if reinstated else "record.updated_at"
    stamp = f"date_trunc('second', {moment})"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {ENTRY_TABLE} AS entry (library_id, library_code, record_id, datestamp, deleted)
            SELECT %s, %s, record.id, {stamp}, false FROM {records} AS record WHERE NOT record.opac_hide
            ON CONFLICT (library_id, record_id) DO UPDATE
                SET datestamp = GREATEST(entry.datestamp, EXCLUDED.datestamp), deleted = false
                WHERE entry.deleted OR EXCLUDED.datestamp > entry.datestamp
            """,
            [library.pk, library.code],
        )
        written = cursor.rowcount
        cursor.execute(
            f"""
            UPDATE {ENTRY_TABLE} AS entry
            SET deleted = true, datestamp = GREATEST(entry.datestamp, date_trunc('second', clock_timestamp()))
            WHERE entry.library_id = %s AND NOT entry.deleted AND NOT EXISTS (
                SELECT 1 FROM {records} AS record WHERE record.id = entry.record_id AND NOT record.opac_hide
            )
            """,
            [library.pk],
        )
        return written + cursor.rowcount


def on_library_withdrawn(sender, *, library_code: str, **kwargs) -> None:
    changed = withdraw_library(library_code=library_code)
    logger.info("oai-pmh: library %s withdrawn, %s records now reported deleted", library_code, changed)


def on_library_reinstated(sender, *, library: Library, **kwargs) -> None:
    rebuild_library(library=library, reinstated=True)
