"""What every mapper shares: the error a broken record raises, text cleaning, and the normalizations that
make the same book look the same whichever format it came in (ISBN/ISSN, language codes).

Mappers are pure functions ``(identifier, element, raw_xml) -> NormalizedRecord``; they never touch the
network or a database, and a broken record raises :class:`MalformedRecord` (the page goes on).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from lxml import etree

from catalog.normalized import NormalizedRecord
from harvest.adapters.sanitize import repair_mojibake

if TYPE_CHECKING:
    from harvest.adapters.oai_client import OaiRecord

__all__ = [
    "MalformedRecord",
    "clean_text",
    "dedupe",
    "language_code",
    "local_name",
    "looks_like_class_number",
    "looks_like_isbn_or_issn",
    "map_oai_record",
    "normalize_isbn_issn",
    "serialize",
]


class MalformedRecord(Exception):
    """One record that cannot be mapped; the harvest run keeps it with the identifier and the reason."""

    def __init__(self, identifier: str, reason: str):
        super().__init__(f"{identifier}: {reason}")
        self.identifier = identifier
        self.reason = reason


_ENTITY_TEXT = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")


def clean_text(value: str | None) -> str:
    """Text as a catalogue keeps it: entities left as text (``&amp;nbsp;``) resolved, mojibake repaired,
    Unicode NFC, whitespace collapsed, ends stripped."""
    if not value:
        return ""
    text = value
    if "&" in text and _ENTITY_TEXT.search(text):
        text = html.unescape(text)
    text = repair_mojibake(text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


def dedupe(values: Iterable[str]) -> tuple[str, ...]:
    """Non-empty values in their first order, without repeats (case-sensitive)."""
    seen: set[str] = set()
    kept = []
    for value in values:
        if value and value not in seen:
            seen.add(value)
            kept.append(value)
    return tuple(kept)


def local_name(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def serialize(element: etree._Element) -> str:
    return etree.tostring(element, encoding="unicode", with_tail=False)


# --- ISBN / ISSN ---------------------------------------------------------------------------------------

_ISBN_QUALIFIER = re.compile(r"\s*[(\[].*$")
_ISBN_SHAPE = re.compile(r"^(?:97[89])?\d{9}[\dX]$")
_ISSN_SHAPE = re.compile(r"^\d{7}[\dX]$")


def _compact(value: str) -> str:
    return re.sub(r"[\s\-‐‑–]", "", value).upper()


def looks_like_isbn_or_issn(value: str) -> bool:
    compact = _compact(_ISBN_QUALIFIER.sub("", value.strip()))
    for prefix in ("ISBN", "ISSN"):
        if compact.startswith(prefix):
            compact = compact[len(prefix) :].lstrip(":")
    return bool(_ISBN_SHAPE.match(compact) or _ISSN_SHAPE.match(compact))


def normalize_isbn_issn(value: str | None) -> str:
    """ISBNs compact (``9786020332956``), ISSNs as ``1234-567X``; anything else trimmed as it came.

    SLiMS strips hyphens in oai.php and MODS but not in oai2.php; one form keeps records comparable.
    """
    text = clean_text(value)
    if not text:
        return ""
    first = _ISBN_QUALIFIER.sub("", text.split(";")[0]).strip()
    compact = _compact(first)
    for prefix in ("ISBN", "ISSN"):
        if compact.startswith(prefix):
            compact = compact[len(prefix) :].lstrip(":")
    if _ISBN_SHAPE.match(compact):
        return compact
    if _ISSN_SHAPE.match(compact):
        return f"{compact[:4]}-{compact[4:]}"
    return text


# --- classification ------------------------------------------------------------------------------------

_CLASS_NUMBER = re.compile(r"^\d[\dX]{2}(?:\.[\dX]+)?$")


def looks_like_class_number(value: str) -> bool:
    """A bare DDC class such as ``297.4`` or Indonesia's Islamic adaptation ``2X4.3`` (SLiMS puts the
    classification among the ``dc:subject`` elements)."""
    return bool(_CLASS_NUMBER.match(value.strip()))


# --- languages -------------------------------------------------------------------------------------------

_LANGUAGE_CODES = {
    # ISO 639-2 (bibliographic and terminology) → 639-1
    "ind": "id",
    "eng": "en",
    "ara": "ar",
    "may": "ms",
    "msa": "ms",
    "jav": "jv",
    "sun": "su",
    "per": "fa",
    "fas": "fa",
    "urd": "ur",
    "tur": "tr",
    "fre": "fr",
    "fra": "fr",
    "ger": "de",
    "deu": "de",
    "dut": "nl",
    "nld": "nl",
    "jpn": "ja",
    "chi": "zh",
    "zho": "zh",
    "kor": "ko",
    "hin": "hi",
    "spa": "es",
    "mad": "mad",
    "min": "min",
    "bug": "bug",
    # names, as SLiMS's mst_language and catalogers write them (Indonesian and English)
    "indonesia": "id",
    "indonesian": "id",
    "bahasa indonesia": "id",
    "english": "en",
    "inggris": "en",
    "bahasa inggris": "en",
    "arab": "ar",
    "arabic": "ar",
    "bahasa arab": "ar",
    "melayu": "ms",
    "malay": "ms",
    "jawa": "jv",
    "javanese": "jv",
    "bahasa jawa": "jv",
    "sunda": "su",
    "sundanese": "su",
    "persia": "fa",
    "persian": "fa",
    "urdu": "ur",
    "turki": "tr",
    "turkish": "tr",
    "perancis": "fr",
    "prancis": "fr",
    "french": "fr",
    "jerman": "de",
    "german": "de",
    "belanda": "nl",
    "dutch": "nl",
    "jepang": "ja",
    "japanese": "ja",
    "cina": "zh",
    "mandarin": "zh",
    "chinese": "zh",
}


def language_code(value: str | None) -> str:
    """ISO 639-1 where known (``Indonesia``, ``ind``, ``id`` → ``id``); otherwise the value as given."""
    text = clean_text(value)
    if not text:
        return ""
    lowered = text.lower()
    if len(lowered) == 2 and lowered.isalpha():
        return lowered
    return _LANGUAGE_CODES.get(lowered, _LANGUAGE_CODES.get(lowered.split("-")[0], text))


# --- dispatch ---------------------------------------------------------------------------------------------


def map_oai_record(record: OaiRecord) -> NormalizedRecord:
    """Map an :class:`~harvest.adapters.oai_client.OaiRecord` with the mapper of its metadata format.

    Returns a ``NormalizedRecord``; raises :class:`MalformedRecord` for a deleted record (nothing to map),
    an unknown format or a broken record.
    """
    from harvest.adapters.marcxml import map_marcxml
    from harvest.adapters.mods import map_mods
    from harvest.adapters.oai_dc import map_oai_dc

    mappers = {"oai_dc": map_oai_dc, "marcxml": map_marcxml, "marc21": map_marcxml, "mods": map_mods}
    if record.metadata is None:
        raise MalformedRecord(record.identifier, "no metadata (deleted record or header only)")
    mapper = mappers.get(record.metadata_format)
    if mapper is None:
        raise MalformedRecord(record.identifier, f"no mapper for metadata format {record.metadata_format!r}")
    return mapper(record.identifier, record.metadata, record.raw_xml())
