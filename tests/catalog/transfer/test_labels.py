"""catalog/labels.py: barcode and spine label sheets, read back with pypdf."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from catalog.labels import LAYOUTS, LabelCopy, barcode_sheet, spine_lines, spine_sheet


def text_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize(
    ("call_number", "lines"),
    [
        ("2X4.1 SUL f", ["2X4.1", "SUL", "f"]),
        ("R 297.4 HAS t", ["R", "297.4", "HAS", "t"]),
        ("  371.07/ABD/p ", ["371.07", "ABD", "p"]),
    ],
)
def test_call_number_is_split_on_its_lines(call_number, lines):
    assert spine_lines(call_number) == lines


def copies(count: int) -> list[LabelCopy]:
    return [
        LabelCopy(f"B{n:05d}", "2X4.1 SUL f", f"Fiqih Ibadah Jilid {n} — Tafsīr") for n in range(1, count + 1)
    ]


def test_barcode_sheet_prints_each_code_and_fills_pages_of_the_layout():
    pdf = barcode_sheet(copies(30), layout="3x8", library="Perpustakaan BDK Aceh")

    pages = text_of(pdf)
    assert len(pages) == 2 and LAYOUTS["3x8"].per_sheet == 24
    assert all(f"B{n:05d}" in pages[0] for n in range(1, 25)) and "B00025" in pages[1]
    assert "Perpustakaan BDK Aceh" in pages[0] and "Tafsīr" in pages[0]


def test_start_at_skips_the_labels_already_used_on_the_sheet():
    pdf = barcode_sheet(copies(40), layout="4x10", start_at=5)

    pages = text_of(pdf)
    assert len(pages) == 2 and "B00036" in pages[0] and "B00037" in pages[1]


def test_spine_sheet_prints_the_call_number_lines():
    pdf = spine_sheet([LabelCopy("B1", "2X4.1 SUL f", "Fiqih")], layout="5x13")

    lines = [line.strip() for line in text_of(pdf)[0].split("\n")]
    assert lines[:3] == ["2X4.1", "SUL", "f"]
