"""Public pages of the union catalogue: results (``/cari/``) and the permanent page of a work
(``/karya/<work_key>/``). Thin: ``search.params`` validates (as for the API), the selectors search."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from search import citations, selectors
from search.params import SearchParamsSerializer, serializer_error_message
from search.query.filters import FACETS
from search.query.paging import InvalidCursor, SortOrder

FACET_TITLES = {
    "perpustakaan": _lazy("Perpustakaan"),
    "provinsi": _lazy("Provinsi"),
    "jenis": _lazy("Jenis satker"),
    "bahan": _lazy("Jenis bahan"),
    "bahasa": _lazy("Bahasa"),
    "subjek": _lazy("Subjek"),
    "ketersediaan": _lazy("Ketersediaan"),
}
SORT_LABELS = {
    SortOrder.RELEVANCE: _lazy("Paling relevan"),
    SortOrder.YEAR: _lazy("Tahun terbit (terbaru)"),
    SortOrder.YEAR_OLDEST: _lazy("Tahun terbit (terlama)"),
    SortOrder.TITLE: _lazy("Judul (A–Z)"),
    SortOrder.NEWEST: _lazy("Baru ditambahkan"),
}
CITATION_LABELS = {"ris": "RIS", "bibtex": "BibTeX", "csl-json": "CSL-JSON"}
FACETS_SHOWN = 8  # values shown before "lainnya"


def _facet_groups(result: selectors.SearchResult) -> list[dict]:
    groups = []
    for group in result.facets:
        if not group.values:
            continue
        values = sorted(group.values, key=lambda value: (not value.selected, -value.count, value.label))
        groups.append(
            {
                "param": group.param,
                "title": FACET_TITLES[group.param],
                "shown": values[:FACETS_SHOWN] + [v for v in values[FACETS_SHOWN:] if v.selected],
                "more": [v for v in values[FACETS_SHOWN:] if not v.selected],
                "open": any(value.selected for value in values),
            }
        )
    return groups


def _decade_bars(years: selectors.YearFacet | None) -> list[dict]:
    if years is None or not years.decades:
        return []
    highest = max(count for _start, count in years.decades) or 1
    return [
        {"start": start, "end": start + 9, "count": count, "percent": max(4, round(count * 100 / highest))}
        for start, count in years.decades
    ]


def search_page(request: HttpRequest) -> HttpResponse:
    params = SearchParamsSerializer(data=request.GET)
    context = {
        "query": request.GET.get("q", "")[:500],
        "sort_options": [(order.value, label) for order, label in SORT_LABELS.items()],
        "facet_params": [facet.param for facet in FACETS],
        "citation_formats": list(citations.FORMATS),
    }
    if not params.is_valid():
        context["error"] = serializer_error_message(params)
        return render(request, "search/results.html", context, status=400)
    search_request = params.to_request()
    try:
        result = selectors.search_works(search_request)
    except (InvalidCursor, selectors.PageTooDeep) as error:
        context["error"] = str(error)
        return render(request, "search/results.html", context, status=400)
    except selectors.SearchUnavailable as error:
        context["error"] = str(error)
        return render(request, "search/results.html", context, status=503)
    except selectors.SearchError as error:
        context["error"] = str(error)
        return render(request, "search/results.html", context, status=400)
    page = result.page or 1
    context.update(
        {
            "result": result,
            "order": result.order.value,
            "facet_groups": _facet_groups(result),
            "decades": _decade_bars(result.years),
            "filters": search_request.filters,
            "has_filters": not search_request.filters.is_empty,
            "previous_page": page - 1 if result.page and page > 1 else None,
            "next_page": page + 1 if result.page and page < result.pages else None,
            "first_hit": (page - 1) * result.per_page + 1 if result.page else None,
        }
    )
    return render(request, "search/results.html", context)


def _cite_links(record_ref: str) -> list[tuple[str, str]]:
    library_code, record_id = record_ref.rsplit(":", 1)
    url = reverse("search:api-record-cite", args=[library_code, int(record_id)])
    return [(label, f"{url}?format={name}") for name, label in CITATION_LABELS.items()]


def work_page(request: HttpRequest, work_key: str) -> HttpResponse:
    try:
        work = selectors.work_detail(work_key)
    except selectors.SearchUnavailable as error:
        return render(request, "search/work.html", {"error": str(error)}, status=503)
    except selectors.SearchError as error:
        raise Http404(str(error)) from error
    if work is None:
        raise Http404(_("Karya ini tidak ditemukan di perpustakaan mana pun."))
    holdings = sorted(
        work.holdings, key=lambda holding: (holding.province, holding.city, holding.library_name)
    )
    context = {
        "work": work,
        "head": work.head,
        "holdings": holdings,
        "cite_links": _cite_links(work.head.record_ref),
        "language_label": selectors.LANGUAGE_LABELS.get(work.head.language.lower(), work.head.language),
        "permalink": request.build_absolute_uri(request.path),
    }
    return render(request, "search/work.html", context)
