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
from dataclasses import dataclass, replace

import isbnlib
from lxml import etree

from catalog.normalized import NormalizedRecord
from harvest.adapters.sanitize import repair_mojibake

__all__ = [
    "Identifier",
    "MalformedRecord",
    "best_isbn_issn",
    "classify_identifier",
    "clean_text",
    "dedupe",
    "is_identifier",
    "language_code",
    "local_name",
    "looks_like_class_number",
    "looks_like_isbn_or_issn",
    "merge_mods_details",
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


# --- ISBN / ISSN and other identifiers -------------------------------------------------------------------
# Forms seen in harvested dc:identifier, MARC 020/022 and MODS identifier: "urn:isbn:9781399886673",
# "ISBN: 978-602-03-3295-6", "isbn 0-306-40615-2 (pbk.)", "ISBN-13: ...", "urn:issn:1234-5679",
# "ISSN 0317-8471", several numbers joined by ";". ISBN check digits are verified with isbnlib; ISSN check
# digits with the ISO 3297 mod-11 rule.

_ISBN_PREFIX = re.compile(r"^(?:urn:isbn:|isbn(?:[-\s]?1[03](?=[\s:]))?\s*[:.]?\s*)", re.IGNORECASE)
_ISSN_PREFIX = re.compile(r"^(?:urn:issn:|(?:[ep]-?)?issn(?:-l)?\s*[:.]?\s*)", re.IGNORECASE)
_QUALIFIER = re.compile(r"\s*[(\[].*$")  # "(pbk.)", "[hbk.]", "(jil. 1)"
_ISBN_SHAPE = re.compile(r"^(?:97[89])?\d{9}[\dX]$")
_ISSN_SHAPE = re.compile(r"^\d{7}[\dX]$")
_URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]{1,31}:\S")  # urn:, oai:, doi:, info:, hdl:, ark:
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_SEPARATORS = re.compile(r"\s*[;,|]\s*|\s+/\s+")


@dataclass(frozen=True)
class Identifier:
    """What one identifier string is. ``kind``: ``"isbn"``, ``"issn"``, ``"other"`` (a URN, an OAI
    identifier, a DOI, a handle) or ``""`` (not an identifier: free text such as a call number).
    ``value``: ISBNs compact (``9786020332956``, ``030640615X``), ISSNs ``1234-567X``, anything else cleaned.
    ``valid``: the check digit is right (ISBN/ISSN only)."""

    kind: str
    value: str
    valid: bool = False


def _compact(value: str) -> str:
    return re.sub(r"[\s\-‐‑–.]", "", value).upper()


def issn_is_valid(compact: str) -> bool:
    """ISO 3297: weights 8..2 over the first seven digits; the check digit makes the sum 0 mod 11."""
    if not _ISSN_SHAPE.match(compact):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(compact[:7], range(8, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return compact[7] == ("X" if check == 10 else str(check))


def isbn_is_valid(compact: str) -> bool:
    return bool(isbnlib.is_isbn13(compact) or isbnlib.is_isbn10(compact))


def classify_identifier(value: str | None) -> Identifier:
    """Tell an ISBN, an ISSN or another identifier from free text (see :class:`Identifier`)."""
    text = clean_text(value)
    if not text:
        return Identifier("", "")
    isbn_prefix = _ISBN_PREFIX.match(text) if text[:1] in "uUiI" else None
    issn_prefix = _ISSN_PREFIX.match(text) if text[:1] in "uUiIeEpP" else None
    if isbn_prefix and not isbn_prefix.group(0).strip():
        isbn_prefix = None  # the pattern matched nothing but optional spaces
    if issn_prefix and not issn_prefix.group(0).strip():
        issn_prefix = None
    prefix = issn_prefix or isbn_prefix
    body = _QUALIFIER.sub("", text[prefix.end() :] if prefix else text).strip()
    compact = _compact(body)
    if issn_prefix:
        if _ISSN_SHAPE.match(compact):
            return Identifier("issn", f"{compact[:4]}-{compact[4:]}", issn_is_valid(compact))
        return Identifier("issn", body)
    if _ISBN_SHAPE.match(compact):
        return Identifier("isbn", compact, isbn_is_valid(compact))
    if isbn_prefix:
        return Identifier("isbn", body)
    if issn_is_valid(compact) and re.fullmatch(r"\d{4}-?\d{3}[\dXx]", body):
        return Identifier("issn", f"{compact[:4]}-{compact[4:]}", True)
    if _URI_SCHEME.match(text) or _DOI.match(text):
        return Identifier("other", text)
    return Identifier("", text)


def is_identifier(value: str | None) -> bool:
    """An ISBN, an ISSN, a URN, an OAI identifier, a DOI: never a call number."""
    return classify_identifier(value).kind != ""


def looks_like_isbn_or_issn(value: str) -> bool:
    return classify_identifier(value).kind in ("isbn", "issn")


def best_isbn_issn(values: Iterable[str | None]) -> str:
    """The record's ISBN/ISSN from candidate strings (each may hold several numbers): the first valid
    ISBN, else the first valid ISSN, else the first ISBN- or ISSN-like value as written; "" if none."""
    found: list[Identifier] = []
    for value in values:
        for part in _SEPARATORS.split(clean_text(value)):
            identifier = classify_identifier(part)
            if identifier.kind in ("isbn", "issn"):
                found.append(identifier)
    for wanted in ("isbn", "issn"):
        for identifier in found:
            if identifier.kind == wanted and identifier.valid:
                return identifier.value
    return found[0].value if found else ""


def normalize_isbn_issn(value: str | None) -> str:
    """ISBNs compact (``9786020332956``), ISSNs as ``1234-567X``; anything else trimmed as it came.

    SLiMS strips hyphens in oai.php and MODS but not in oai2.php; one form keeps records comparable.
    """
    text = clean_text(value)
    if not text:
        return ""
    return best_isbn_issn([text]) or text


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


def merge_mods_details(dublin_core: NormalizedRecord, mods: NormalizedRecord) -> NormalizedRecord:
    """SLiMS oai2.php's oai_dc has no copies and no call number: take them (and what Dublin Core left
    empty) from the record's MODS detail export."""
    extra = dict(dublin_core.extra)
    extra.update({key: value for key, value in mods.extra.items() if key in ("created", "changed")})
    return replace(
        dublin_core,
        copies=mods.copies,
        call_number=mods.call_number or dublin_core.call_number,
        statement_of_responsibility=dublin_core.statement_of_responsibility
        or mods.statement_of_responsibility,
        edition=dublin_core.edition or mods.edition,
        raw_metadata=f"{dublin_core.raw_metadata}\n{mods.raw_metadata}",
        extra=extra,
    )
