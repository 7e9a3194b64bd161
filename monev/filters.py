"""Dashboard filters read from a request's query string, shared by the HTML views and the API."""

from __future__ import annotations

from django.http import HttpRequest

from monev import selectors
from monev.models import Instrument
from monev.selectors import ScoreFilters
from tenants.models import UnitKind


def int_or(value, default: int | None = None) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def filters_from(request: HttpRequest, years: list[int] | None = None) -> ScoreFilters:
    """Dashboard filters from the query string; unknown values are ignored rather than failing."""
    years = selectors.years_with_scores() if years is None else years
    year = int_or(request.GET.get("tahun"))
    if year is None or (years and year not in years):
        year = years[0] if years else 2024
    kind = request.GET.get("jenis", "")
    if kind not in UnitKind.values:
        kind = ""
    province = request.GET.get("provinsi", "")[:100]
    instrument = request.GET.get("instrumen", "")
    if instrument and not Instrument.objects.filter(code=instrument).exists():
        instrument = ""
    return ScoreFilters(year=year, kind=kind, province=province, instrument=instrument)
