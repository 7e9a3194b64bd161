"""Whole request bodies: a page of works, a deep page, the facets, a work's holdings, one record.

Paging (see ``build_page`` and ``build_deep_page``): Elasticsearch refuses ``search_after`` together with
``collapse`` unless the search is sorted on the collapse field alone (checked on 8.19: "Cannot use
[collapse] in conjunction with [search_after] unless the search is sorted on the same field"). Pages of
works inside the result window therefore use ``collapse`` with ``from``; a ``setelah`` cursor continues
past any depth with ``search_after`` over holdings sorted by (sort key, work_key, library, record) with
no collapse, keeping a holding only when it is the best-sorted holding of its work (checked per batch by
``build_work_summary``), which yields exactly the works, in exactly the order, that ``collapse`` gives.
Every response carries a ``setelah`` cursor for the next page, whichever way the page was reached.
"""

from __future__ import annotations

from elasticsearch.dsl import A, Q, Search
from elasticsearch.dsl.query import Query

from search.query.builder import build_query
from search.query.filters import Filters, facet_aggregations, filtered
from search.query.paging import SortOrder, sort_spec
from search.query.syntax import ParsedQuery
from search.union_document import RECORD_DISPLAY_FIELDS

RESULT_WINDOW = 10_000  # index.max_result_window: from + size of a collapsed page must stay inside it
MAX_PER_PAGE = 100
HOLDINGS_PER_WORK = 5

# Fields of the source that result lists show (not the normalized copies): the holding library, the
# record as catalogued (derived from the one declaration of a record's fields), and the copy counts.
DISPLAY_FIELDS = [
    "library_code",
    "library_name",
    "library_city",
    "province",
    "unit_kind",
    "record_id",
    "work_key",
    *RECORD_DISPLAY_FIELDS,
    "year",
    "isbn",
    "copies_total",
    "copies_available",
    "availability_known",
]
HOLDING_FIELDS = [
    "library_code",
    "library_name",
    "library_city",
    "province",
    "unit_kind",
    "record_id",
    "title",
    "call_number",
    "copies_total",
    "copies_available",
    "availability_known",
]


def _query_dict(parsed: ParsedQuery, query: Query | None) -> dict:
    return (query if query is not None else build_query(parsed)).to_dict()


def _envelope(parsed: ParsedQuery, filters: Filters, query: Query | None, **parts) -> dict:
    """A request body: the scoring query, the facet selections as ``post_filter``, and ``parts``.

    The queries and aggregations are elasticsearch.dsl objects; the envelope is a plain dict rather than
    a chain of ``Search`` calls, each of which deep-copies everything built so far (a few milliseconds
    per request, measured with bench/search.py)."""
    body: dict = {"query": _query_dict(parsed, query)}
    if not filters.is_empty:
        body["post_filter"] = filtered(filters.clauses()).to_dict()
    body.update(parts)
    return body


# Holdings of a work: copies on the shelf first (most first), then those whose availability is unknown
# (no ``copies_available``: counted as 0, and ``availability_known`` false sorts before true), then those
# known to have none on the shelf; then by library.
_HOLDINGS_SORT = [
    {"copies_available": {"order": "desc", "missing": 0}},
    {"availability_known": "asc"},
    {"library_name": "asc"},
    {"record_id": "asc"},
]


def build_page(
    parsed: ParsedQuery,
    filters: Filters,
    order: SortOrder,
    *,
    offset: int,
    size: int,
    holdings: int = HOLDINGS_PER_WORK,
    facets: bool = True,
    query: Query | None = None,
) -> dict:
    """One page of works: ``collapse`` on work_key, holdings as inner hits, facets as aggregations.

    Facet filters are a ``post_filter`` and every facet's aggregation is filtered by the *other* facets'
    selections only, so a facet keeps showing the counts of its unselected values (multi-select)."""
    if offset < 0 or size < 1 or offset + size > RESULT_WINDOW:
        raise ValueError("page outside the result window")
    body = _envelope(
        parsed,
        filters,
        query,
        sort=sort_spec(order),
        _source=DISPLAY_FIELDS,
        collapse={
            "field": "work_key",
            "inner_hits": {
                "name": "holdings",
                "size": holdings,
                "sort": _HOLDINGS_SORT,
                "_source": HOLDING_FIELDS,
            },
            "max_concurrent_group_searches": 4,
        },
        track_total_hits=False,
        size=size,
    )
    body["from"] = offset
    if facets:
        body["aggs"] = facet_aggregations(filters)
    return body


