"""Copy cataloguing's reads of the union index (``search``): the best holding of a work to copy from,
whether a library already holds a work, and the staff's search of the union catalogue.

Copy cataloguing pre-fills the form from the other library's *schema* (``selectors.record_data_of``),
not from the union document: the schema is the source of truth and has what the index does not keep
(authors' roles and levels, statement of responsibility, collation, abstract, notes), while the index
document is derived and analysed for searching. The index is used only to find the work's holdings.

This module sits above ``catalog`` in the layers (catalog/cataloguing/__init__.py); nothing in
catalog's core imports it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from elasticsearch import ApiError, TransportError

from catalog.cataloguing.selectors import records_holding_isbns
from catalog.cataloguing.validation import isbn_forms
from search import selectors as union_selectors
from search.documents import union_alias
from search.es import get_client
from search.union_document import document_id

logger = logging.getLogger(__name__)


def _filled(source: dict) -> tuple:
    filled = sum(
        1
        for name in ("authors", "publisher", "publish_year", "isbn", "subjects", "call_number", "collation")
        if source.get(name)
    )
    return (
        -filled,
        -(source.get("copies_total") or 0),
        source.get("library_code", ""),
        source.get("record_id", 0),
    )


def best_holding_ref(work_key: str, *, exclude_library_code: str) -> str | None:
    """The fullest holding of ``work_key`` in another library ("<code>:<id>"), or None."""
    try:
        work = union_selectors.work_detail(work_key)
    except union_selectors.SearchError:
        return None
    if work is None:
        return None
    others = [source for source in work.records if source.get("library_code") != exclude_library_code]
    if not others:
        return None
    best = min(others, key=_filled)
    return document_id(best["library_code"], int(best["record_id"]))


def work_key_of(record_ref: str) -> str:
    code, _sep, record_id = record_ref.rpartition(":")
    if not code or not record_id.isdigit():
        return ""
    try:
        detail = union_selectors.record_detail(code, int(record_id), live=False)
    except union_selectors.SearchError:
        return ""
    return detail.work_key if detail else ""


def held_works(*, library_code: str, work_keys: list[str]) -> dict[str, int]:
    """``{work key: record id}`` of the works in ``work_keys`` that ``library_code`` holds (visible
    records, as indexed). Empty when the index does not answer: the button then offers to copy."""
    keys = [key for key in dict.fromkeys(work_keys) if key]
    if not keys:
        return {}
    body = {
        "query": {
            "bool": {"filter": [{"term": {"library_code": library_code}}, {"terms": {"work_key": keys}}]}
        },
        "size": min(len(keys) * 3, 500),
        "_source": ["work_key", "record_id"],
    }
    try:
        hits = get_client().search(index=union_alias(), body=body).body["hits"]["hits"]
    except (ApiError, TransportError):
        logger.warning("held works of %s could not be read from the union index", library_code, exc_info=True)
        return {}
    held: dict[str, int] = {}
    for hit in hits:
        held.setdefault(hit["_source"]["work_key"], int(hit["_source"]["record_id"]))
    return held


def own_holding(*, library, work_key: str, isbn_issn: str) -> int | None:
    """Our record of this work, if we have one: by work key in the index, or by ISBN in our own schema
    (hidden records too). Call with our schema active."""
    found = held_works(library_code=library.code, work_keys=[work_key]).get(work_key) if work_key else None
    if found:
        return found
    held = records_holding_isbns(isbn_forms(isbn_issn))
    return next(iter(held.values()), None)


@dataclass(frozen=True)
class CopyCandidate:
    hit: union_selectors.WorkHit
    held_record_id: int | None
    others: int  # holdings in other libraries


def search_for_copying(*, library, text: str, page: int = 1):
    """(candidates, error): the union search for ``text`` with, for each work, whether we hold it."""
    try:
        result = union_selectors.search_works(
            union_selectors.SearchRequest(text=text, page=max(1, min(page or 1, 20)), per_page=10)
        )
    except union_selectors.SearchError as error:
        return None, str(error)
    held = held_works(library_code=library.code, work_keys=[hit.work_key for hit in result.hits])
    by_isbn = records_holding_isbns(
        {form for hit in result.hits for isbn in hit.isbn for form in isbn_forms(isbn)}
    )
    candidates = []
    for hit in result.hits:
        held_id = held.get(hit.work_key) or next(
            (by_isbn[form] for isbn in hit.isbn for form in isbn_forms(isbn) if form in by_isbn), None
        )
        others = sum(1 for holding in hit.holdings if holding.library_code != library.code)
        candidates.append(CopyCandidate(hit=hit, held_record_id=held_id, others=others))
    return {"result": result, "candidates": candidates}, None
