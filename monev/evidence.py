"""Evidence files: what is accepted (by content, not by name), where it is stored, how it is read back.

Accepted: PDF, PNG, JPEG, XLSX and DOCX. The type is decided from the bytes — PDF, PNG and JPEG by their
magic numbers; XLSX and DOCX are ZIP archives whose ``[Content_Types].xml`` declares the workbook or the
document main part — and the file's name must agree with it (a PDF called ``laporan.docx`` is refused, so
a reviewer never opens something other than what the name says). Files live under
``settings.MONEV_EVIDENCE_ROOT`` (not under MEDIA_ROOT, which has a public URL) with a random name; the only
way to read one is the evidence view, which asks the permission module.
"""

from __future__ import annotations

import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from monev.exceptions import EvidenceRejected

_CONTENT_TYPES_MAX_BYTES = 1024 * 1024
_SNIFF_BYTES = 16


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    extensions: tuple[str, ...]
    inline: bool  # shown in the browser (PDF, images) or downloaded (office files)


PDF = FileType("PDF", "application/pdf", (".pdf",), True)
PNG = FileType("PNG", "image/png", (".png",), True)
JPEG = FileType("JPEG", "image/jpeg", (".jpg", ".jpeg"), True)
XLSX = FileType(
    "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), False
)
DOCX = FileType(
    "DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), False
)
ACCEPTED_TYPES = (PDF, PNG, JPEG, XLSX, DOCX)
ACCEPT_ATTRIBUTE = ",".join(ext for file_type in ACCEPTED_TYPES for ext in file_type.extensions)

_OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
}


def evidence_storage() -> FileSystemStorage:
    """Read the setting on every call, so tests can point it at a temporary directory."""
    return FileSystemStorage(location=settings.MONEV_EVIDENCE_ROOT, base_url=None)


def _ooxml_type(uploaded) -> FileType | None:
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            try:
                info = archive.getinfo("[Content_Types].xml")
            except KeyError:
                return None
            if info.file_size > _CONTENT_TYPES_MAX_BYTES:
                return None
            declared = archive.read(info).decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        return None
    finally:
        uploaded.seek(0)
    for marker, file_type in _OOXML_MAIN_PARTS.items():
        if f'ContentType="{marker}"' in declared:
            return file_type
    return None


def detect_type(uploaded) -> FileType | None:
    """The accepted type these bytes are, or None."""
    uploaded.seek(0)
    head = uploaded.read(_SNIFF_BYTES)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _ooxml_type(uploaded)
    return None


def clean_original_name(name: str) -> str:
    base = PurePath((name or "").replace("\\", "/")).name.strip()
    return "".join(ch for ch in base if ch.isprintable())[:200] or "bukti"


def check_file(uploaded) -> FileType:
    """The file's type, or :class:`EvidenceRejected` saying why it cannot be accepted."""
    limit = settings.MONEV_EVIDENCE_MAX_BYTES
    if uploaded.size > limit:
        raise EvidenceRejected(
            _("Berkas %(name)s berukuran %(size)s; batasnya %(limit)s.")
            % {
                "name": clean_original_name(uploaded.name),
                "size": filesizeformat(uploaded.size),
                "limit": filesizeformat(limit),
            }
        )
    if uploaded.size == 0:
        raise EvidenceRejected(_("Berkas kosong."))
    file_type = detect_type(uploaded)
    if file_type is None:
        raise EvidenceRejected(
            _("Isi berkas %(name)s bukan PDF, gambar PNG/JPEG, XLSX atau DOCX.")
            % {"name": clean_original_name(uploaded.name)}
        )
    suffix = Path(clean_original_name(uploaded.name)).suffix.lower()
    if suffix not in file_type.extensions:
        raise EvidenceRejected(
            _(
                "Isi berkas %(name)s adalah %(label)s, tetapi namanya berakhiran '%(suffix)s'. "
                "Beri nama yang sesuai (%(expected)s) lalu unggah lagi."
            )
            % {
                "name": clean_original_name(uploaded.name),
                "label": file_type.label,
                "suffix": suffix or "-",
                "expected": ", ".join(file_type.extensions),
            }
        )
    return file_type


def store_file(uploaded, file_type: FileType) -> str:
    """Save under a random name (two-letter fan-out directory); return the stored name."""
    token = uuid.uuid4().hex
    name = f"{token[:2]}/{token}{file_type.extensions[0]}"
    uploaded.seek(0)
    return evidence_storage().save(name, uploaded)


def open_file(stored_name: str):
    return evidence_storage().open(stored_name, "rb")


def delete_file(stored_name: str) -> None:
    evidence_storage().delete(stored_name)


def file_type_for(content_type: str) -> FileType | None:
    return next((file_type for file_type in ACCEPTED_TYPES if file_type.content_type == content_type), None)
