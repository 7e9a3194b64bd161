"""Checks of catalogue values shared by the record form, the save service and the API: ISBN/ISSN check
digits (isbnlib), publication years, copy barcodes. Each returns the cleaned value or raises
``django.core.exceptions.ValidationError`` with a message in Indonesian (gettext)."""

from __future__ import annotations

import re
import unicodedata

import isbnlib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_YEAR_RE = re.compile(r"(\d{3,4})")
_BARCODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._/-]{0,63}$")


def _issn_check_digit(first_seven: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first_seven, range(8, 1, -1), strict=True))
    remainder = (11 - total % 11) % 11
    return "X" if remainder == 10 else str(remainder)


def clean_isbn_issn(value: str) -> str:
    """An ISBN-10/13 (hyphens and spaces allowed, kept as typed) or an ISSN (NNNN-NNNC), check digit
    verified; empty stays empty. Several numbers (SLiMS keeps "isbn1; isbn2") are each checked."""
    value = (value or "").strip()
    if not value:
        return ""
    for part in re.split(r"[;,]\s*|\s+/\s+", value):
        part = part.strip()
        if not part:
            continue
        compact = part.replace("-", "").replace(" ", "").upper()
        if len(compact) == 8 and compact[:7].isdigit() and (compact[7].isdigit() or compact[7] == "X"):
            if _issn_check_digit(compact[:7]) != compact[7]:
                raise ValidationError(_("Angka pemeriksa ISSN %(value)s salah.") % {"value": part})
            continue
        if len(compact) == 13 and compact.isdigit():
            if not isbnlib.is_isbn13(compact):
                raise ValidationError(_("Angka pemeriksa ISBN-13 %(value)s salah.") % {"value": part})
            continue
        if len(compact) == 10 and compact[:9].isdigit() and (compact[9].isdigit() or compact[9] == "X"):
            if not isbnlib.is_isbn10(compact):
                raise ValidationError(_("Angka pemeriksa ISBN-10 %(value)s salah.") % {"value": part})
            continue
        raise ValidationError(
            _("«%(value)s» bukan ISBN (10 atau 13 angka) atau ISSN (NNNN-NNNN).") % {"value": part}
        )
    return value


def isbn_forms(value: str) -> set[str]:
    """Every ISBN in ``value`` as ISBN-13 and ISBN-10 (digits only): what a duplicate check compares."""
    forms: set[str] = set()
    for part in re.split(r"[;,/\s]+", value or ""):
        compact = part.replace("-", "").upper()
        if isbnlib.is_isbn13(compact) or isbnlib.is_isbn10(compact):
            thirteen = isbnlib.to_isbn13(compact)
            forms.add(thirteen)
            ten = isbnlib.to_isbn10(thirteen)
            if ten:
                forms.add(ten)
    return forms


def clean_publish_year(value: str, *, this_year: int) -> str:
    """SLiMS keeps the year as text ("2019", "1440 H/2019", "[t.t.]", "cet. 2, 2015"): kept as typed,
    but a Gregorian year in it must be plausible (1000 … next year)."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > 40:
        raise ValidationError(_("Tahun terbit paling banyak 40 karakter."))
    hijri = re.search(r"(\d{3,4})\s*H\b", value)
    for found in _YEAR_RE.findall(value):
        if hijri and found == hijri.group(1):
            continue  # a Hijri year (1440 H) is not a Gregorian one
        year = int(found)
        if year < 1000 or year > this_year + 1:
            raise ValidationError(
                _("Tahun %(year)s tidak masuk akal (1000–%(last)s).") % {"year": found, "last": this_year + 1}
            )
    return value


def clean_barcode(value: str) -> str:
    """A copy's barcode (SLiMS ``item_code``): letters, digits and ``. _ / -``, up to 64 characters."""
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("Kode eksemplar wajib diisi."))
    if not _BARCODE_RE.match(value):
        raise ValidationError(
            _(
                "Kode eksemplar hanya boleh berisi huruf, angka, titik, garis bawah, garis miring "
                "dan tanda hubung."
            )
        )
    return value


def normalized_text(value: str) -> str:
    """Lower case, diacritics and punctuation gone, spaces collapsed: how titles and names are compared
    for the duplicate warning ("Tafsīr  al-Mishbah" = "tafsir al mishbah", "Al-Qur'an" = "al quran")."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    letters = re.sub(r"['`\u2018\u2019\u02bc\u02bf\u02be]", "", letters)  # Qur'an = Quran, ʿAli = Ali
    words = re.split(r"[\W_]+", letters.casefold())
    return " ".join(word for word in words if word)
