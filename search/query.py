"""From what a patron types to an Elasticsearch request body: parsing and query building, no I/O.

Query language (Indonesian keywords first, English aliases accepted):

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

Text goes through ``search.analysis`` (variants, stemming, folding, Arabic) exactly as the indexed
``*_norm`` / ``title_exact`` fields did, so the index needs only the ``whitespace`` analyzer.

Paging (see ``build_page`` and ``build_deep_page``): Elasticsearch refuses ``search_after`` together with
``collapse`` unless the search is sorted on the collapse field alone (checked on 8.19: "Cannot use
[collapse] in conjunction with [search_after] unless the search is sorted on the same field"). Pages of
works inside the result window therefore use ``collapse`` with ``from``; a ``setelah`` cursor continues
past any depth with ``search_after`` over holdings sorted by (sort key, work_key, library, record) with
no collapse, keeping a holding only when it is the best-sorted holding of its work (checked per batch by
``build_work_summary``), which yields exactly the works, in exactly the order, that ``collapse`` gives.
Every response carries a ``setelah`` cursor for the next page, whichever way the page was reached.

Facets (``facet_aggregations``): the selections are a ``post_filter``; each facet's aggregation is
filtered by the *other* facets' selections, so a selected facet keeps the counts of its other values
(multi-select, ORed within a facet, ANDed across facets). Counts are holdings; the number of works is a
cardinality of ``work_key`` under every selection. They travel as a ``size: 0`` request of their own
(``build_facets``) beside the page in one ``_msearch``.

Ranking: a whole-title match first (``title_sort`` equals the folded query), then the query as a phrase in
the unstemmed title (``title_exact``), then title words (stemmed), authors, subjects, series, publisher,
notes (``TEXT_FIELDS``), with up to three words all required (``MINIMUM_SHOULD_MATCH``). When nothing
matches, the page tries the phrase suggester's correction, then a fuzzy query that lets one word miss.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from django.utils.translation import gettext as _
from elasticsearch.dsl import A, Q, Search
from elasticsearch.dsl.query import Query

from search import analysis

MAX_QUERY_LENGTH = 500
MAX_CLAUSES = 32
MAX_DEPTH = 8
RESULT_WINDOW = 10_000  # index.max_result_window: from + size of a collapsed page must stay inside it
MAX_PER_PAGE = 100
HOLDINGS_PER_WORK = 5
YEAR_MIN, YEAR_MAX = 1000, 2100

# Boosts: an exact or phrase title match first, then title words, authors, subjects, series, publisher, notes.
TITLE_EQUALS_BOOST = 25.0
TITLE_PHRASE_BOOST = 12.0
TEXT_FIELDS = {
    "title_norm": 6.0,
    "authors_norm": 4.0,
    "subjects_norm": 3.0,
    "series_norm": 2.0,
    "publisher_norm": 1.5,
    "notes_norm": 0.5,
}
# Up to three words must all match; from four, one may be missing; from seven, 80 %.
MINIMUM_SHOULD_MATCH = "3<-1 6<80%"
# The forgiving fallback (only run when the strict query finds nothing): from two words, one may miss.
RELAXED_MINIMUM_SHOULD_MATCH = "1<-1 4<70%"

# Fields of the source that result lists show (not the normalized copies).
DISPLAY_FIELDS = [
    "library_code",
    "library_name",
    "library_city",
    "province",
    "unit_kind",
    "record_id",
    "work_key",
    "title",
    "authors",
    "subjects",
    "series_title",
    "publisher",
    "publish_place",
    "publish_year",
    "year",
    "edition",
    "collation",
    "isbn",
    "isbn_display",
    "call_number",
    "classification",
    "language",
    "material_type",
    "copies_total",
    "copies_available",
]
HOLDING_FIELDS = [
    "library_code",
    "library_name",
    "library_city",
    "province",
    "unit_kind",
    "record_id",
    "title",
    "call_number",
    "copies_total",
    "copies_available",
]


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
_FIELD_TEXT = {
    Field.TITLE: "title_norm",
    Field.AUTHOR: "authors_norm",
    Field.SUBJECT: "subjects_norm",
    Field.PUBLISHER: "publisher_norm",
    Field.SERIES: "series_norm",
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


# --- Query building ------------------------------------------------------------------------------------


def _text_fields() -> list[str]:
    return [f"{name}^{boost:g}" for name, boost in TEXT_FIELDS.items()]


def _words_query(words: Words) -> Query | None:
    normalized = analysis.normalize_for_query(words.text)
    folded = analysis.fold_only(words.text)
    if not normalized:
        return None
    if words.field is None:
        must = Q(
            "multi_match",
            query=normalized,
            type="cross_fields",
            fields=_text_fields(),
            minimum_should_match=MINIMUM_SHOULD_MATCH,
        )
        should = [
            Q("term", title_sort={"value": folded[:200], "boost": TITLE_EQUALS_BOOST}),
            Q("match_phrase", title_exact={"query": folded, "boost": TITLE_PHRASE_BOOST}),
        ]
        if len(normalized.split()) > 1:  # for one word these would repeat the cross_fields terms (at cost)
            should += [
                Q("match_phrase", title_norm={"query": normalized, "slop": 2, "boost": 4}),
                Q("match", title_norm={"query": normalized, "operator": "and", "boost": 3}),
                Q("match_phrase", authors_norm={"query": normalized, "slop": 1, "boost": 3}),
                Q("match", authors_norm={"query": normalized, "operator": "and", "boost": 2}),
                Q("match_phrase", subjects_norm={"query": normalized, "boost": 2}),
            ]
        return Q("bool", must=[must], should=should)
    field_name = _FIELD_TEXT[words.field]
    must = Q("match", **{field_name: {"query": normalized, "operator": "and"}})
    should = [Q("match_phrase", **{field_name: {"query": normalized, "slop": 1, "boost": 2}})]
    if words.field is Field.TITLE:
        should += [
            Q("term", title_sort={"value": folded[:200], "boost": TITLE_EQUALS_BOOST}),
            Q("match_phrase", title_exact={"query": folded, "boost": TITLE_PHRASE_BOOST}),
        ]
    return Q("bool", must=[must], should=should)


def _phrase_query(phrase: Phrase) -> Query | None:
    normalized = analysis.normalize_for_query(phrase.text)
    folded = analysis.fold_only(phrase.text)
    if not normalized:
        return None
    title_boosts = [
        Q("term", title_sort={"value": folded[:200], "boost": TITLE_EQUALS_BOOST}),
        Q("match_phrase", title_exact={"query": folded, "boost": TITLE_PHRASE_BOOST}),
    ]
    if phrase.field is Field.TITLE:
        must = Q("match_phrase", title_norm={"query": normalized})
    else:
        must = Q("multi_match", query=normalized, type="phrase", fields=_text_fields())
    return Q("bool", must=[must], should=title_boosts)


def _isbn_query(isbn: Isbn) -> Query:
    if isbn.forms:
        return Q("constant_score", filter=Q("terms", isbn=list(isbn.forms)), boost=50)
    compact = re.sub(r"[^0-9Xx]", "", isbn.text).upper()
    return Q("constant_score", filter=Q("term", isbn=compact or isbn.text), boost=50)


def _year_range_query(year_range: YearRange) -> Query:
    bounds = {}
    if year_range.start is not None:
        bounds["gte"] = year_range.start
    if year_range.end is not None:
        bounds["lte"] = year_range.end
    return Q("range", year=bounds)


def _call_number_query(call_number: CallNumber) -> Query:
    should = [
        Q("prefix", call_number={"value": call_number.text, "case_insensitive": True, "boost": 30}),
        Q("prefix", classification={"value": call_number.class_part, "case_insensitive": True, "boost": 10}),
    ]
    if not call_number.has_cutter:
        should.append(Q("prefix", call_number={"value": call_number.class_part, "case_insensitive": True}))
        words = _words_query(Words(call_number.text))
        if words is not None:
            should.append(words)
    return Q("bool", should=should, minimum_should_match=1)


def _year_query(year: Year) -> Query:
    should = [Q("term", year={"value": year.year, "boost": 2})]
    words = _words_query(Words(str(year.year)))
    if words is not None:
        should.append(words)
    return Q("bool", should=should, minimum_should_match=1)


def _build(node: Node) -> Query | None:
    match node:
        case Words():
            return _words_query(node)
        case Phrase():
            return _phrase_query(node)
        case Isbn():
            return _isbn_query(node)
        case YearRange():
            return Q("bool", filter=[_year_range_query(node)])
        case Year():
            return _year_query(node)
        case CallNumber():
            return _call_number_query(node)
        case Not(node=inner):
            built = _build(inner)
            return Q("bool", must=[Q("match_all")], must_not=[built]) if built is not None else None
        case And(nodes=nodes):
            must, filters, must_not = [], [], []
            for child in nodes:
                if isinstance(child, Not):
                    built = _build(child.node)
                    target = must_not
                elif isinstance(child, YearRange):
                    built, target = _year_range_query(child), filters
                else:
                    built, target = _build(child), must
                if built is not None:
                    target.append(built)
            if not must and not filters:
                must = [Q("match_all")]
            return Q("bool", must=must, filter=filters, must_not=must_not)
        case Or(nodes=nodes):
            should = [built for child in nodes if (built := _build(child)) is not None]
            return Q("bool", should=should, minimum_should_match=1) if should else None
    return None


def build_query(parsed: ParsedQuery) -> Query:
    """The scoring query of a parsed query; ``match_all`` for an empty one."""
    built = _build(parsed.root) if parsed.root is not None else None
    return built if built is not None else Q("match_all")


def build_relaxed_query(parsed: ParsedQuery) -> Query | None:
    """A forgiving query for when the strict one finds nothing: each positive word may be misspelled
    (edit distance by word length, against the analyzed fields and against ``spell``, which keeps words
    as catalogued) and most, not all, words must match. None without free words."""
    words = re.sub(r"[^\w\s]+", " ", analysis.fold_diacritics(parsed.positive_text)).split()
    words = list(dict.fromkeys(words))[:MAX_CLAUSES]
    per_word = []
    for word in words:
        normalized = analysis.normalize_for_query(word)
        if not normalized:
            continue
        fuzzy = {"fuzziness": "AUTO", "prefix_length": 1, "max_expansions": 20}
        alternatives = [
            Q(
                "multi_match",
                query=normalized,
                fields=["title_norm^3", "authors_norm^2", "subjects_norm"],
                **fuzzy,
            ),
            Q("match", spell={"query": word, **fuzzy}),
        ]
        per_word.append(Q("dis_max", queries=alternatives))
    if not per_word:
        return None
    return Q("bool", should=per_word, minimum_should_match=RELAXED_MINIMUM_SHOULD_MATCH)


# --- Filters (facets) ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facet:
    param: str  # the URL parameter
    field: str  # the keyword field
    size: int


FACETS = (
    Facet("perpustakaan", "library_code", 50),
    Facet("provinsi", "province", 40),
    Facet("jenis", "unit_kind", 10),
    Facet("bahan", "material_type", 15),
    Facet("bahasa", "language", 15),
    Facet("subjek", "subjects", 25),
)
FACET_BY_PARAM = {facet.param: facet for facet in FACETS}
YEAR_HISTOGRAM_INTERVAL = 10
# Facet counts are holdings (records), as in VuFind; the result count is works. Counting works per facet
# value (a cardinality per bucket) doubled the aggregation cost (measured with bench/search.py: 22 -> 12 ms
# at 100k records for a query matching 17k), and it is the aggregations that dominate a search's cost.
FACET_COUNTS_WORKS = False


@dataclass(frozen=True)
class Filters:
    """Facet selections: values within a facet are ORed, facets are ANDed."""

    values: dict[str, tuple[str, ...]] = field(default_factory=dict)  # facet param -> selected values
    year_from: int | None = None
    year_to: int | None = None

    def selected(self, param: str) -> tuple[str, ...]:
        return self.values.get(param, ())

    @property
    def is_empty(self) -> bool:
        return not any(self.values.values()) and self.year_from is None and self.year_to is None

    def clauses(self, *, except_param: str | None = None) -> list[Query]:
        clauses = [
            Q("terms", **{FACET_BY_PARAM[param].field: list(values)})
            for param, values in sorted(self.values.items())
            if values and param != except_param and param in FACET_BY_PARAM
        ]
        if except_param != "tahun" and (self.year_from is not None or self.year_to is not None):
            clauses.append(_year_range_query(YearRange(self.year_from, self.year_to)))
        return clauses

    def fingerprint_parts(self) -> list:
        values = {param: sorted(values) for param, values in sorted(self.values.items()) if values}
        return [values, self.year_from, self.year_to]


def _filtered(clauses: list[Query]) -> Query:
    return Q("bool", filter=clauses) if clauses else Q("match_all")


def facet_aggregations(filters: Filters) -> dict:
    """Aggregations for every facet, each filtered by the other facets' selections (multi-select), the
    year histogram and bounds, and the number of works matching everything selected. Built once per
    distinct selection (most searches have none); callers must not modify the returned dict."""
    selection = tuple(sorted((param, tuple(values)) for param, values in filters.values.items() if values))
    return _facet_aggregations(selection, filters.year_from, filters.year_to)


@lru_cache(maxsize=256)
def _facet_aggregations(selection: tuple, year_from: int | None, year_to: int | None) -> dict:
    filters = Filters(dict(selection), year_from, year_to)
    aggregations = {}
    for facet in FACETS:
        bucket = A("filter", _filtered(filters.clauses(except_param=facet.param)))
        values = A("terms", field=facet.field, size=facet.size)
        if FACET_COUNTS_WORKS:
            values.metric("works", "cardinality", field="work_key")
        if facet.param == "perpustakaan":
            values.bucket("label", "terms", field="library_name", size=1)
        bucket.bucket("values", values)
        selected = filters.selected(facet.param)
        if selected:  # selected values always come back, even outside the top buckets
            chosen = A("terms", field=facet.field, include=list(selected), size=len(selected))
            if FACET_COUNTS_WORKS:
                chosen.metric("works", "cardinality", field="work_key")
            if facet.param == "perpustakaan":
                chosen.bucket("label", "terms", field="library_name", size=1)
            bucket.bucket("selected", chosen)
        aggregations[f"facet_{facet.param}"] = bucket.to_dict()
    years = A("filter", _filtered(filters.clauses(except_param="tahun")))
    years.bucket("histogram", "histogram", field="year", interval=YEAR_HISTOGRAM_INTERVAL, min_doc_count=1)
    years.metric("stats", "stats", field="year")
    aggregations["facet_tahun"] = years.to_dict()
    works = A("filter", _filtered(filters.clauses()))
    works.metric("count", "cardinality", field="work_key", precision_threshold=10_000)
    aggregations["works"] = works.to_dict()
    return aggregations


# --- Sorting and cursors -------------------------------------------------------------------------------


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


# --- Request bodies ------------------------------------------------------------------------------------


def _query_dict(parsed: ParsedQuery, query: Query | None) -> dict:
    return (query if query is not None else build_query(parsed)).to_dict()


def _envelope(parsed: ParsedQuery, filters: Filters, query: Query | None, **parts) -> dict:
    """A request body: the scoring query, the facet selections as ``post_filter``, and ``parts``.

    The queries and aggregations are elasticsearch.dsl objects; the envelope is a plain dict rather than
    a chain of ``Search`` calls, each of which deep-copies everything built so far (a few milliseconds
    per request, measured with bench/search.py)."""
    body: dict = {"query": _query_dict(parsed, query)}
    if not filters.is_empty:
        body["post_filter"] = _filtered(filters.clauses()).to_dict()
    body.update(parts)
    return body


_HOLDINGS_SORT = [{"copies_available": "desc"}, {"library_name": "asc"}, {"record_id": "asc"}]


def build_page(
    parsed: ParsedQuery,
    filters: Filters,
    order: SortOrder,
    *,
    offset: int,
    size: int,
    holdings: int = HOLDINGS_PER_WORK,
    facets: bool = True,
    query: Query | None = None,
) -> dict:
    """One page of works: ``collapse`` on work_key, holdings as inner hits, facets as aggregations.

    Facet filters are a ``post_filter`` and every facet's aggregation is filtered by the *other* facets'
    selections only, so a facet keeps showing the counts of its unselected values (multi-select)."""
    if offset < 0 or size < 1 or offset + size > RESULT_WINDOW:
        raise ValueError("page outside the result window")
    body = _envelope(
        parsed,
        filters,
        query,
        sort=sort_spec(order),
        _source=DISPLAY_FIELDS,
        collapse={
            "field": "work_key",
            "inner_hits": {
                "name": "holdings",
                "size": holdings,
                "sort": _HOLDINGS_SORT,
                "_source": HOLDING_FIELDS,
            },
            "max_concurrent_group_searches": 4,
        },
        track_total_hits=False,
        size=size,
    )
    body["from"] = offset
    if facets:
        body["aggs"] = facet_aggregations(filters)
    return body


def build_facets(parsed: ParsedQuery, filters: Filters, *, query: Query | None = None) -> dict:
    """The facet counts of a search as a request of its own: sent with the page in one ``_msearch``, it
    runs beside it, skips scoring, and, having ``size: 0``, is served from Elasticsearch's shard request
    cache when the same search comes again before the index changes."""
    return {"query": _query_dict(parsed, query), "aggs": facet_aggregations(filters), "size": 0}


def build_deep_page(
    parsed: ParsedQuery,
    filters: Filters,
    order: SortOrder,
    *,
    after: tuple,
    batch: int,
    facets: bool = False,
    query: Query | None = None,
) -> dict:
    """Holdings after ``after`` in the total sort order, without collapse (so ``search_after`` is
    allowed); ``build_work_summary`` then tells which of them head their work."""
    body = _envelope(
        parsed,
        filters,
        query,
        sort=sort_spec(order),
        _source=["work_key", "library_code", "record_id"],
        search_after=list(after),
        track_total_hits=False,
        size=batch,
    )
    if facets:
        body["aggs"] = facet_aggregations(filters)
    return body


def _within_works(
    parsed: ParsedQuery, filters: Filters, work_keys: list[str], query: Query | None, *, scored: bool = True
) -> dict:
    clauses = [*filters.clauses(), Q("terms", work_key=work_keys)]
    matching = query if query is not None else build_query(parsed)
    if not scored:  # counting only: the query as a filter skips scoring
        return Q("bool", filter=[matching, *clauses]).to_dict()
    return Q("bool", must=[matching], filter=clauses).to_dict()


def build_work_summary(
    parsed: ParsedQuery,
    filters: Filters,
    order: SortOrder,
    *,
    work_keys: list[str],
    holdings: int = HOLDINGS_PER_WORK,
    query: Query | None = None,
) -> dict:
    """Per work among ``work_keys`` (under the same query and filters): its best-sorted holding (the
    one ``collapse`` would show), its first holdings, how many holdings and how many libraries."""
    per_work = A("terms", field="work_key", size=max(1, len(work_keys)))
    per_work.metric("head", "top_hits", size=1, sort=sort_spec(order), _source=DISPLAY_FIELDS)
    per_work.metric("holdings", "top_hits", size=holdings, sort=_HOLDINGS_SORT, _source=HOLDING_FIELDS)
    per_work.metric("libraries", "cardinality", field="library_code")
    return {
        "query": _within_works(parsed, filters, work_keys, query),
        "aggs": {"works": per_work.to_dict()},
        "size": 0,
        "track_total_hits": False,
    }


def build_library_counts(
    work_keys: list[str], filters: Filters, parsed: ParsedQuery, query: Query | None = None
) -> dict:
    """How many libraries hold each of ``work_keys`` (among holdings matching the search)."""
    per_work = A("terms", field="work_key", size=max(1, len(work_keys)))
    per_work.metric("libraries", "cardinality", field="library_code")
    return {
        "query": _within_works(parsed, filters, work_keys, query, scored=False),
        "aggs": {"works": per_work.to_dict()},
        "size": 0,
        "track_total_hits": False,
    }


def build_work_holdings(work_key: str, *, size: int = 1000) -> dict:
    """Every holding of one work, library by library."""
    search = Search().filter("term", work_key=work_key).sort({"library_name": "asc"}, {"record_id": "asc"})
    return search.source(DISPLAY_FIELDS).extra(size=size, track_total_hits=True).to_dict()


def build_record(library_code: str, record_id: int) -> dict:
    search = Search().filter("term", library_code=library_code).filter("term", record_id=record_id)
    return search.source(DISPLAY_FIELDS).extra(size=1).to_dict()


# --- Suggestions ---------------------------------------------------------------------------------------

SUGGEST_SIZE = 8


def completion_prefixes(text: str) -> list[str]:
    """What to complete: the typed text folded (as spelled) and, if different, with canonical spellings
    for the words already complete ("sholat tu" -> "salat tu"); the last word is kept as typed."""
    cleaned = clean_query_text(text)[:100]
    words = re.sub(r"[^\w\s]+", " ", analysis.fold_diacritics(cleaned)).split()
    if not words:
        return []
    typed = " ".join(words)
    complete = words[:-1]
    canonical_head = analysis.fold_only(" ".join(complete)).split() if complete else []
    canonical = " ".join([*canonical_head, words[-1]])
    last_canonical = analysis.fold_only(words[-1])
    prefixes = [typed, canonical]
    if last_canonical and last_canonical != words[-1]:
        prefixes.append(" ".join([*canonical_head, last_canonical]))
    return list(dict.fromkeys(prefix for prefix in prefixes if prefix))


def build_completion(text: str, *, size: int = SUGGEST_SIZE) -> dict | None:
    """Completion suggester body over titles and authors; None when there is nothing to complete."""
    prefixes = completion_prefixes(text)
    if not prefixes:
        return None
    suggest = {}
    for number, prefix in enumerate(prefixes):
        completion = {"field": "suggest", "size": size, "skip_duplicates": True}
        if number == 0 and len(prefix) >= 5:  # typos in what was typed; short prefixes would drown
            completion["fuzzy"] = {"fuzziness": 1, "prefix_length": 3}
        suggest[f"s{number}"] = {"prefix": prefix, "completion": completion}
    return {"suggest": suggest, "_source": ["title", "authors", "work_key"]}


def build_did_you_mean(parsed: ParsedQuery) -> dict | None:
    """Phrase suggester ("did you mean") over the ``spell`` field, words spelled as the index has them."""
    text = " ".join(re.sub(r"[^\w\s]+", " ", analysis.fold_diacritics(parsed.positive_text)).split())
    if not text:
        return None
    return {
        "size": 0,
        "suggest": {
            "text": text[:200],
            "spelling": {
                "phrase": {
                    "field": "spell.shingles",
                    "size": 1,
                    "gram_size": 3,
                    "max_errors": 2,
                    "confidence": 1.0,
                    "direct_generator": [
                        {"field": "spell", "suggest_mode": "always", "min_word_length": 3, "prefix_length": 1}
                    ],
                    "highlight": {"pre_tag": "<em>", "post_tag": "</em>"},
                }
            },
        },
    }
