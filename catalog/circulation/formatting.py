"""Money and dates as a librarian reads them: "Rp12.500" and "31 Desember 2026" in Indonesian."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.formats import date_format, number_format


def rupiah(amount: Decimal | int | None) -> str:
    """Whole rupiah with the active language's grouping (Indonesian: a dot), e.g. "Rp12.500"."""
    value = Decimal(amount or 0).quantize(Decimal("1"))
    return f"Rp{number_format(value, 0, force_grouping=True)}"


def long_date(day: date | None) -> str:
    return date_format(day, "j F Y") if day else "–"
