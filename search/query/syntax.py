"""The query language: what a patron types, cleaned, lexed and parsed into a ``ParsedQuery``. No Elasticsearch
here (``search.query.builder`` turns the parsed form into a query).

Indonesian keywords first, English aliases accepted:

* words are ANDed (``tuntunan shalat``); ``OR``/``ATAU``, ``AND``/``DAN``, ``NOT``/``BUKAN`` (upper case
  only, so a title word "dan" stays a word), ``-kata`` excludes, parentheses group;
* ``"..."`` is a phrase; fields: ``judul:`` ``pengarang:`` ``subjek:`` ``penerbit:`` ``seri:`` ``isbn:``
  ``tahun:2019`` / ``tahun:2010-2020`` ``panggil:`` (call number); a field applies to the next word or
  quoted value (``pengarang:"quraish shihab"``), as in Lucene;
* an ISBN typed with or without hyphens, as ISBN-10 or ISBN-13, finds the work by its normalized forms;
  a call number (``2X4.1 SUL f``, ``297.4``) matches call numbers and classes by prefix.

``parse_query`` never raises: unbalanced quotes and parentheses close at the end, lone operators are
dropped, control characters are removed, and input is cut at ``MAX_QUERY_LENGTH`` characters and
``MAX_CLAUSES`` terms (with a warning the page shows).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from search import analysis

MAX_QUERY_LENGTH = 500
MAX_CLAUSES = 32
MAX_DEPTH = 8
YEAR_MIN, YEAR_MAX = 1000, 2100


# --- Parsed form ---------------------------------------------------------------------------------------


class Field(StrEnum):
    TITLE = "judul"
    AUTHOR = "pengarang"
    SUBJECT = "subjek"
    PUBLISHER = "penerbit"
    SERIES = "seri"
    ISBN = "isbn"
    YEAR = "tahun"
    CALL_NUMBER = "panggil"


FIELD_ALIASES = {
    "judul": Field.TITLE,
    "title": Field.TITLE,
    "ti": Field.TITLE,
    "pengarang": Field.AUTHOR,
    "penulis": Field.AUTHOR,
    "author": Field.AUTHOR,
    "au": Field.AUTHOR,
    "subjek": Field.SUBJECT,
    "subject": Field.SUBJECT,
    "topik": Field.SUBJECT,
    "su": Field.SUBJECT,
    "penerbit": Field.PUBLISHER,
    "publisher": Field.PUBLISHER,
    "seri": Field.SERIES,
    "series": Field.SERIES,
    "isbn": Field.ISBN,
    "issn": Field.ISBN,
    "tahun": Field.YEAR,
    "year": Field.YEAR,
    "panggil": Field.CALL_NUMBER,
    "callno": Field.CALL_NUMBER,
    "klasifikasi": Field.CALL_NUMBER,
}


@dataclass(frozen=True)
class Words:
    """Words to find (ANDed, see MINIMUM_SHOULD_MATCH), anywhere or in one field."""

    text: str
    field: Field | None = None


@dataclass(frozen=True)
class Phrase:
    text: str
    field: Field | None = None


@dataclass(frozen=True)
class Isbn:
    text: str
    forms: tuple[str, ...]  # normalized ISBN-13 (and ISBN-10); empty when the value is not a valid ISBN


@dataclass(frozen=True)
class YearRange:
    start: int | None
    end: int | None


@dataclass(frozen=True)
class Year:
    """A bare year among the words: the publication year, or the number in a title."""

    year: int


@dataclass(frozen=True)
class CallNumber:
    text: str
    class_part: str  # "2X4.1" of "2X4.1 SUL f"
    has_cutter: bool


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    nodes: tuple[Node, ...]


Node = Words | Phrase | Isbn | YearRange | Year | CallNumber | Not | And | Or


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the cleaned input
    root: Node | None
    warnings: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self.root is None

    @property
    def positive_text(self) -> str:
        """The words the patron looks for (not excluded ones): suggestions and highlighting use them."""
        return " ".join(_positive_texts(self.root))

    @property
    def highlight_terms(self) -> frozenset[str]:
        """Analyzed tokens (stemmed and unstemmed) of the positive words, for ``analysis.highlight``."""
        text = self.positive_text
        return frozenset(analysis.analyze(text)) | frozenset(analysis.fold_only(text).split())

    @property
    def has_free_text(self) -> bool:
        return bool(analysis.analyze(self.positive_text))


def _positive_texts(node: Node | None) -> list[str]:
    match node:
        case Words(text=text) | Phrase(text=text):
            return [text]
        case CallNumber(text=text, has_cutter=False):
            return [text]
        case And(nodes=nodes) | Or(nodes=nodes):
            return [text for child in nodes for text in _positive_texts(child)]
        case _:
            return []


# --- Lexer ---------------------------------------------------------------------------------------------

# Control and format characters (zero-width, bidi marks, BOM) become spaces.
_CONTROL_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}
_OPEN_QUOTES = {'"': '"', "“": "”", "„": "”", "«": "»", "”": "”"}
_CLOSE_QUOTES = {'"', "”", "“", "»"}
_OPERATORS = {
    "AND": "AND",
    "DAN": "AND",
    "&&": "AND",
    "OR": "OR",
    "ATAU": "OR",
    "||": "OR",
    "NOT": "NOT",
    "BUKAN": "NOT",
}
_FIELD_RE = re.compile(r"^([A-Za-z]+):(.*)$", re.DOTALL)
_BREAKS = set("()") | set(_OPEN_QUOTES) | _CLOSE_QUOTES


@dataclass(frozen=True)
class _Token:
    kind: str  # WORD PHRASE FIELD OP NEG LP RP
    value: str = ""


def clean_query_text(text: str) -> str:
    """NFC, control/format characters to spaces, collapsed whitespace, cut at MAX_QUERY_LENGTH."""
    text = unicodedata.normalize("NFC", str(text)[: MAX_QUERY_LENGTH * 4])
    text = "".join(
        " " if unicodedata.category(char) in _CONTROL_CATEGORIES or char.isspace() else char for char in text
    )
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def _lex(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif char == "(":
            tokens.append(_Token("LP"))
            i += 1
        elif char == ")":
            tokens.append(_Token("RP"))
            i += 1
        elif char in _OPEN_QUOTES or char in _CLOSE_QUOTES:
            closing = _OPEN_QUOTES.get(char, char)
            end = i + 1
            while end < n and text[end] != closing and not (closing == "”" and text[end] == '"'):
                end += 1
            phrase = text[i + 1 : end].strip()
            if phrase:
                tokens.append(_Token("PHRASE", phrase))
            i = end + 1
        elif char in "-!" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] not in "-!":
            tokens.append(_Token("NEG"))
            i += 1
        elif char == "+":
            i += 1
        else:
            end = i
            while end < n and not text[end].isspace() and text[end] not in _BREAKS:
                end += 1
            run = text[i:end]
            i = end
            if run in _OPERATORS:
                tokens.append(_Token("OP", _OPERATORS[run]))
                continue
            field_match = _FIELD_RE.match(run)
            if field_match and field_match.group(1).lower() in FIELD_ALIASES:
                tokens.append(_Token("FIELD", FIELD_ALIASES[field_match.group(1).lower()].value))
                rest = field_match.group(2)
                if rest:
                    tokens.append(_Token("WORD", rest))
                continue
            if run.strip("-!+:"):
                tokens.append(_Token("WORD", run))
    return tokens


# --- Parser --------------------------------------------------------------------------------------------

_ISBN_ONLY_RE = re.compile(r"^\s*(?:isbn(?:[-\s]?1[03])?\s*:?\s*)?[\d\s\-‐‑‒–xX]+$", re.IGNORECASE)
_CLASS_RE = re.compile(r"^(?:\d{3}|2x\d)(?:\.\d+)?$", re.IGNORECASE)
_CALL_NUMBER_RE = re.compile(
    r"^((?:\d{3}|2x\d)(?:\.\d+)?)(?:\s+([a-z]{2,4})(?:\s+([a-z]{1,2}))?)?$",
    re.IGNORECASE,
)
_YEAR_WORD_RE = re.compile(r"^(1[5-9]\d\d|20\d\d)$")
_YEAR_RANGE_RE = re.compile(r"^(\d{1,4})?\s*(?:-|–|\.\.|s\.?d\.?|sampai)\s*(\d{1,4})?$", re.IGNORECASE)


class _Parser:
    def __init__(self, tokens: list[_Token]):
        self.tokens = tokens
        self.position = 0
        self.depth = 0
        self.leaves = 0
        self.warnings: list[str] = []

    def peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def parse(self) -> Node | None:
        parts: list[Node] = []
        while self.peek() is not None:
            node = self.parse_or()
            if node is not None:
                parts.append(node)
            if self.peek() is not None and self.peek().kind == "RP":
                self.take()  # a stray ")" is ignored
        return _and(parts)

    def parse_or(self) -> Node | None:
        parts = [self.parse_and()]
        while (token := self.peek()) is not None and token.kind == "OP" and token.value == "OR":
            self.take()
            parts.append(self.parse_and())
        present = [part for part in parts if part is not None]
        if len(present) <= 1:
            return present[0] if present else None
        return Or(tuple(present))

    def parse_and(self) -> Node | None:
        items: list[Node] = []
        while (token := self.peek()) is not None and token.kind != "RP":
            if token.kind == "OP" and token.value == "OR":
                break
            if token.kind == "OP" and token.value == "AND":
                self.take()
                continue
            node = self.parse_unary()
            if node is not None:
                items.append(node)
        return _and(_merge_words(items))

    def parse_unary(self) -> Node | None:
        token = self.peek()
        if token is not None and (token.kind == "NEG" or (token.kind == "OP" and token.value == "NOT")):
            self.take()
            following = self.peek()
            if following is None or following.kind in ("RP", "OP"):
                return None  # "NOT" or "-" with nothing to negate
            inner = self.parse_unary()
            return Not(inner) if inner is not None else None
        return self.parse_primary()

    def parse_primary(self) -> Node | None:
        token = self.take()
        if token.kind == "LP":
            if self.depth >= MAX_DEPTH:
                return None
            self.depth += 1
            node = self.parse_or()
            self.depth -= 1
            if self.peek() is not None and self.peek().kind == "RP":
                self.take()
            return node
        if token.kind == "FIELD":
            target = self.peek()
            if target is None or target.kind not in ("WORD", "PHRASE"):
                return None  # "judul:" with no value
            self.take()
            return self.leaf(
                _fielded(Field(token.value), target.value, target.kind == "PHRASE", self.warnings)
            )
        if token.kind == "WORD":
            return self.leaf(_bare_word(token.value))
        if token.kind == "PHRASE":
            return self.leaf(Phrase(token.value))
        return None  # OP in a place that takes a term

    def leaf(self, node: Node | None) -> Node | None:
        if node is None:
            return None
        self.leaves += 1
        if self.leaves > MAX_CLAUSES:
            if self.leaves == MAX_CLAUSES + 1:
                self.warnings.append(
                    _("Hanya %(count)s istilah pertama yang dipakai.") % {"count": MAX_CLAUSES}
                )
            return None
        return node


def _and(items: list[Node]) -> Node | None:
    if not items:
        return None
    return items[0] if len(items) == 1 else And(tuple(items))


def _merge_words(items: list[Node]) -> list[Node]:
    """Adjacent free words become one ``Words`` so phrase and proximity boosts see them together."""
    merged: list[Node] = []
    for item in items:
        previous = merged[-1] if merged else None
        if (
            isinstance(item, Words)
            and item.field is None
            and isinstance(previous, Words)
            and previous.field is None
        ):
            merged[-1] = Words(f"{previous.text} {item.text}")
        else:
            merged.append(item)
    return merged


def _bare_word(word: str) -> Node | None:
    if not analysis.analyze(word) and not _CLASS_RE.match(word):
        return None  # punctuation only
    if analysis.isbn_forms(word) and _ISBN_ONLY_RE.match(word):
        return Isbn(word, tuple(analysis.isbn_forms(word)))
    if _CLASS_RE.match(word):
        return CallNumber(word, word, has_cutter=False)
    if _YEAR_WORD_RE.match(word):
        return Year(int(word))
    return Words(word)


def _fielded(field_name: Field, value: str, quoted: bool, warnings: list[str]) -> Node | None:
    value = value.strip()
    if not value:
        return None
    if field_name is Field.ISBN:
        return Isbn(value, tuple(analysis.isbn_forms(value)))
    if field_name is Field.YEAR:
        year_range = parse_year_range(value)
        if year_range is None:
            message = _("tahun:%(value)s tidak dikenali; tulis misalnya tahun:2019 atau tahun:2010-2020.")
            warnings.append(message % {"value": value})
        return year_range
    if field_name is Field.CALL_NUMBER:
        match = _CALL_NUMBER_RE.match(value)
        class_part = match.group(1) if match else value.split()[0]
        return CallNumber(value, class_part, has_cutter=bool(match and match.group(2)) or not match)
    if not analysis.analyze(value):
        return None
    if quoted and field_name is Field.TITLE:
        return Phrase(value, field_name)
    return Words(value, field_name)


def parse_year_range(value: str) -> YearRange | None:
    """``2019`` -> 2019..2019, ``2010-2020`` / ``2010..2020`` -> 2010..2020, ``2010-`` open; else None."""
    value = value.strip()
    if value.isdigit() and len(value) <= 4:
        year = int(value)
        return YearRange(year, year) if YEAR_MIN <= year <= YEAR_MAX else None
    match = _YEAR_RANGE_RE.match(value)
    if not match or not (match.group(1) or match.group(2)):
        return None
    start = int(match.group(1)) if match.group(1) else None
    end = int(match.group(2)) if match.group(2) else None
    for year in (start, end):
        if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
            return None
    if start is not None and end is not None and start > end:
        start, end = end, start
    return YearRange(start, end)


def parse_query(text: str) -> ParsedQuery:
    """Parse what a patron typed. Never raises; see the module docstring for the language."""
    cleaned = clean_query_text(text or "")
    if not cleaned:
        return ParsedQuery("", None)
    # A whole query that is an ISBN (spaces allowed) or a call number is read as one.
    if _ISBN_ONLY_RE.match(cleaned) and (forms := analysis.isbn_forms(cleaned)):
        return ParsedQuery(cleaned, Isbn(cleaned, tuple(forms)))
    call_number = _CALL_NUMBER_RE.match(cleaned)
    if call_number and call_number.group(2):
        return ParsedQuery(cleaned, CallNumber(cleaned, call_number.group(1), has_cutter=True))
    parser = _Parser(_lex(cleaned))
    try:
        root = parser.parse()
    except RecursionError:  # pragma: no cover - MAX_DEPTH keeps recursion shallow
        root, parser.warnings = Words(cleaned), [_("Kueri terlalu rumit; dibaca sebagai kata-kata biasa.")]
    return ParsedQuery(cleaned, root, tuple(parser.warnings))
