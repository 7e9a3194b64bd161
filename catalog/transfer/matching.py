"""Which existing record an imported record is (so it updates instead of duplicating), and the batch write
that follows from it. Run inside the library's schema.

An incoming record matches, in this order:
1. the record an earlier import of this library's file source made with the same key (the file's 001);
2. a record of this library exported by Simpul: 001 ``<library code>-<id>`` (``catalog.transfer.export``);
3. a record of any source whose key is the incoming 001 (a SLiMS biblio id harvested earlier), when the two
   are the same book — same ISBN, or titles sharing most words and the same volume numbers — so a file from
   another system whose numbers happen to collide never overwrites an unrelated record;
4. the one record with the same ISBN/ISSN (none when several share it, as the volumes of a set do), again
   when the titles agree;
5. the record that holds the incoming copies' barcodes (barcodes are unique in a library).
Records this import already wrote (``since``) are not matched again by 3–5, and one existing record is
matched by at most one incoming record of a batch: a file that lists a book twice never merges two of its
own rows into one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from django.db import connection

from catalog.models import Item, Record
from catalog.normalized import NormalizedRecord
from catalog.services import UpsertResult, upsert_records

__all__ = ["Match", "Outcome", "find_matches", "planned_action", "upsert_matched"]

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Match:
    record_id: int
    source_id: int | None
    source_key: str
    title: str
    by: str  # same_key, own_export, control_number, isbn, item_code
    content_hash: str
    edited_in_simpul: bool


@dataclass(frozen=True)
class Outcome:
    result: UpsertResult
    match: Match | None


def _words(title: str) -> set[str]:
    return set(_WORD.findall(title.casefold()))


def same_work(a: str, b: str) -> bool:
    """Titles that are the same book: at least half of their words shared, and the same numbers (volume
    1 is not volume 2)."""
    words_a, words_b = _words(a), _words(b)
    if not words_a or not words_b:
        return False
    if {w for w in words_a if w.isdigit()} != {w for w in words_b if w.isdigit()}:
        return False
    return len(words_a & words_b) / len(words_a | words_b) >= 0.5


@dataclass(frozen=True)
class _Candidate:
    """An existing record as matching reads it."""

    id: int
    source_id: int | None
    source_key: str
    title: str
    isbn_issn: str
    content_hash: str
    edited_in_simpul: bool
    fresh: bool  # written by this import (created or updated since it started)


def _match(record: _Candidate, by: str) -> Match:
    return Match(
        record_id=record.id,
        source_id=record.source_id,
        source_key=record.source_key,
        title=record.title,
        by=by,
        content_hash=record.content_hash,
        edited_in_simpul=record.edited_in_simpul,
    )


def _candidates_sql(since: datetime | None) -> tuple[str, list]:
    """The columns of a ``_Candidate`` (after a leading ``kind`` and ``item_code``) of ``record``."""
    fresh, params = (
        ("FALSE", [])
        if since is None
        else ("record.created_at >= %s OR record.updated_at >= %s", [since, since])
    )
    return (
        "record.id, record.source_id, record.source_key, record.title, record.isbn_issn, record.content_hash,"
        f" record.edited_in_simpul_at IS NOT NULL, ({fresh})",
        params,
    )


def _read_candidates(
    *, keys: list[str], own_ids: set[int], isbns: list[str], codes: list[str], since: datetime | None
) -> list[tuple[str, str | None, _Candidate]]:
    """``(kind, item code, candidate)`` rows in ONE statement: ``key`` (any source's record with one of
    the keys), ``own`` (records of this library by id), ``isbn`` (not written by this import) and
    ``item`` (the record, not written by this import, that holds one of the copy codes)."""
    record_table = connection.ops.quote_name(Record._meta.db_table)
    item_table = connection.ops.quote_name(Item._meta.db_table)
    columns, fresh_params = _candidates_sql(since)
    fresh = "" if since is None else " AND NOT (record.created_at >= %s OR record.updated_at >= %s)"
    # Any source's record with one of the keys. The index that serves keys is (source_id, source_key):
    # PostgreSQL (before 18) does not skip-scan it for source_key alone and would read the whole table
    # for every batch (an import slower with each batch). A library has few sources: their ids are
    # walked on the index first (a "loose index scan"), then each (source, key) pair is an index lookup.
    sources = (
        f"WITH RECURSIVE sources(id) AS (SELECT min(source_id) FROM {record_table} UNION ALL"
        f" SELECT (SELECT min(source_id) FROM {record_table} WHERE source_id > sources.id) FROM sources"
        " WHERE sources.id IS NOT NULL) "
    )
    branches = [
        f"{sources}SELECT 'key', NULL, {columns} FROM {record_table} AS record"
        " WHERE (record.source_id = ANY(ARRAY(SELECT id FROM sources WHERE id IS NOT NULL))"
        " OR record.source_id IS NULL) AND record.source_key = ANY(%s)"
    ]
    params: list = [*fresh_params, keys]
    if own_ids:
        branches.append(
            f"SELECT 'own', NULL, {columns} FROM {record_table} AS record WHERE record.id = ANY(%s)"
        )
        params += [*fresh_params, sorted(own_ids)]
    if isbns:
        branches.append(
            f"SELECT 'isbn', NULL, {columns} FROM {record_table} AS record"
            f" WHERE record.isbn_issn = ANY(%s){fresh}"
        )
        params += [*fresh_params, isbns, *fresh_params]
    if codes:
        branches.append(
            f"SELECT 'item', item.item_code, {columns} FROM {item_table} AS item"
            f" JOIN {record_table} AS record ON record.id = item.record_id"
            f" WHERE item.item_code = ANY(%s){fresh}"
        )
        params += [*fresh_params, codes, *fresh_params]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(branches), params)
        return [(kind, code, _Candidate(*row)) for kind, code, *row in cursor.fetchall()]


def find_matches(
    records: Sequence[NormalizedRecord],
    *,
    file_source_id: int,
    library_code: str,
    since: datetime | None = None,
) -> list[Match | None]:
    """The existing record each incoming record is (or None: it is new). One query a batch."""
    if not records:
        return []
    keys = [record.source_key for record in records]
    own_prefix = f"{library_code}-"
    own_ids = {
        int(key[len(own_prefix) :])
        for key in keys
        if key.startswith(own_prefix) and key[len(own_prefix) :].isdigit()
    }
    isbns = [record.isbn_issn for record in records if record.isbn_issn]
    codes = [copy.item_code for record in records for copy in record.copies if copy.item_code]
    same_key: dict[str, _Candidate] = {}
    own: dict[int, _Candidate] = {}
    by_key: dict[str, list[_Candidate]] = defaultdict(list)
    by_isbn: dict[str, list[_Candidate]] = defaultdict(list)
    holder: dict[str, int] = {}
    holders: dict[int, _Candidate] = {}
    for kind, item_code, candidate in _read_candidates(
        keys=keys, own_ids=own_ids, isbns=isbns, codes=codes, since=since
    ):
        if kind == "key":
            if candidate.source_id == file_source_id:
                same_key[candidate.source_key] = candidate
            elif not candidate.fresh:
                by_key[candidate.source_key].append(candidate)
        elif kind == "own":
            own[candidate.id] = candidate
        elif kind == "isbn":
            by_isbn[candidate.isbn_issn].append(candidate)
        else:
            holder[item_code] = candidate.id
            holders[candidate.id] = candidate

    matches: list[Match | None] = []
    taken: set[int] = set()
    for incoming in records:
        match = None
        if incoming.source_key in same_key:
            match = _match(same_key[incoming.source_key], "same_key")
        elif incoming.source_key.startswith(own_prefix) and (
            (own_id := incoming.source_key[len(own_prefix) :]).isdigit() and int(own_id) in own
        ):
            match = _match(own[int(own_id)], "own_export")
        else:
            candidates = by_key.get(incoming.source_key, [])
            if len(candidates) == 1 and _agrees(incoming, candidates[0], isbn_alone=True):
                match = _match(candidates[0], "control_number")
            elif incoming.isbn_issn and len(by_isbn.get(incoming.isbn_issn, [])) == 1:
                candidate = by_isbn[incoming.isbn_issn][0]
                if same_work(incoming.title, candidate.title):
                    match = _match(candidate, "isbn")
            if match is None:
                owners = {holder[copy.item_code] for copy in incoming.copies if copy.item_code in holder}
                if len(owners) == 1:
                    match = _match(holders[owners.pop()], "item_code")
        if match is not None and match.record_id in taken:
            match = None if match.by != "same_key" else match
        if match is not None:
            taken.add(match.record_id)
        matches.append(match)
    return matches


def _agrees(incoming: NormalizedRecord, existing: _Candidate, *, isbn_alone: bool) -> bool:
    if incoming.isbn_issn and existing.isbn_issn:
        return incoming.isbn_issn == existing.isbn_issn and (
            isbn_alone or same_work(incoming.title, existing.title)
        )
    return same_work(incoming.title, existing.title)


def rekeyed(
    record: NormalizedRecord, match: Match | None, *, file_source_id: int
) -> tuple[int | None, NormalizedRecord]:
    """The source and key the incoming record is written under: the matched record's own."""
    if match is None or match.by == "same_key":
        return file_source_id, record
    return match.source_id, replace(record, source_key=match.source_key)


