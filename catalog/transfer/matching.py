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

from django.db.models import Q

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


def _match(record: Record, by: str) -> Match:
    return Match(
        record_id=record.pk,
        source_id=record.source_id,
        source_key=record.source_key,
        title=record.title,
        by=by,
        content_hash=record.content_hash,
        edited_in_simpul=record.edited_in_simpul_at is not None,
    )


_FIELDS = ("id", "source_id", "source_key", "title", "isbn_issn", "content_hash", "edited_in_simpul_at")


def find_matches(
    records: Sequence[NormalizedRecord],
    *,
    file_source_id: int,
    library_code: str,
    since: datetime | None = None,
) -> list[Match | None]:
    """The existing record each incoming record is (or None: it is new). A handful of queries a batch."""
    keys = [record.source_key for record in records]
    same_key = {
        record.source_key: record
        for record in Record.objects.filter(source_id=file_source_id, source_key__in=keys).only(*_FIELDS)
    }
    own_prefix = f"{library_code}-"
    own_ids = {
        int(key[len(own_prefix) :])
        for key in keys
        if key.startswith(own_prefix) and key[len(own_prefix) :].isdigit()
    }
    fresh = Q()
    if since is not None:
        fresh = Q(created_at__gte=since) | Q(updated_at__gte=since)
    own = {record.pk: record for record in Record.objects.filter(pk__in=own_ids).only(*_FIELDS)}
    by_key: dict[str, list[Record]] = defaultdict(list)
    for record in (
        Record.objects.filter(source_key__in=keys)
        .exclude(source_id=file_source_id)
        .exclude(fresh)
        .only(*_FIELDS)
    ):
        by_key[record.source_key].append(record)
    isbns = [record.isbn_issn for record in records if record.isbn_issn]
    by_isbn: dict[str, list[Record]] = defaultdict(list)
    for record in Record.objects.filter(isbn_issn__in=isbns).exclude(fresh).only(*_FIELDS) if isbns else ():
        by_isbn[record.isbn_issn].append(record)
    codes = [copy.item_code for record in records for copy in record.copies if copy.item_code]
    holder = (
        dict(
            Item.objects.filter(item_code__in=codes)
            .exclude(fresh_items(since))
            .values_list("item_code", "record_id")
        )
        if codes
        else {}
    )
    holders = {
        record.pk: record for record in Record.objects.filter(pk__in=set(holder.values())).only(*_FIELDS)
    }

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


def fresh_items(since: datetime | None) -> Q:
    if since is None:
        return Q(pk__in=[])
    return Q(record__created_at__gte=since) | Q(record__updated_at__gte=since)


def _agrees(incoming: NormalizedRecord, existing: Record, *, isbn_alone: bool) -> bool:
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
