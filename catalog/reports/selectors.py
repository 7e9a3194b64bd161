"""Report figures, read in the library's schema with aggregate queries only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Func, Value
from django.db.models.functions import Coalesce, ExtractMonth, TruncDate
from django.utils.translation import gettext_lazy as _

from catalog.models import Item, Loan, Record

DDC_CLASSES = {
    "0": _("000 Karya umum"),
    "1": _("100 Filsafat dan psikologi"),
    "2": _("200 Agama"),
    "3": _("300 Ilmu sosial"),
    "4": _("400 Bahasa"),
    "5": _("500 Sains dan matematika"),
    "6": _("600 Teknologi"),
    "7": _("700 Kesenian dan rekreasi"),
    "8": _("800 Kesusastraan"),
    "9": _("900 Sejarah dan geografi"),
}
UNKNOWN = "?"
YEAR_PATTERN = r"(1[5-9][0-9][0-9]|20[0-9][0-9])"  # a Gregorian year in "2019", "1440 H/2019", "[2019?]"


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    titles: int
    copies: int


def _regex_substring(field: str, pattern: str) -> Func:
    return Func(F(field), Value(pattern), function="substring")


def _grouped(record_expression, item_expression, labels=None) -> list[Row]:
    titles = dict(
        Record.objects.annotate(key=record_expression)
        .values("key")
        .annotate(n=Count("id"))
        .values_list("key", "n")
    )
    copies = dict(
        Item.objects.annotate(key=item_expression)
        .values("key")
        .annotate(n=Count("id"))
        .values_list("key", "n")
    )
    keys = sorted(set(titles) | set(copies), key=lambda key: (key in (None, ""), str(key or "")))
    rows = []
    for key in keys:
        name = key if key not in (None, "") else UNKNOWN
        label = (labels or {}).get(name, name if name != UNKNOWN else _("tidak diisi"))
        rows.append(Row(str(name), str(label), titles.get(key, 0), copies.get(key, 0)))
    return rows


def by_ddc_class() -> list[Row]:
    """Titles and copies per DDC hundred (first digit of the classification; ``2X`` — the Ministry's
    notation for Islam — is 200s)."""
    rows = _grouped(
        _regex_substring("classification", r"^\s*([0-9])"),
        _regex_substring("record__classification", r"^\s*([0-9])"),
        DDC_CLASSES,
    )
    return rows


def by_language() -> list[Row]:
    return _grouped(F("language"), F("record__language"))


def by_material_type() -> list[Row]:
    return _grouped(F("material_type"), F("record__material_type"))


def by_publication_year() -> list[Row]:
    rows = _grouped(
        _regex_substring("publish_year", YEAR_PATTERN), _regex_substring("record__publish_year", YEAR_PATTERN)
    )
    return sorted(rows, key=lambda row: (row.key == UNKNOWN, row.key), reverse=False)


def acquisitions_per_month(year: int) -> list[int]:
    """Copies acquired in each month of ``year`` (acquisition date; the day it was entered when none)."""
    acquired = Coalesce(F("acquired_on"), TruncDate("created_at"))
    counts = dict(
        Item.objects.annotate(day=acquired)
        .filter(day__gte=date(year, 1, 1), day__lte=date(year, 12, 31))
        .annotate(month=ExtractMonth("day"))
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    return [counts.get(month, 0) for month in range(1, 13)]


def loans_per_month(year: int) -> dict[str, list[int]]:
    """Loans made and copies returned in each month of ``year``: counts only."""
    made = dict(
        Loan.objects.filter(loan_date__year=year)
        .annotate(month=ExtractMonth("loan_date"))
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    returned = dict(
        Loan.objects.filter(is_return=True, return_date__year=year)
        .annotate(month=ExtractMonth("return_date"))
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    return {
        "loans": [made.get(month, 0) for month in range(1, 13)],
        "returns": [returned.get(month, 0) for month in range(1, 13)],
    }


def report_years() -> list[int]:
    """Years that have acquisitions or loans, newest first (always this year)."""
    years = {date.today().year}
    years.update(Loan.objects.dates("loan_date", "year").values_list("loan_date__year", flat=True))
    years.update(item.year for item in Item.objects.exclude(acquired_on=None).dates("acquired_on", "year"))
    years.update(item.year for item in Item.objects.dates("created_at", "year"))
    return sorted(years, reverse=True)
