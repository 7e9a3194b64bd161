"""Reads of the union index for the API and the pages: searches, works, records and suggestions, returned
as plain dataclasses (no Elasticsearch response objects leave this module).

Request bodies come from the ``search.query`` package: ``search.query.syntax`` for the query language,
``search.query.bodies`` for how paging works around Elasticsearch's refusal to combine ``collapse`` with
``search_after``.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from time import perf_counter

from django.db import DatabaseError, transaction
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import gettext_noop
from elasticsearch import ApiError, BadRequestError, TransportError

from search import analysis, citations
from search.documents import union_alias
from search.es import get_client
from search.query.bodies import (
    RESULT_WINDOW,
    build_deep_page,
    build_facets,
    build_library_counts,
    build_page,
    build_record,
    build_work_holdings,
    build_work_summary,
)
from search.query.builder import build_query, build_relaxed_query
from search.query.filters import FACET_COUNTS_WORKS, FACETS, Filters
from search.query.paging import (
    Cursor,
    InvalidCursor,
    SortOrder,
    decode_cursor,
    default_order,
    encode_cursor,
    search_fingerprint,
)
from search.query.suggestions import build_completion, build_did_you_mean
from search.query.syntax import ParsedQuery, parse_query
from search.union_document import Availability, document_id, suggest_form

logger = logging.getLogger(__name__)

FEW_WORKS = 3  # fewer works than this and the page offers "did you mean"
DEEP_BATCH_FACTOR = 3  # holdings fetched per deep-page batch, per work wanted
DEEP_MAX_BATCHES = 5

LANGUAGE_LABELS = {
    "id": _lazy("Indonesia"),
    "ind": _lazy("Indonesia"),
    "ar": _lazy("Arab"),
    "ara": _lazy("Arab"),
    "en": _lazy("Inggris"),
    "eng": _lazy("Inggris"),
    "ms": _lazy("Melayu"),
    "jv": _lazy("Jawa"),
    "su": _lazy("Sunda"),
    "nl": _lazy("Belanda"),
    "fa": _lazy("Persia"),
    "ur": _lazy("Urdu"),
    "tr": _lazy("Turki"),
}

AVAILABILITY_LABELS = {
    Availability.AVAILABLE.value: _lazy("Ada di rak"),
    Availability.NOT_AVAILABLE.value: _lazy("Tidak ada di rak"),
    Availability.UNKNOWN.value: _lazy("Tidak diketahui"),
}


class SearchError(Exception):
    """A search that cannot be answered as asked; the message is for the patron."""


class PageTooDeep(SearchError):
    pass


class SearchUnavailable(SearchError):
    """Elasticsearch did not answer."""


# --- Results -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Holding:
    library_code: str
    library_name: str
    city: str
    province: str
    unit_kind: str
    record_id: int
    call_number: str
    copies_available: int | None  # None where the library's availability is unknown
    copies_total: int
    title: str = ""
    availability_known: bool = True

    @property
    def record_ref(self) -> str:
        return document_id(self.library_code, self.record_id)


@dataclass(frozen=True)
class WorkHit:
    work_key: str
    record_ref: str  # the holding that represents the work (best by the sort)
    title: str
    title_html: SafeString  # title with the query's words in <mark>
    authors: list[str]
    authors_html: list[SafeString]
    year: int | None
    publish_year: str
    publisher: str
    publish_place: str
    edition: str
    isbn: list[str]
    isbn_display: str
    call_number: str
    classification: str
    language: str
    material_type: str
    subjects: list[str]
    series_title: str
    holdings: list[Holding]
    holdings_count: int
    library_count: int
    sort_values: tuple = ()


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class FacetGroup:
    param: str
    values: list[FacetValue]


@dataclass(frozen=True)
class YearFacet:
    minimum: int | None
    maximum: int | None
    decades: list[tuple[int, int]]  # (first year of the decade, count)
    selected_from: int | None
    selected_to: int | None


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    filters: Filters = field(default_factory=Filters)
    order: SortOrder | None = None
    page: int = 1
    per_page: int = 20
    after: str = ""  # a ``setelah`` cursor; when set, ``page`` is not used


@dataclass(frozen=True)
class SearchResult:
    query: str
    order: SortOrder
    hits: list[WorkHit]
    total_works: int
    page: int | None  # None on a page reached with a cursor
    per_page: int
    pages: int  # pages reachable by number (inside the result window)
    next_cursor: str | None
    facets: list[FacetGroup]
    years: YearFacet | None
    did_you_mean: str | None = None
    corrected_from: str | None = None  # the patron's query, when the hits are for ``query`` instead
    relaxed: bool = False  # hits come from the forgiving (fuzzy) query
    warnings: tuple[str, ...] = ()
    took_ms: float = 0.0


# --- Helpers -------------------------------------------------------------------------------------------


def _client():
    return get_client()


_UNAVAILABLE = gettext_noop("Layanan pencarian sedang tidak tersedia; coba lagi sebentar lagi.")
_REFUSED = gettext_noop("Pencarian ini tidak dapat diproses; sederhanakan kata kuncinya.")


@contextmanager
def _elasticsearch_errors() -> Iterator[None]:
    """A refused request is the query's fault (400); anything else means the service is down (503)."""
    try:
        yield
    except BadRequestError as error:
        logger.warning("search refused by Elasticsearch: %s", error)
        raise SearchError(_(_REFUSED)) from error
    except (ApiError, TransportError) as error:
        logger.error("search failed: %s", error)
        raise SearchUnavailable(_(_UNAVAILABLE)) from error