def build_facets(parsed: ParsedQuery, filters: Filters, *, query: Query | None = None) -> dict:
    """The facet counts of a search as a request of its own: sent with the page in one ``_msearch``, it
    runs beside it, skips scoring, and, having ``size: 0``, is served from Elasticsearch's shard request
    cache when the same search comes again before the index changes."""
    return {"query": _query_dict(parsed, query), "aggs": facet_aggregations(filters), "size": 0}


def build_deep_page(
    parsed: ParsedQuery,
    filters: Filters,
    order: SortOrder,
    *,
    after: tuple,
    batch: int,
    facets: bool = False,
    query: Query | None = None,
) -> dict:
    """Holdings after ``after`` in the total sort order, without collapse (so ``search_after`` is
    allowed); ``build_work_summary`` then tells which of them head their work."""
    body = _envelope(
        parsed,
        filters,
        query,
        sort=sort_spec(order),
        _source=["work_key", "library_code", "record_id"],
        search_after=list(after),
        track_total_hits=False,
        size=batch,
    )
    if facets:
        body["aggs"] = facet_aggregations(filters)
    return body


def _within_works(
    parsed: ParsedQuery, filters: Filters, work_keys: list[str], query: Query | None, *, scored: bool = True
) -> dict:
    clauses = [*filters.clauses(), Q("terms", work_key=work_keys)]
    matching = query if query is not None else build_query(parsed)
    if not scored:  # counting only: the query as a filter skips scoring
        return Q("bool", filter=[matching, *clauses]).to_dict()
    return Q("bool", must=[matching], filter=clauses).to_dict()


def build_work_summary(
    parsed: ParsedQuery,
    filters: Filters,
    order: SortOrder,
    *,
    work_keys: list[str],
    holdings: int = HOLDINGS_PER_WORK,
    query: Query | None = None,
) -> dict:
    """Per work among ``work_keys`` (under the same query and filters): its best-sorted holding (the
    one ``collapse`` would show), its first holdings, how many holdings and how many libraries."""
    per_work = A("terms", field="work_key", size=max(1, len(work_keys)))
    per_work.metric("head", "top_hits", size=1, sort=sort_spec(order), _source=DISPLAY_FIELDS)
    per_work.metric("holdings", "top_hits", size=holdings, sort=_HOLDINGS_SORT, _source=HOLDING_FIELDS)
    per_work.metric("libraries", "cardinality", field="library_code")
    return {
        "query": _within_works(parsed, filters, work_keys, query),
        "aggs": {"works": per_work.to_dict()},
        "size": 0,
        "track_total_hits": False,
    }


def build_library_counts(
    work_keys: list[str], filters: Filters, parsed: ParsedQuery, query: Query | None = None
) -> dict:
    """How many libraries hold each of ``work_keys`` (among holdings matching the search)."""
    per_work = A("terms", field="work_key", size=max(1, len(work_keys)))
    per_work.metric("libraries", "cardinality", field="library_code")
    return {
        "query": _within_works(parsed, filters, work_keys, query, scored=False),
        "aggs": {"works": per_work.to_dict()},
        "size": 0,
        "track_total_hits": False,
    }


def build_work_holdings(work_key: str, *, size: int = 1000) -> dict:
    """Every holding of one work, library by library."""
    search = Search().filter("term", work_key=work_key).sort({"library_name": "asc"}, {"record_id": "asc"})
    return search.source(DISPLAY_FIELDS).extra(size=size, track_total_hits=True).to_dict()


def build_record(library_code: str, record_id: int) -> dict:
    search = Search().filter("term", library_code=library_code).filter("term", record_id=record_id)
    return search.source(DISPLAY_FIELDS).extra(size=1).to_dict()
