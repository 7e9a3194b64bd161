"""Facet selections and the facet aggregations.

The selections are a ``post_filter``; each facet's aggregation is filtered by the *other* facets'
selections, so a selected facet keeps the counts of its other values (multi-select, ORed within a facet,
ANDed across facets). Counts are holdings; the number of works is a cardinality of ``work_key`` under every
selection. They travel as a ``size: 0`` request of their own (``search.query.bodies.build_facets``) beside
the page in one ``_msearch``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from elasticsearch.dsl import A, Q
from elasticsearch.dsl.query import Query

from search.query.builder import year_range_query
from search.query.syntax import YearRange


@dataclass(frozen=True)
class Facet:
    param: str  # the URL parameter
    field: str  # the keyword field
    size: int


FACETS = (
    Facet("perpustakaan", "library_code", 50),
    Facet("provinsi", "province", 40),
    Facet("jenis", "unit_kind", 10),
    Facet("bahan", "material_type", 15),
    Facet("bahasa", "language", 15),
    Facet("subjek", "subjects", 25),
    Facet("ketersediaan", "availability", 3),  # values: search.union_document.Availability
)
FACET_BY_PARAM = {facet.param: facet for facet in FACETS}
YEAR_HISTOGRAM_INTERVAL = 10
# Facet counts are holdings (records), as in VuFind; the result count is works. Counting works per facet
# value (a cardinality per bucket) doubled the aggregation cost (measured with bench/search.py: 22 -> 12 ms
# at 100k records for a query matching 17k), and it is the aggregations that dominate a search's cost.
FACET_COUNTS_WORKS = False


@dataclass(frozen=True)
class Filters:
    """Facet selections: values within a facet are ORed, facets are ANDed."""

    values: dict[str, tuple[str, ...]] = field(default_factory=dict)  # facet param -> selected values
    year_from: int | None = None
    year_to: int | None = None

    def selected(self, param: str) -> tuple[str, ...]:
        return self.values.get(param, ())

    @property
    def is_empty(self) -> bool:
        return not any(self.values.values()) and self.year_from is None and self.year_to is None

    def clauses(self, *, except_param: str | None = None) -> list[Query]:
        clauses = [
            Q("terms", **{FACET_BY_PARAM[param].field: list(values)})
            for param, values in sorted(self.values.items())
            if values and param != except_param and param in FACET_BY_PARAM
        ]
        if except_param != "tahun" and (self.year_from is not None or self.year_to is not None):
            clauses.append(year_range_query(YearRange(self.year_from, self.year_to)))
        return clauses

    def fingerprint_parts(self) -> list:
        values = {param: sorted(values) for param, values in sorted(self.values.items()) if values}
        return [values, self.year_from, self.year_to]


def filtered(clauses: list[Query]) -> Query:
    return Q("bool", filter=clauses) if clauses else Q("match_all")


def facet_aggregations(filters: Filters) -> dict:
    """Aggregations for every facet, each filtered by the other facets' selections (multi-select), the
    year histogram and bounds, and the number of works matching everything selected. Built once per
    distinct selection (most searches have none); callers must not modify the returned dict."""
    selection = tuple(sorted((param, tuple(values)) for param, values in filters.values.items() if values))
    return _facet_aggregations(selection, filters.year_from, filters.year_to)


@lru_cache(maxsize=256)
def _facet_aggregations(selection: tuple, year_from: int | None, year_to: int | None) -> dict:
    filters = Filters(dict(selection), year_from, year_to)
    aggregations = {}
    for facet in FACETS:
        bucket = A("filter", filtered(filters.clauses(except_param=facet.param)))
        values = A("terms", field=facet.field, size=facet.size)
        if FACET_COUNTS_WORKS:
            values.metric("works", "cardinality", field="work_key")
        if facet.param == "perpustakaan":
            values.bucket("label", "terms", field="library_name", size=1)
        bucket.bucket("values", values)
        selected = filters.selected(facet.param)
        if selected:  # selected values always come back, even outside the top buckets
            chosen = A("terms", field=facet.field, include=list(selected), size=len(selected))
            if FACET_COUNTS_WORKS:
                chosen.metric("works", "cardinality", field="work_key")
            if facet.param == "perpustakaan":
                chosen.bucket("label", "terms", field="library_name", size=1)
            bucket.bucket("selected", chosen)
        aggregations[f"facet_{facet.param}"] = bucket.to_dict()
    years = A("filter", filtered(filters.clauses(except_param="tahun")))
    years.bucket("histogram", "histogram", field="year", interval=YEAR_HISTOGRAM_INTERVAL, min_doc_count=1)
    years.metric("stats", "stats", field="year")
    aggregations["facet_tahun"] = years.to_dict()
    works = A("filter", filtered(filters.clauses()))
    works.metric("count", "cardinality", field="work_key", precision_threshold=10_000)
    aggregations["works"] = works.to_dict()
    return aggregations