def _search(body: dict) -> dict:
    with _elasticsearch_errors():
        return _client().search(index=union_alias(), body=body).body


def _msearch(bodies: list[dict]) -> list[dict]:
    """Several searches in one round trip (Elasticsearch runs them side by side)."""
    searches: list[dict] = []
    for body in bodies:
        searches += [{}, body]
    with _elasticsearch_errors():
        responses = _client().msearch(index=union_alias(), searches=searches).body["responses"]
    for response in responses:
        if "error" in response:
            logger.warning("search refused by Elasticsearch: %s", response["error"])
            status = int(response.get("status", 500))
            raise (SearchError(_(_REFUSED)) if status < 500 else SearchUnavailable(_(_UNAVAILABLE)))
    return responses


def _highlighted(text: str, terms: frozenset[str]) -> SafeString:
    if not terms:
        return mark_safe(html.escape(text or ""))  # escaped
    parts = []
    for segment, matched in analysis.highlight_segments(text or "", terms):
        parts.append(f"<mark>{html.escape(segment)}</mark>" if matched else html.escape(segment))
    return mark_safe("".join(parts))  # every segment escaped above (as django.utils.html.escape does)


def _holding(source: dict) -> Holding:
    return Holding(
        library_code=source.get("library_code", ""),
        library_name=source.get("library_name", ""),
        city=source.get("library_city", ""),
        province=source.get("province", ""),
        unit_kind=source.get("unit_kind", ""),
        record_id=int(source.get("record_id") or 0),
        call_number=source.get("call_number", "") or "",
        copies_available=_copies_available(source),
        copies_total=int(source.get("copies_total") or 0),
        title=source.get("title", ""),
        availability_known=_availability_known(source),
    )


def _availability_known(source: dict) -> bool:
    # A document indexed before availability was told apart has no flag: its count is not trusted.
    return source.get("availability_known") is True


def _copies_available(source: dict) -> int | None:
    return int(source.get("copies_available") or 0) if _availability_known(source) else None


def _work_hit(
    source: dict,
    *,
    holdings: list[Holding],
    holdings_count: int,
    library_count: int,
    terms: frozenset[str],
    sort_values: tuple = (),
) -> WorkHit:
    authors = list(source.get("authors") or [])
    return WorkHit(
        work_key=source.get("work_key", ""),
        record_ref=document_id(source.get("library_code", ""), int(source.get("record_id") or 0)),
        title=source.get("title", ""),
        title_html=_highlighted(source.get("title", ""), terms),
        authors=authors,
        authors_html=[_highlighted(author, terms) for author in authors],
        year=source.get("year"),
        publish_year=source.get("publish_year", "") or "",
        publisher=source.get("publisher", "") or "",
        publish_place=source.get("publish_place", "") or "",
        edition=source.get("edition", "") or "",
        isbn=list(source.get("isbn") or []),
        isbn_display=source.get("isbn_display", "") or "",
        call_number=source.get("call_number", "") or "",
        classification=source.get("classification", "") or "",
        language=source.get("language", "") or "",
        material_type=source.get("material_type", "") or "",
        subjects=list(source.get("subjects") or []),
        series_title=source.get("series_title", "") or "",
        holdings=holdings,
        holdings_count=holdings_count,
        library_count=library_count,
        sort_values=sort_values,
    )


