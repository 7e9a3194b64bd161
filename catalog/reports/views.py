"""The reports page and its XLSX (staff and supervisors of the library: reading, no names)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views import View

from catalog.reports import selectors
from catalog.reports.xlsx import report_workbook
from portal.accounts.permissions import LibraryInternalsRequiredMixin, current_library


def _year(request: HttpRequest) -> int:
    value = request.GET.get("tahun", "")
    return int(value) if value.isdigit() and 1900 <= int(value) <= 2100 else date.today().year


def _figures(year: int) -> dict:
    months = [formats.date_format(date(year, month, 1), "M") for month in range(1, 13)]
    return {
        "groups": {
            _("Kelas DDC"): selectors.by_ddc_class(),
            _("Bahasa"): selectors.by_language(),
            _("Jenis bahan"): selectors.by_material_type(),
            _("Tahun terbit"): selectors.by_publication_year(),
        },
        "months": months,
        "acquisitions": selectors.acquisitions_per_month(year),
        "loans": selectors.loans_per_month(year),
    }


class ReportsView(LibraryInternalsRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        year = _year(request)
        figures = _figures(year)
        groups = figures["groups"]
        chart_data = {
            "labels": {
                "titles": _("Judul"),
                "copies": _("Eksemplar"),
                "loans": _("Peminjaman"),
                "returns": _("Pengembalian"),
                "acquisitions": _("Eksemplar diadakan"),
            },
            "groups": [
                {
                    "id": f"chart-group-{index}",
                    "labels": [row.label for row in rows],
                    "titles": [row.titles for row in rows],
                    "copies": [row.copies for row in rows],
                }
                for index, rows in enumerate(groups.values())
            ],
            "months": figures["months"],
            "acquisitions": figures["acquisitions"],
            "loans": figures["loans"]["loans"],
            "returns": figures["loans"]["returns"],
        }
        monthly = [
            (month, figures["acquisitions"][i], figures["loans"]["loans"][i], figures["loans"]["returns"][i])
            for i, month in enumerate(figures["months"])
        ]
        context = {
            "library": current_library(request),
            "staff_section": "laporan",
            "year": year,
            "years": selectors.report_years(),
            "groups": [
                (f"chart-group-{index}", title, rows) for index, (title, rows) in enumerate(groups.items())
            ],
            "monthly": monthly,
            "totals": {
                "acquisitions": sum(figures["acquisitions"]),
                "loans": sum(figures["loans"]["loans"]),
                "returns": sum(figures["loans"]["returns"]),
            },
            "chart_data": chart_data,
        }
        return render(request, "reports/reports.html", context)


class ReportsXlsxView(LibraryInternalsRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        library = current_library(request)
        year = _year(request)
        figures = _figures(year)
        content = report_workbook(library_name=library.name, year=year, **figures)
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="laporan-{library.code}-{year}.xlsx"'
        return response
