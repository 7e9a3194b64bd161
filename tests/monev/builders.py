"""Small builders for monev tests: synced instruments, assessments in a given state, upload files."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from monev import services
from monev.models import Instrument
from monev.snapshot import core_instrument

CONTENT_TYPES_XML = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Override PartName="/{part}" ContentType="{content_type}"/></Types>'
)


def instrument(code: str = "khusus-2018") -> Instrument:
    if not Instrument.objects.filter(code=code).exists():
        services.sync_instruments()
    return Instrument.objects.get(code=code)


def all_answers(assessment, letter: str = "c", overrides: dict[str, str] | None = None) -> dict[str, str]:
    codes = [indicator.code for indicator in core_instrument(assessment.instrument).iter_indicators()]
    return {code: letter for code in codes} | (overrides or {})


def start(library, *, by, year: int = 2024, code: str = "khusus-2018"):
    return services.start_assessment(library=library, year=year, instrument=instrument(code), by=by)


def answered(library, *, by, year: int = 2024, letter: str = "c", code: str = "khusus-2018", overrides=None):
    assessment = start(library, by=by, year=year, code=code)
    return services.save_answers(
        assessment=assessment, options=all_answers(assessment, letter, overrides), by=by
    )


def submitted(library, *, by, **kwargs):
    return services.submit_assessment(assessment=answered(library, by=by, **kwargs), by=by)


def verified(library, *, by, supervisor, **kwargs):
    return services.verify_assessment(assessment=submitted(library, by=by, **kwargs), by=supervisor)


def pdf_file(name: str = "laporan.pdf", size: int = 0) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
    return SimpleUploadedFile(name, body + b"0" * max(0, size - len(body)), content_type="application/pdf")


def png_file(name: str = "foto.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png")


def ooxml_file(name: str, kind: str) -> SimpleUploadedFile:
    part, content_type = {
        "xlsx": (
            "xl/workbook.xml",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        ),
        "docx": (
            "word/document.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        ),
        "zip": ("data.txt", "text/plain"),
    }[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml", CONTENT_TYPES_XML.format(part=part, content_type=content_type)
        )
        archive.writestr(part, "<x/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def exe_file(name: str = "laporan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120, content_type="application/pdf"
    )


def library(code: str, *, kind: str = "bdk", province: str = "Aceh", name: str | None = None):
    """A Library row without a schema: monev lives in the public schema and needs no tenant tables."""
    from tenants.models import Library

    return Library.objects.create(
        code=code,
        schema_name=code.replace("-", "_"),
        name=name or f"Perpustakaan {code}",
        kind=kind,
        province=province,
    )


def verified_with(
    library, *, operator, supervisor, year: int, overrides=None, letter="c", code="khusus-2018"
):
    """A verified assessment whose answers are ``letter`` everywhere except ``overrides``."""
    return verified(
        library, by=operator, supervisor=supervisor, year=year, letter=letter, code=code, overrides=overrides
    )