@lru_cache(maxsize=1)
def _unit_kind_labels() -> dict[str, str]:
    from tenants.models import UnitKind

    return dict(UnitKind.choices)  # lazy labels: translated when shown


def _facet_label(param: str, value: str, bucket: dict) -> str:
    if param == "perpustakaan":
        labels = bucket.get("label", {}).get("buckets") or []
        return labels[0]["key"] if labels else value
    if param == "jenis":
        return str(_unit_kind_labels().get(value, value))
    if param == "bahasa":
        return LANGUAGE_LABELS.get(value.lower(), value)
    if param == "ketersediaan":
        return AVAILABILITY_LABELS.get(value, value)
    return value


def _bucket_count(bucket: dict) -> int:
    if FACET_COUNTS_WORKS and "works" in bucket:
        return int(bucket["works"]["value"])
    return int(bucket["doc_count"])


def _facets(aggregations: dict, filters: Filters) -> tuple[list[FacetGroup], YearFacet | None]:
    groups = []
    for facet in FACETS:
        aggregation = aggregations.get(f"facet_{facet.param}", {})
        selected = set(filters.selected(facet.param))
        buckets = list(aggregation.get("values", {}).get("buckets", []))
        seen = {str(bucket["key"]) for bucket in buckets}
        buckets += [
            b for b in aggregation.get("selected", {}).get("buckets", []) if str(b["key"]) not in seen
        ]
        values = [
            FacetValue(
                value=str(bucket["key"]),
                label=_facet_label(facet.param, str(bucket["key"]), bucket),
                count=_bucket_count(bucket),
                selected=str(bucket["key"]) in selected,
            )
            for bucket in buckets
        ]
        present = {value.value for value in values}
        values += [FacetValue(value, value, 0, True) for value in sorted(selected - present)]
        groups.append(FacetGroup(facet.param, values))
    year_aggregation = aggregations.get("facet_tahun")
    years = None
    if year_aggregation is not None:
        stats = year_aggregation.get("stats", {})
        decades = [
            (int(bucket["key"]), int(bucket["doc_count"]))
            for bucket in year_aggregation.get("histogram", {}).get("buckets", [])
        ]
        years = YearFacet(
            minimum=int(stats["min"]) if stats.get("min") is not None else None,
            maximum=int(stats["max"]) if stats.get("max") is not None else None,
            decades=decades,
            selected_from=filters.year_from,
            selected_to=filters.year_to,
        )
    return groups, years


def _total_works(aggregations: dict) -> int:
    return int(aggregations.get("works", {}).get("count", {}).get("value", 0))


# --- Search --------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    """The query actually run: the patron's, or a corrected or relaxed one when that found nothing."""

    parsed: ParsedQuery
    query: object  # an elasticsearch.dsl Query
    mode: str = "s"  # s strict, c corrected, r relaxed
    corrected_text: str = ""


def _library_counts(plan: _Plan, filters: Filters, work_keys: list[str]) -> dict[str, int]:
    if not work_keys:
        return {}
    body = build_library_counts(work_keys, filters, plan.parsed, query=plan.query)
    response = _search(body)
    return {
        bucket["key"]: int(bucket["libraries"]["value"])
        for bucket in response.get("aggregations", {}).get("works", {}).get("buckets", [])
    }


def _collapsed_page(plan: _Plan, filters: Filters, order: SortOrder, *, offset: int, size: int):
    page = build_page(plan.parsed, filters, order, offset=offset, size=size, facets=False, query=plan.query)
    response, facets = _msearch([page, build_facets(plan.parsed, filters, query=plan.query)])
    terms = plan.parsed.highlight_terms
    raw_hits = response["hits"]["hits"]
    pending: list[str] = []
    prepared = []
    for raw in raw_hits:
        inner = raw.get("inner_hits", {}).get("holdings", {}).get("hits", {})
        holdings = [_holding(hit["_source"]) for hit in inner.get("hits", [])]
        holdings_count = int(inner.get("total", {}).get("value", len(holdings)))
        if holdings_count > len(holdings):
            pending.append(raw["_source"]["work_key"])
        prepared.append((raw, holdings, holdings_count))
    counted = _library_counts(plan, filters, pending)
    hits = []
    for raw, holdings, holdings_count in prepared:
        work_key = raw["_source"]["work_key"]
        library_count = counted.get(work_key, len({holding.library_code for holding in holdings}))
        hits.append(
            _work_hit(
                raw["_source"],
                holdings=holdings,
                holdings_count=holdings_count,
                library_count=library_count,
                terms=terms,
                sort_values=tuple(raw.get("sort", ())),
            )
        )
    return hits, facets.get("aggregations", {})


