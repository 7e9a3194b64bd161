"""The reports as one XLSX workbook (openpyxl): a sheet per table, numbers as numbers."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from catalog.reports.selectors import Row


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list]) -> None:
    sheet = workbook.create_sheet(title[:31])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.column_dimensions["A"].width = 34


def report_workbook(
    *,
    library_name: str,
    year: int,
    groups: dict[str, list[Row]],
    months: list[str],
    acquisitions: list[int],
    loans: dict[str, list[int]],
) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in groups.items():
        _sheet(
            workbook,
            title,
            [title, _("Judul"), _("Eksemplar")],
            [[r.label, r.titles, r.copies] for r in rows],
        )
    _sheet(
        workbook,
        _("Per bulan %(year)s") % {"year": year},
        [_("Bulan"), _("Eksemplar diadakan"), _("Peminjaman"), _("Pengembalian")],
        [
            [month, acquisitions[index], loans["loans"][index], loans["returns"][index]]
            for index, month in enumerate(months)
        ],
    )
    workbook.properties.title = f"{_('Laporan')} {library_name}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
