"""Reading the feed and the records it points at.

Lists page over ``oaipmh_entry`` with a keyset on (datestamp, library id, record id) — an index scan that
costs the same on the first page and the thousandth, across one library or hundreds. The metadata of a
chunk of entries is read from each library's schema with one query per library and chunk; chunks keep the
memory of a page flat whatever the page size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection

ENTRY_COLUMNS = "entry.datestamp, entry.library_id, entry.record_id, entry.deleted, entry.library_code"


@dataclass(frozen=True)
class EntryRow:
    datestamp: datetime
    library_id: int
    record_id: int
    deleted: bool
    library_code: str

    @property
    def key(self) -> tuple[int, int, int]:
        return (int(self.datestamp.timestamp()), self.library_id, self.record_id)


@dataclass(frozen=True)
class ListFilter:
    library_ids: list[int] | None  # None: every library
    from_: datetime | None
    until: datetime


def _where(filter_: ListFilter, after: tuple[int, int, int] | None) -> tuple[str, list]:
    clauses, params = ["entry.datestamp <= %s"], [filter_.until]
    if filter_.library_ids is not None:
        clauses.append("entry.library_id = ANY(%s)")
        params.append(filter_.library_ids)
    if filter_.from_ is not None:
        clauses.append("entry.datestamp >= %s")
        params.append(filter_.from_)
    if after is not None:
        clauses.append("(entry.datestamp, entry.library_id, entry.record_id) > (%s, %s, %s)")
        params += [datetime.fromtimestamp(after[0], tz=UTC), after[1], after[2]]
    return " AND ".join(clauses), params


def _order(filter_: ListFilter) -> str:
    # One library: its own index leads with library_id; otherwise the union's index.
    return "entry.datestamp, entry.library_id, entry.record_id"


def entries_after(filter_: ListFilter, after: tuple[int, int, int] | None, limit: int) -> list[EntryRow]:
    where, params = _where(filter_, after)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {ENTRY_COLUMNS} FROM public.oaipmh_entry AS entry WHERE {where}"
            f" ORDER BY {_order(filter_)} LIMIT %s",
            [*params, limit],
        )
        return [EntryRow(*row) for row in cursor.fetchall()]


def count_entries(filter_: ListFilter) -> int:
    where, params = _where(filter_, None)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM public.oaipmh_entry AS entry WHERE {where}", params)
        return cursor.fetchone()[0]


def earliest_datestamp(library_id: int | None) -> datetime | None:
    with connection.cursor() as cursor:
        if library_id is None:
            cursor.execute("SELECT min(datestamp) FROM public.oaipmh_entry")
        else:
            cursor.execute(
                "SELECT min(datestamp) FROM public.oaipmh_entry WHERE library_id = %s", [library_id]
            )
        return cursor.fetchone()[0]


def entry_for(library_code: str, record_id: int, library_ids: list[int] | None) -> EntryRow | None:
    clauses, params = ["entry.library_code = %s", "entry.record_id = %s"], [library_code, record_id]
    if library_ids is not None:
        clauses.append("entry.library_id = ANY(%s)")
        params.append(library_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {ENTRY_COLUMNS} FROM public.oaipmh_entry AS entry WHERE {' AND '.join(clauses)}"
            " ORDER BY entry.datestamp DESC LIMIT 1",
            params,
        )
        row = cursor.fetchone()
        return EntryRow(*row) if row else None


# --- metadata ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordRow:
    """What a record disseminates (the columns of ``catalog.Record`` and its links)."""

    id: int
    title: str
    statement_of_responsibility: str
    edition: str
    isbn_issn: str
    publisher: str
    publish_place: str
    publish_year: str
    collation: str
    series_title: str
    call_number: str
    classification: str
    language: str
    notes: str
    material_type: str
    abstract: str
    created_at: datetime
    updated_at: datetime
    opac_hide: bool
    authors: list  # [[name, author type, role], ...] primary first
    subjects: list  # [name, ...]
    copies: list  # [[item code, call number, collection type, location], ...]


def record_sql(schema_name: str) -> str:
    """One query for the records with ids ``%s`` of a library schema, links aggregated as JSON."""
    quote = connection.ops.quote_name
    schema = quote(schema_name)
    return f"""
        SELECT record.id, record.title, record.statement_of_responsibility, record.edition, record.isbn_issn,
               coalesce(publisher.name, ''), record.publish_place, record.publish_year, record.collation,
               record.series_title, record.call_number, record.classification, record.language, record.notes,
               record.material_type, record.abstract, record.created_at, record.updated_at, record.opac_hide,
               coalesce((SELECT json_agg(json_build_array(author.name, author.author_type, link.role)
                                         ORDER BY link.position, link.id)
                         FROM {schema}.catalog_recordauthor AS link
                         JOIN {schema}.catalog_author AS author ON author.id = link.author_id
                         WHERE link.record_id = record.id), '[]'),
               coalesce((SELECT json_agg(subject.name ORDER BY link.id)
                         FROM {schema}.catalog_record_subjects AS link
                         JOIN {schema}.catalog_subject AS subject ON subject.id = link.subject_id
                         WHERE link.record_id = record.id), '[]'),
               coalesce((SELECT json_agg(json_build_array(item.item_code, item.call_number,
                                                          item.collection_type, item.location)
                                         ORDER BY item.item_code)
                         FROM {schema}.catalog_item AS item WHERE item.record_id = record.id), '[]')
        FROM {schema}.catalog_record AS record
        LEFT JOIN {schema}.catalog_publisher AS publisher ON publisher.id = record.publisher_id
    """


def records_by_id(schema_name: str, record_ids: list[int]) -> dict[int, RecordRow]:
    if not record_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(record_sql(schema_name) + " WHERE record.id = ANY(%s)", [record_ids])
        return {row[0]: RecordRow(*row) for row in cursor.fetchall()}


def iter_all_records(schema_name: str, *, chunk: int = 1000) -> Iterator[RecordRow]:
    """Every record of a schema in id order, in chunks (the benchmark's bare baseline reads this way)."""
    with connection.cursor() as cursor:
        last = 0
        while True:
            cursor.execute(
                record_sql(schema_name) + " WHERE record.id > %s ORDER BY record.id LIMIT %s", [last, chunk]
            )
            rows = cursor.fetchall()
            if not rows:
                return
            for row in rows:
                yield RecordRow(*row)
            last = rows[-1][0]