def _deep_page(plan: _Plan, filters: Filters, order: SortOrder, *, after: tuple, size: int):
    """Works after the cursor: ``search_after`` over holdings, keeping each work's head holding."""
    terms = plan.parsed.highlight_terms
    hits: list[WorkHit] = []
    aggregations: dict = {}
    last = after
    exhausted = False
    batch = size * DEEP_BATCH_FACTOR
    for number in range(DEEP_MAX_BATCHES):
        body = build_deep_page(plan.parsed, filters, order, after=last, batch=batch, query=plan.query)
        if number == 0:
            response, facets = _msearch([body, build_facets(plan.parsed, filters, query=plan.query)])
            aggregations = facets.get("aggregations", {})
        else:
            response = _search(body)
        documents = response["hits"]["hits"]
        if not documents:
            exhausted = True
            break
        work_keys = list(dict.fromkeys(document["_source"]["work_key"] for document in documents))
        summary_body = build_work_summary(plan.parsed, filters, order, work_keys=work_keys, query=plan.query)
        summary = {
            bucket["key"]: bucket
            for bucket in _search(summary_body).get("aggregations", {}).get("works", {}).get("buckets", [])
        }
        examined = 0
        for document in documents:
            examined += 1
            last = tuple(document["sort"])
            bucket = summary.get(document["_source"]["work_key"])
            if bucket is None:
                continue
            head = bucket["head"]["hits"]["hits"][0]
            if head["_id"] != document["_id"]:
                continue  # the work was shown earlier, with a better-sorted holding
            holdings = [_holding(hit["_source"]) for hit in bucket["holdings"]["hits"]["hits"]]
            hits.append(
                _work_hit(
                    head["_source"],
                    holdings=holdings,
                    holdings_count=int(bucket["doc_count"]),
                    library_count=int(bucket["libraries"]["value"]),
                    terms=terms,
                    sort_values=tuple(document["sort"]),
                )
            )
            if len(hits) >= size:
                break
        if len(hits) >= size:
            exhausted = examined == len(documents) and len(documents) < batch
            break
        if len(documents) < batch:
            exhausted = True
            break
    return hits, aggregations, (None if exhausted else last)


def _did_you_mean(parsed: ParsedQuery) -> str | None:
    body = build_did_you_mean(parsed)
    if body is None:
        return None
    try:
        response = _search(body)
    except SearchError:
        return None
    original = analysis.normalize_for_query(parsed.positive_text)
    for option in response.get("suggest", {}).get("spelling", [{}])[0].get("options", []):
        text = option.get("text", "").strip()
        if text and analysis.normalize_for_query(text) != original:  # not just another spelling
            return text
    return None


