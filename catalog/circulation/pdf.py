"""The member card (ID-1 card size, Code 128 barcode of the member code, the photo) and the overdue letter
(one A4 page per member), drawn with reportlab. Money with the Indonesian grouping, dates spelled out."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from catalog.circulation.formatting import long_date, rupiah
from catalog.models import Loan, Member

CARD_SIZE = (85.6 * mm, 53.98 * mm)  # ISO/IEC 7810 ID-1, the size of a bank card
_ACCENT = colors.HexColor("#0f6b5c")


def card_barcode(member_code: str) -> Code128:
    """The barcode a desk scanner reads: Code 128 of the member code, as the desk expects it typed."""
    return Code128(member_code, barHeight=9 * mm, barWidth=0.3 * mm, humanReadable=True, fontSize=7)


def member_card_pdf(*, member: Member, library_name: str) -> bytes:
    buffer = io.BytesIO()
    width, height = CARD_SIZE
    page = canvas.Canvas(buffer, pagesize=CARD_SIZE, pageCompression=0, invariant=1)
    page.setTitle(_("Kartu anggota %(code)s") % {"code": member.member_code})
    page.setFillColor(_ACCENT)
    page.rect(0, height - 11 * mm, width, 11 * mm, stroke=0, fill=1)
    page.setFillColor(colors.white)
    page.setFont("Helvetica-Bold", 7.5)
    page.drawString(4 * mm, height - 5 * mm, library_name[:60])
    page.setFont("Helvetica", 6.5)
    page.drawString(4 * mm, height - 8.6 * mm, _("KARTU ANGGOTA PERPUSTAKAAN"))
    photo_box = (4 * mm, 15 * mm, 20 * mm, 25 * mm)
    if member.photo:
        try:
            with member.photo.open("rb") as handle:
                page.drawImage(ImageReader(io.BytesIO(handle.read())), *photo_box, preserveAspectRatio=True)
        except (OSError, ValueError):
            page.rect(*photo_box)
    else:
        page.setStrokeColor(colors.grey)
        page.rect(*photo_box)
    page.setFillColor(colors.black)
    text_x = 27 * mm
    page.setFont("Helvetica-Bold", 8.5)
    page.drawString(text_x, height - 16 * mm, member.name[:38])
    page.setFont("Helvetica", 7)
    lines = [
        member.member_code,
        member.member_type.name if member.member_type else "",
        member.institution[:45],
        _("Berlaku s.d. %(date)s") % {"date": long_date(member.expires_on)} if member.expires_on else "",
    ]
    for index, line in enumerate(line for line in lines if line):
        page.drawString(text_x, height - (20.5 + 3.6 * index) * mm, line)
    barcode = card_barcode(member.member_code)
    barcode.drawOn(page, text_x - 2 * mm, 3.5 * mm)
    page.showPage()
    page.save()
    return buffer.getvalue()


@dataclass(frozen=True)
class OverdueNotice:
    member: Member
    loans: list[Loan]
    days_late: dict[int, int]  # loan id → open days late
    fine_per_day: Decimal


def overdue_letter_pdf(*, notices: Iterable[OverdueNotice], library_name: str, today: date) -> bytes:
    """One page per member: the copies late, since when, and the fine so far."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=_("Surat pemberitahuan keterlambatan"),
        pageCompression=0,
        invariant=1,
    )
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    story = []
    for number, notice in enumerate(notices):
        if number:
            story.append(PageBreak())
        member = notice.member
        story += [
            Paragraph(f"<b>{escape(library_name)}</b>", styles["Title"]),
            Paragraph(escape(long_date(today)), body),
            Spacer(1, 4 * mm),
            Paragraph(escape(_("Perihal: Pemberitahuan keterlambatan pengembalian koleksi")), body),
            Spacer(1, 4 * mm),
            Paragraph(escape(_("Yth. %(name)s") % {"name": member.name}), body),
            Paragraph(escape(f"{member.member_code} · {member.institution}".strip(" ·")), body),
            Spacer(1, 4 * mm),
            Paragraph(
                escape(
                    _(
                        "Menurut catatan kami, koleksi berikut yang Anda pinjam telah melewati tanggal jatuh "
                        "tempo. Mohon segera mengembalikannya ke perpustakaan. Denda dihitung per hari buka "
                        "keterlambatan sebesar %(per_day)s."
                    )
                    % {"per_day": rupiah(notice.fine_per_day)}
                ),
                body,
            ),
            Spacer(1, 4 * mm),
        ]
        rows = [[_("Kode"), _("Judul"), _("Jatuh tempo"), _("Terlambat"), _("Denda s.d. hari ini")]]
        total = Decimal("0")
        for loan in notice.loans:
            days = notice.days_late.get(loan.pk, 0)
            fine = notice.fine_per_day * days
            total += fine
            rows.append(
                [
                    loan.item.item_code,
                    Paragraph(escape(loan.item.record.title[:160]), body),
                    long_date(loan.due_date),
                    _("%(days)s hari") % {"days": days},
                    rupiah(fine),
                ]
            )
        rows.append(["", _("Jumlah"), "", "", rupiah(total)])
        table = Table(rows, colWidths=[24 * mm, 62 * mm, 28 * mm, 20 * mm, 30 * mm], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
                    ("FONT", (0, 1), (-1, -1), "Helvetica", 9),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#ddebe8")),
                    ("GRID", (0, 0), (-1, -2), 0.4, colors.grey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
                    ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 9),
                ]
            )
        )
        story += [
            table,
            Spacer(1, 8 * mm),
            Paragraph(escape(_("Terima kasih atas perhatian dan kerja samanya.")), body),
            Spacer(1, 14 * mm),
            Paragraph(escape(_("Pustakawan")), body),
        ]
    if not story:
        story.append(Paragraph(escape(_("Tidak ada pinjaman yang terlambat.")), body))
    document.build(story)
    return buffer.getvalue()
