"""Sort orders, the total order on holdings, and the ``setelah`` cursor that continues a search past any
depth (see ``search.query.bodies`` for the pages it leads to)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from search.query.filters import Filters
from search.query.syntax import MAX_QUERY_LENGTH, ParsedQuery


class SortOrder(StrEnum):
    RELEVANCE = "relevansi"
    YEAR = "tahun"
    YEAR_OLDEST = "tahun_lama"
    TITLE = "judul"
    NEWEST = "terbaru"


_TIEBREAK = [{"work_key": "asc"}, {"library_code": "asc"}, {"record_id": "asc"}]
_SORT_KEYS = {
    SortOrder.RELEVANCE: [{"_score": "desc"}],
    SortOrder.YEAR: [{"year": {"order": "desc", "missing": "_last"}}, {"_score": "desc"}],
    SortOrder.YEAR_OLDEST: [{"year": {"order": "asc", "missing": "_last"}}, {"_score": "desc"}],
    SortOrder.TITLE: [{"title_sort": "asc"}, {"_score": "desc"}],
    SortOrder.NEWEST: [{"created_at": {"order": "desc", "missing": "_last"}}, {"year": "desc"}],
}


def sort_spec(order: SortOrder) -> list:
    """A total order on holdings: the patron's sort key, then work, library and record."""
    return [*_SORT_KEYS[order], *_TIEBREAK]


def default_order(parsed: ParsedQuery) -> SortOrder:
    """Relevance for a query; an empty query browses the newest additions."""
    return SortOrder.NEWEST if parsed.is_empty else SortOrder.RELEVANCE


class InvalidCursor(ValueError):
    """A ``setelah`` token that is malformed or belongs to another search."""


@dataclass(frozen=True)
class Cursor:
    order: SortOrder
    after: tuple  # sort values of the last holding already examined
    fingerprint: str
    mode: str = "s"  # which query the pages come from: s as typed, c corrected, r relaxed
    corrected: str = ""  # the corrected query text (mode c)


def search_fingerprint(parsed: ParsedQuery, filters: Filters, order: SortOrder) -> str:
    payload = json.dumps([parsed.text, filters.fingerprint_parts(), order.value], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def encode_cursor(cursor: Cursor) -> str:
    payload = {"o": cursor.order.value, "a": list(cursor.after), "f": cursor.fingerprint, "m": cursor.mode}
    if cursor.corrected:
        payload["c"] = cursor.corrected
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(token: str) -> Cursor:
    """Read a ``setelah`` token; raise ``InvalidCursor`` with a message a person can act on."""
    problem = _("Token halaman (setelah) tidak sah; mulailah lagi dari halaman pertama.")
    if not isinstance(token, str) or not token or len(token) > 4000 or not token.isascii():
        raise InvalidCursor(problem)
    try:
        raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        order = SortOrder(raw["o"])
        after, fingerprint = raw["a"], raw["f"]
        mode, corrected = raw.get("m", "s"), raw.get("c", "")
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error, UnicodeDecodeError) as error:
        raise InvalidCursor(problem) from error
    if not isinstance(fingerprint, str) or not isinstance(after, list) or len(after) != len(sort_spec(order)):
        raise InvalidCursor(problem)
    if mode not in ("s", "c", "r") or not isinstance(corrected, str) or len(corrected) > MAX_QUERY_LENGTH:
        raise InvalidCursor(problem)
    for value in after:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise InvalidCursor(problem)
        if isinstance(value, float) and value != value:  # NaN
            raise InvalidCursor(problem)
        if isinstance(value, int) and not -(2**63) <= value < 2**63:
            raise InvalidCursor(problem)
        if isinstance(value, str) and len(value) > 1000:
            raise InvalidCursor(problem)
    return Cursor(order, tuple(after), fingerprint, mode, corrected)