def search_works(request: SearchRequest) -> SearchResult:
    """Run a search. Raises ``InvalidCursor`` or ``PageTooDeep`` (a 400) and ``SearchUnavailable``."""
    started = perf_counter()
    parsed = parse_query(request.text)
    order = request.order or default_order(parsed)
    filters = request.filters
    size = max(1, min(request.per_page, 100))
    fingerprint = search_fingerprint(parsed, filters, order)
    plan = _Plan(parsed, build_query(parsed))

    if request.after:
        cursor = decode_cursor(request.after)
        if cursor.fingerprint != fingerprint or cursor.order != order:
            raise InvalidCursor(
                _("Token halaman (setelah) milik pencarian lain; mulailah dari halaman pertama.")
            )
        plan = _plan_for_mode(parsed, cursor)
        hits, aggregations, last = _deep_page(plan, filters, order, after=cursor.after, size=size)
        page = None
    else:
        offset = (request.page - 1) * size
        if request.page < 1 or offset + size > RESULT_WINDOW:
            raise PageTooDeep(
                _(
                    "Halaman %(page)s terlalu jauh: nomor halaman hanya sampai %(last)s. Persempit pencarian "
                    "atau lanjutkan dengan token 'setelah' dari halaman sebelumnya."
                )
                % {"page": request.page, "last": RESULT_WINDOW // size}
            )
        hits, aggregations = _collapsed_page(plan, filters, order, offset=offset, size=size)
        page = request.page
        last = None

    total = _total_works(aggregations)
    did_you_mean = None
    if not request.after and request.page == 1 and parsed.has_free_text and total < FEW_WORKS:
        did_you_mean = _did_you_mean(parsed)
        if total == 0:
            for fallback in _fallback_plans(parsed, did_you_mean):
                fallback_hits, fallback_aggregations = _collapsed_page(
                    fallback, filters, order, offset=0, size=size
                )
                if fallback_hits:
                    plan, hits, aggregations = fallback, fallback_hits, fallback_aggregations
                    total = _total_works(aggregations)
                    break

    if page is not None and hits and page * size < total:
        last = hits[-1].sort_values
    next_cursor = None
    if last:
        next_cursor = encode_cursor(
            Cursor(order, tuple(last), fingerprint, mode=plan.mode, corrected=plan.corrected_text)
        )
    facets, years = _facets(aggregations, filters)
    return SearchResult(
        query=plan.corrected_text if plan.mode == "c" else parsed.text,
        order=order,
        hits=hits,
        total_works=total,
        page=page,
        per_page=size,
        pages=min(-(-total // size), RESULT_WINDOW // size) if total else 0,
        next_cursor=next_cursor,
        facets=facets,
        years=years,
        did_you_mean=did_you_mean if plan.mode == "s" else None,
        corrected_from=parsed.text if plan.mode != "s" else None,
        relaxed=plan.mode == "r",
        warnings=parsed.warnings,
        took_ms=round((perf_counter() - started) * 1000, 1),
    )


def _fallback_plans(parsed: ParsedQuery, did_you_mean: str | None) -> list[_Plan]:
    """When nothing matched: the "did you mean" query if there is one, then the forgiving one."""
    plans = []
    if did_you_mean:
        corrected = parse_query(did_you_mean)
        plans.append(_Plan(corrected, build_query(corrected), mode="c", corrected_text=corrected.text))
    relaxed = build_relaxed_query(parsed)
    if relaxed is not None:
        plans.append(_Plan(parsed, relaxed, mode="r"))
    return plans


def _plan_for_mode(parsed: ParsedQuery, cursor: Cursor) -> _Plan:
    if cursor.mode == "c" and cursor.corrected:
        corrected = parse_query(cursor.corrected)
        return _Plan(corrected, build_query(corrected), mode="c", corrected_text=corrected.text)
    if cursor.mode == "r":
        relaxed = build_relaxed_query(parsed)
        if relaxed is not None:
            return _Plan(parsed, relaxed, mode="r")
    return _Plan(parsed, build_query(parsed))


# --- Works and records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkDetail:
    work_key: str
    head: WorkHit  # the fullest holding, for the title block and citations
    holdings: list[Holding]
    records: list[dict]  # the indexed source of every holding (citations per record)

    @property
    def library_count(self) -> int:
        return len({holding.library_code for holding in self.holdings})

    @property
    def copies_available(self) -> int:
        """Copies on the shelf, among the holdings whose availability is known."""
        return sum(holding.copies_available or 0 for holding in self.holdings if holding.availability_known)

    @property
    def copies_total(self) -> int:
        return sum(holding.copies_total for holding in self.holdings)

    @property
    def copies_known(self) -> int:
        """Copies of the holdings whose availability is known."""
        return sum(holding.copies_total for holding in self.holdings if holding.availability_known)

    @property
    def copies_unknown(self) -> int:
        """Copies of the holdings whose availability is unknown (the library reports no loans)."""
        return self.copies_total - self.copies_known

    @property
    def libraries_known(self) -> int:
        return len({holding.library_code for holding in self.holdings if holding.availability_known})

    @property
    def libraries_unknown(self) -> int:
        return len({holding.library_code for holding in self.holdings if not holding.availability_known})


def _completeness(source: dict) -> tuple:
    """Which holding describes a work best: most fields filled, then most copies, then library code."""
    filled = sum(
        1
        for name in ("authors", "publisher", "publish_year", "isbn", "subjects", "call_number")
        if source.get(name)
    )
    return (
        -filled,
        -(source.get("copies_total") or 0),
        source.get("library_code", ""),
        source.get("record_id", 0),
    )


def work_detail(work_key: str) -> WorkDetail | None:
    """Every holding of one work, or None when no library holds it."""
    if not work_key or len(work_key) > 200:
        return None
    response = _search(build_work_holdings(work_key))
    sources = [hit["_source"] for hit in response["hits"]["hits"]]
    if not sources:
        return None
    best = min(sources, key=_completeness)
    holdings = [_holding(source) for source in sources]
    head = _work_hit(
        best,
        holdings=holdings,
        holdings_count=len(holdings),
        library_count=len({holding.library_code for holding in holdings}),
        terms=frozenset(),
    )
    return WorkDetail(work_key=work_key, head=head, holdings=holdings, records=sources)


@dataclass(frozen=True)
class RecordDetail:
    record_ref: str
    source: dict  # the indexed fields
    copies_available: int | None  # None where availability is unknown
    copies_total: int
    availability_is_live: bool  # read from the library's own schema just now (else: as last indexed)
    availability_known: bool = True

    @property
    def work_key(self) -> str:
        return self.source.get("work_key", "")


@dataclass(frozen=True)
class _LiveAvailability:
    copies_available: int | None
    copies_total: int
    known: bool


def _live_availability(library_code: str, record_id: int) -> _LiveAvailability | None:
    """Copies from the library's schema — how many, and how many on the shelf where the library's
    availability is known — or None when the library or record is not there (e.g. a library known to the
    index only) or its schema cannot be read."""
    from django_tenants.utils import tenant_context

    from catalog.models import Record
    from catalog.selectors import availability_for, availability_is_known
    from tenants.models import Library

    library = Library.objects.filter(code=library_code, active=True).first()
    if library is None:
        return None
    known = availability_is_known(library)
    try:
        with transaction.atomic(), tenant_context(library):
            record = Record.objects.filter(pk=record_id, opac_hide=False).first()
            if record is None:
                return None
            available, total = availability_for(record)
    except DatabaseError:
        logger.warning("live availability of %s:%s could not be read", library_code, record_id, exc_info=True)
        return None
    return _LiveAvailability(available if known else None, total, known)


def record_detail(library_code: str, record_id: int, *, live: bool = True) -> RecordDetail | None:
    """One holding from the index, with its copies read live from the library's schema when it can."""
    response = _search(build_record(library_code, record_id))
    hits = response["hits"]["hits"]
    if not hits:
        return None
    source = hits[0]["_source"]
    live_copies = _live_availability(library_code, record_id) if live else None
    if live_copies is not None:
        available, total, known = live_copies.copies_available, live_copies.copies_total, live_copies.known
    else:
        available, total = _copies_available(source), int(source.get("copies_total") or 0)
        known = _availability_known(source)
    return RecordDetail(
        record_ref=document_id(library_code, record_id),
        source=source,
        copies_available=available,
        copies_total=total,
        availability_is_live=live_copies is not None,
        availability_known=known,
    )


def records_by_ref(refs: list[tuple[str, int]]) -> list[dict]:
    """Indexed sources of several holdings (a citation selection) in the order asked; unknown skipped."""
    if not refs:
        return []
    ids = [document_id(code, record_id) for code, record_id in refs]
    body = {"query": {"ids": {"values": ids}}, "size": len(ids), "_source": list(citations.CITED_FIELDS)}
    found = {hit["_id"]: hit["_source"] for hit in _search(body)["hits"]["hits"]}
    return [found[doc_id] for doc_id in ids if doc_id in found]


# --- Suggestions ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    text: str  # what goes into the search box
    kind: str  # "judul" or "pengarang"
    work_key: str


def suggest_completions(text: str, *, size: int = 8) -> list[Suggestion]:
    """Autocomplete for titles and authors (completion suggester on ``suggest``)."""
    body = build_completion(text, size=size)
    if body is None:
        return []
    response = _search(body)
    suggestions: list[Suggestion] = []
    seen: set[tuple[str, str]] = set()
    for entries in response.get("suggest", {}).values():
        for option in entries[0].get("options", []) if entries else []:
            matched = option.get("text", "")
            source = option.get("_source", {})
            suggestion = _suggestion(matched, source)
            # One suggestion per author name, and one title per work (libraries spell titles differently).
            key = (
                suggestion.kind,
                suggestion.text.casefold() if suggestion.kind == "pengarang" else suggestion.work_key,
            )
            if key not in seen:
                seen.add(key)
                suggestions.append(suggestion)
    return suggestions[:size]


def _suggestion(matched: str, source: dict) -> Suggestion:
    for author in source.get("authors") or []:
        forms = [suggest_form(analysis.fold_diacritics(author)), suggest_form(analysis.fold_only(author))]
        if any(form == matched or form.endswith(" " + matched) for form in forms):
            return Suggestion(author, "pengarang", source.get("work_key", ""))
    return Suggestion(source.get("title", matched), "judul", source.get("work_key", ""))
