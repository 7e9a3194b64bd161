"""Exports: the ranking as XLSX, CSV and PDF; one assessment as XLSX; a unit's report card as PDF.

Numbers go out rounded *down* to two places, like on the pages (a spreadsheet that rounds 59.9999 to 60.00
would show a grade the unit did not reach). CSV uses a dot as decimal separator and starts with a UTF-8
byte order mark so spreadsheet programs read the Indonesian names correctly.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from monev.formatting import grade_text, plan_summary, score_text, todo_text
from monev.scoring import round_for_display

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
PDF_TYPE = "application/pdf"
_HEADER_FILL = PatternFill("solid", fgColor="DDEBE8")
_ACCENT = colors.HexColor("#0f6b5c")


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _number(value) -> float | None:
    return None if value is None else float(round_for_display(value, 2))


def _ranking_header() -> list[str]:
    return [
        _("Peringkat"),
        _("Kode"),
        _("Perpustakaan"),
        _("Jenis"),
        _("Provinsi"),
        _("Instrumen"),
        _("Nilai"),
        _("Predikat"),
        _("Nilai tahun lalu"),
        _("Perubahan"),
        _("Sumber"),
    ]


def _ranking_values(row) -> list:
    change = row.change
    return [
        row.rank,
        row.library_code,
        row.library_name,
        row.kind_label,
        row.province,
        row.instrument_code,
        _number(row.total),
        row.grade,
        _number(row.previous_total),
        None if change is None else float(Decimal(change).quantize(Decimal("0.01"))),
        row.historic_source or _("penilaian terverifikasi"),
    ]


def _autosize(sheet) -> None:
    for index, column in enumerate(sheet.columns, 1):
        width = max((len(str(cell.value)) for cell in column if cell.value is not None), default=8)
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, width + 2))


def _header(sheet, names: list[str]) -> None:
    sheet.append(names)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    sheet.freeze_panes = f"A{sheet.max_row + 1}"


def _xlsx_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ranking_xlsx(rows, filters) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Peringkat %(year)s") % {"year": filters.year}
    _header(sheet, _ranking_header())
    for row in rows:
        sheet.append(_ranking_values(row))
    for cells in sheet.iter_rows(min_row=2, min_col=7, max_col=10):
        for cell in cells:
            cell.number_format = "0.00"
    _autosize(sheet)
    return _xlsx_bytes(workbook)


def ranking_csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_ranking_header())
    for row in rows:
        values = _ranking_values(row)
        writer.writerow(
            [
                "" if value is None else f"{value:.2f}" if isinstance(value, float) else value
                for value in values
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def assessment_xlsx(view) -> bytes:
    assessment = view.assessment
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Ringkasan")
    for label, value in (
        (_("Perpustakaan"), assessment.library.name),
        (_("Tahun"), assessment.year),
        (_("Instrumen"), assessment.instrument.name),
        (_("Status"), assessment.get_status_display()),
        (_("Nilai"), _number(view.score.total_exact)),
        (_("Predikat"), grade_text(view.score.grade.code)),
        (_("Indikator terjawab"), f"{view.score.answered_count}/{view.score.indicator_count}"),
    ):
        summary.append([label, value])
        summary.cell(row=summary.max_row, column=1).font = Font(bold=True)
    summary.append([])
    _header(summary, [_("Komponen"), _("Bobot"), _("Nilai"), _("Terjawab")])
    for component in view.components:
        summary.append(
            [
                component.name,
                float(component.weight),
                _number(component.value),
                f"{component.answered}/{len(component.indicators)}",
            ]
        )
    summary.append([])
    summary.append([plan_summary(view.plan)])
    for improvement in view.plan.improvements:
        summary.append([todo_text(improvement)])
    _autosize(summary)

    answers = workbook.create_sheet(_("Jawaban"))
    _header(
        answers,
        [
            _("Komponen"),
            _("Indikator"),
            _("Pernyataan"),
            _("Jawaban"),
            _("Teks jawaban"),
            _("Poin"),
            _("Catatan"),
            _("Bukti"),
        ],
    )
    for component in view.components:
        for indicator in component.indicators:
            option_text = dict(indicator.options).get(indicator.option, "")
            points = {"a": 5, "b": 4, "c": 3, "d": 2, "e": 1}.get(indicator.option, 0)
            evidence = "; ".join(item.original_name or item.url for item in indicator.evidence)
            answers.append(
                [
                    component.name,
                    indicator.code,
                    indicator.text,
                    indicator.option,
                    option_text,
                    points,
                    indicator.note,
                    evidence,
                ]
            )
    for cells in answers.iter_rows(min_row=2, min_col=3, max_col=3):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    _autosize(answers)
    return _xlsx_bytes(workbook)


# --- PDF ------------------------------------------------------------------------------------------------


def _styles():
    styles = getSampleStyleSheet()
    styles["Title"].textColor = _ACCENT
    styles["BodyText"].fontSize = 9
    styles["BodyText"].leading = 11
    return styles


def _table(data, widths, *, header_rows: int = 1) -> Table:
    table = Table(data, colWidths=widths, repeatRows=header_rows)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 8),
                ("FONT", (0, 0), (-1, header_rows - 1), "Helvetica-Bold", 8),
                ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#DDEBE8")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#B8C6C9")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _pdf_bytes(story, *, pagesize=A4, title: str) -> bytes:
    buffer = io.BytesIO()
    generated = timezone.localtime().strftime("%Y-%m-%d %H:%M")

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(colors.grey)
        canvas.drawString(15 * mm, 8 * mm, f"Simpul · {title} · {generated}")
        canvas.drawRightString(document.pagesize[0] - 15 * mm, 8 * mm, str(document.page))
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        title=title,
        author="Simpul",
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def ranking_pdf(rows, filters) -> bytes:
    styles = _styles()
    title = _("Peringkat monev perpustakaan %(year)s") % {"year": filters.year}
    cell = styles["BodyText"]
    data = [
        [
            _("No."),
            _("Perpustakaan"),
            _("Provinsi"),
            _("Instrumen"),
            _("Nilai"),
            _("Predikat"),
            _("Perubahan"),
        ]
    ]
    for row in rows:
        data.append(
            [
                str(row.rank),
                Paragraph(row.library_name, cell),
                row.province,
                row.instrument_code,
                score_text(row.total),
                row.grade,
                "–" if row.change is None else f"{row.change:+.2f}",
            ]
        )
    story = [
        Paragraph(title, styles["Title"]),
        Paragraph(
            _("%(count)d unit. Nilai dibulatkan ke bawah dua desimal; predikat dari nilai persis.")
            % {"count": len(rows)},
            styles["BodyText"],
        ),
        Spacer(1, 4 * mm),
        _table(data, [12 * mm, 95 * mm, 45 * mm, 45 * mm, 20 * mm, 20 * mm, 22 * mm]),
    ]
    return _pdf_bytes(story, pagesize=landscape(A4), title=title)


def report_card_pdf(card) -> bytes:
    styles = _styles()
    library = card.library
    title = _("Rapor monev %(name)s") % {"name": library.name}
    story = [Paragraph(title, styles["Title"])]
    facts = [
        library.get_kind_display(),
        ", ".join(part for part in (library.city, library.province) if part),
    ]
    story.append(Paragraph(" · ".join(fact for fact in facts if fact), styles["BodyText"]))
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph(_("Riwayat nilai"), styles["Heading2"]))
    history = [[_("Tahun"), _("Nilai"), _("Predikat"), _("Instrumen"), _("Sumber")]]
    for entry in card.history:
        history.append(
            [
                str(entry["year"]),
                score_text(entry["total"]),
                grade_text(entry["grade"]),
                entry["instrument"] or "–",
                Paragraph(entry["source"] or _("penilaian terverifikasi"), styles["BodyText"]),
            ]
        )
    story.append(_table(history, [18 * mm, 20 * mm, 38 * mm, 38 * mm, 66 * mm]))
    if card.latest_view is not None:
        view = card.latest_view
        story.append(Spacer(1, 4 * mm))
        heading = _("Komponen %(year)s (%(instrument)s)") % {
            "year": view.assessment.year,
            "instrument": view.assessment.instrument.code,
        }
        story.append(Paragraph(heading, styles["Heading2"]))
        if card.rank:
            story.append(
                Paragraph(
                    _("Peringkat %(rank)d dari %(count)d unit.")
                    % {"rank": card.rank, "count": card.ranked_units},
                    styles["BodyText"],
                )
            )
        radar = card.radar or {}
        averages = dict(zip(radar.get("labels", []), radar.get("average", []), strict=False))
        rows = [[_("Komponen"), _("Bobot"), _("Nilai"), _("% bobot"), _("Rata-rata % bobot")]]
        for component in view.components:
            weight = Decimal(component.weight.numerator) / Decimal(component.weight.denominator)
            share = component.value / weight * 100
            average = averages.get(component.name)
            rows.append(
                [
                    Paragraph(component.name, styles["BodyText"]),
                    f"{weight:g}",
                    score_text(component.value),
                    f"{share:.0f}%",
                    "–" if average is None else f"{average:.0f}%",
                ]
            )
        rows.append([_("Total"), "100", score_text(view.score.total_exact), "", ""])
        story.append(_table(rows, [70 * mm, 18 * mm, 22 * mm, 22 * mm, 38 * mm]))
        story.append(Spacer(1, 4 * mm))
        story.append(Paragraph(_("Menuju predikat berikutnya"), styles["Heading2"]))
        story.append(Paragraph(plan_summary(view.plan), styles["BodyText"]))
        for improvement in view.plan.improvements:
            story.append(Paragraph("• " + todo_text(improvement), styles["BodyText"]))
    else:
        story.append(Paragraph(_("Belum ada penilaian terverifikasi."), styles["BodyText"]))
    return _pdf_bytes(story, title=title)
