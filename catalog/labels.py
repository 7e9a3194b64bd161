"""Label sheets for copies (PDF, reportlab): barcode labels (Code 128 of the copy code, reportlab's own
``reportlab.graphics.barcode``) and spine labels with the call number split on its lines as libraries print
it — class / author mark / title letter (``2X4.1 SUL f`` → ``2X4.1`` · ``SUL`` · ``f``; a collection
prefix such as ``R`` gets a line of its own). Common A4 sheets: 3 × 8 (70 × 37 mm), 4 × 10
(52.5 × 29.7 mm), 5 × 13 (38.1 × 21.2 mm, the small spine labels). Text uses DejaVu Sans when the system
has it (transliterated Arabic: ā, ḥ, ʿ), else Helvetica.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

__all__ = ["LAYOUTS", "LabelCopy", "barcode_sheet", "spine_lines", "spine_sheet"]

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@dataclass(frozen=True)
class Layout:
    label: str
    columns: int
    rows: int
    width: float  # points
    height: float
    left: float
    top: float
    gap_x: float = 0.0
    gap_y: float = 0.0

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def origin(self, slot: int) -> tuple[float, float]:
        """Lower-left corner of label ``slot`` (0-based, row by row from the top left)."""
        row, column = divmod(slot, self.columns)
        x = self.left + column * (self.width + self.gap_x)
        y = A4[1] - self.top - (row + 1) * self.height - row * self.gap_y
        return x, y


LAYOUTS = {
    "3x8": Layout("A4 · 3 × 8 (70 × 37 mm)", 3, 8, 70 * mm, 37.125 * mm, 0, 0),
    "4x10": Layout("A4 · 4 × 10 (52,5 × 29,7 mm)", 4, 10, 52.5 * mm, 29.7 * mm, 0, 0),
    "5x13": Layout(
        "A4 · 5 × 13 (38,1 × 21,2 mm)", 5, 13, 38.1 * mm, 21.2 * mm, 4.7 * mm, 10.7 * mm, 2.5 * mm, 0
    ),
}


@dataclass(frozen=True)
class LabelCopy:
    item_code: str
    call_number: str
    title: str


def _fonts() -> tuple[str, str]:
    regular, bold = _DEJAVU / "DejaVuSans.ttf", _DEJAVU / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
        return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut (with an ellipsis) to ``width`` points."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


_CALL_NUMBER_PARTS = re.compile(r"[\s/]+")


def spine_lines(call_number: str) -> list[str]:
    """The call number's lines on a spine label: its parts split at spaces (and slashes)."""
    return [part for part in _CALL_NUMBER_PARTS.split(call_number.strip()) if part]


def _slots(start_at: int, count: int, per_sheet: int) -> Iterable[tuple[bool, int]]:
    """(new page?, slot) for ``count`` labels starting at label ``start_at`` (1-based) of the first sheet."""
    slot = start_at - 1
    for index in range(count):
        if index and slot == 0:
            yield True, slot
        else:
            yield False, slot
        slot = (slot + 1) % per_sheet


def _sheet(copies, layout_key: str, start_at: int, title: str, draw) -> bytes:
    layout = LAYOUTS[layout_key]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("Simpul")
    fonts = _fonts()
    for index, (new_page, slot) in enumerate(_slots(start_at, len(copies), layout.per_sheet)):
        if new_page:
            canvas.showPage()
        x, y = layout.origin(slot)
        draw(canvas, copies[index], layout, x, y, fonts)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_barcode(
    canvas: Canvas, copy: LabelCopy, layout: Layout, x: float, y: float, fonts, library: str
) -> None:
    regular, bold = fonts
    pad = 2.5 * mm
    width = layout.width - 2 * pad
    small = max(5.0, min(7.0, layout.height / 6))
    canvas.setFont(regular, small)
    canvas.drawString(x + pad, y + layout.height - pad - small, _fit(library, regular, small, width))
    bar_height = layout.height * 0.42
    barcode = Code128(copy.item_code, barHeight=bar_height, barWidth=1.0, quiet=False)
    if barcode.width > width:
        barcode = Code128(copy.item_code, barHeight=bar_height, barWidth=width / barcode.width, quiet=False)
    bar_y = y + pad + small * 2.4
    barcode.drawOn(canvas, x + (layout.width - barcode.width) / 2, bar_y)
    code_size = small + 1
    canvas.setFont(bold, code_size)
    canvas.drawCentredString(x + layout.width / 2, bar_y - code_size - 0.5, copy.item_code)
    canvas.setFont(regular, small)
    line = " · ".join(part for part in (copy.call_number, copy.title) if part)
    canvas.drawCentredString(x + layout.width / 2, y + pad, _fit(line, regular, small, width))


def _draw_spine(
    canvas: Canvas, copy: LabelCopy, layout: Layout, x: float, y: float, fonts, library: str
) -> None:
    _regular, bold = fonts
    lines = spine_lines(copy.call_number) or [copy.item_code]
    pad = 2 * mm
    size = min(14.0, (layout.height - 2 * pad) / (len(lines) * 1.2))
    widest = max(pdfmetrics.stringWidth(line, bold, size) for line in lines)
    if widest > layout.width - 2 * pad:
        size *= (layout.width - 2 * pad) / widest
    canvas.setFont(bold, size)
    block = len(lines) * size * 1.2
    top = y + (layout.height + block) / 2 - size
    for number, line in enumerate(lines):
        canvas.drawCentredString(x + layout.width / 2, top - number * size * 1.2, line)


def barcode_sheet(
    copies: list[LabelCopy], *, layout: str = "3x8", start_at: int = 1, library: str = ""
) -> bytes:
    """Barcode labels for ``copies`` in order, from label ``start_at`` of the first sheet."""
    return _sheet(
        list(copies),
        layout,
        start_at,
        "Label barkode",
        lambda canvas, copy, lay, x, y, fonts: _draw_barcode(canvas, copy, lay, x, y, fonts, library),
    )


def spine_sheet(
    copies: list[LabelCopy], *, layout: str = "5x13", start_at: int = 1, library: str = ""
) -> bytes:
    """Spine labels (call number on its lines) for ``copies``."""
    return _sheet(
        list(copies),
        layout,
        start_at,
        "Label punggung",
        lambda canvas, copy, lay, x, y, fonts: _draw_spine(canvas, copy, lay, x, y, fonts, library),
    )
