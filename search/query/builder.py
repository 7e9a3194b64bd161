"""The scoring query of a parsed query (``search.query.syntax``), as elasticsearch.dsl objects.

Text goes through ``search.analysis`` (variants, stemming, folding, Arabic) exactly as the indexed
``*_norm`` / ``title_exact`` fields did, so the index needs only the ``whitespace`` analyzer.

Ranking: a whole-title match first (``title_sort`` equals the folded query), then the query as a phrase in
the unstemmed title (``title_exact``), then title words (stemmed), authors, subjects, series, publisher,
notes (``TEXT_FIELDS``), with up to three words all required (``MINIMUM_SHOULD_MATCH``). When nothing
matches, the page tries the phrase suggester's correction, then a fuzzy query that lets one word miss
(``build_relaxed_query``).
"""

from __future__ import annotations

import re

from elasticsearch.dsl import Q
from elasticsearch.dsl.query import Query

from search import analysis
from search.query.syntax import (
    MAX_CLAUSES,
    And,
    CallNumber,
    Field,
    Isbn,
    Node,
    Not,
    Or,
    ParsedQuery,
    Phrase,
    Words,
    Year,
    YearRange,
)

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
# The indexed field a field of the query language searches.
_FIELD_TEXT = {
    Field.TITLE: "title_norm",
    Field.AUTHOR: "authors_norm",
    Field.SUBJECT: "subjects_norm",
    Field.PUBLISHER: "publisher_norm",
    Field.SERIES: "series_norm",
}


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


def year_range_query(year_range: YearRange) -> Query:
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
            return Q("bool", filter=[year_range_query(node)])
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
                    built, target = year_range_query(child), filters
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