def planned_action(
    record: NormalizedRecord, match: Match | None, *, file_source_id: int, overwrite_local_edits: bool
) -> str:
    """What an import would do with ``record``: ``create``, ``update``, ``unchanged`` or ``keep_local_edit``
    (as ``upsert_records`` decides it, without writing)."""
    if match is None:
        return "create"
    _, written = rekeyed(record, match, file_source_id=file_source_id)
    if written.content_hash() == match.content_hash:
        return "unchanged"
    if match.edited_in_simpul and not overwrite_local_edits:
        return "keep_local_edit"
    return "update"


def upsert_matched(
    records: Sequence[NormalizedRecord],
    *,
    file_source_id: int,
    library_code: str,
    overwrite_local_edits: bool = False,
    since: datetime | None = None,
) -> list[Outcome]:
    """Write a batch: each record under the key of the existing record it matches, new ones under the file
    source; one ``upsert_records`` call per source touched. Returns one outcome per incoming record."""
    matches = find_matches(records, file_source_id=file_source_id, library_code=library_code, since=since)
    groups: dict[int | None, list[NormalizedRecord]] = defaultdict(list)
    placed: list[tuple[int | None, str]] = []
    for record, match in zip(records, matches, strict=True):
        source_id, written = rekeyed(record, match, file_source_id=file_source_id)
        groups[source_id].append(written)
        placed.append((source_id, written.source_key))
    results: dict[tuple[int | None, str], UpsertResult] = {}
    for source_id, group in groups.items():
        for result in upsert_records(group, source_id=source_id, overwrite_local_edits=overwrite_local_edits):
            results[(source_id, result.record.source_key)] = result
    return [Outcome(results[place], match) for place, match in zip(placed, matches, strict=True)]
