"""From a record in a library's schema to its union-index document (the mapping is search.documents).

Personal data never goes here: no member, no loan — only how many copies exist and how many are on
the shelf. Text fields are normalized by ``search.analysis`` so the index needs only core analyzers.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum

from catalog.normalized import DESCRIPTIVE_COLUMNS, DESCRIPTIVE_FIELDS, NormalizedRecord
from catalog.selectors import availability_is_known
from search import analysis

_YEAR_RE = re.compile(r"(1[5-9]\d{2}|20\d{2})")


@dataclass(frozen=True)
class LibraryHolding:
    """What the union index shows about the holding library (public-schema data, looked up once)."""

    code: str
    name: str
    city: str
    province: str
    unit_kind: str
    availability_known: bool = True  # catalog.selectors.availability_is_known

    @classmethod
    def of(cls, library) -> LibraryHolding:
        return cls(
            library.code,
            library.name,
            library.city,
            library.province,
            library.kind,
            availability_known=availability_is_known(library),
        )


class Availability(StrEnum):
    """A holding's availability as the index keeps it (the ``ketersediaan`` facet's values)."""

    AVAILABLE = "tersedia"  # known: at least one copy on the shelf
    NOT_AVAILABLE = "tidak_tersedia"  # known: no copy on the shelf (lent, missing, in repair, or none)
    UNKNOWN = "tidak_diketahui"  # the source reports no loans: only the number of copies is known


def availability_of(*, known: bool, copies_available: int | None) -> Availability:
    if not known or copies_available is None:
        return Availability.UNKNOWN
    return Availability.AVAILABLE if copies_available > 0 else Availability.NOT_AVAILABLE


def document_id(library_code: str, record_id: int) -> str:
    return f"{library_code}:{record_id}"


def parse_year(publish_year: str) -> int | None:
    """The Gregorian year of a SLiMS ``publish_year`` text ("2019", "1440 H/2019", "cet. 2, 2015")."""
    years = [int(found) for found in _YEAR_RE.findall(publish_year or "")]
    current = datetime.now(UTC).year + 1
    plausible = [year for year in years if year <= current]
    return plausible[-1] if plausible else None


def isbn13_of(isbn_issn: str) -> str | None:
    forms = analysis.isbn_forms(isbn_issn or "")
    return forms[0] if forms else None


def work_key_for(*, isbn_issn: str, title: str, primary_author: str, memo: TextMemo | None = None) -> str:
    """Groups the same work across libraries: the ISBN-13 when valid, else a fingerprint of the
    normalized title and primary author (spelling variants and word order of names do not matter)."""
    memo = memo or TextMemo()
    forms = memo.isbn_forms(isbn_issn or "")
    if forms:
        return f"isbn:{forms[0]}"
    title_part = memo.normalize_for_index(title)  # " ".join(analysis.analyze(title))
    author_tokens = memo.fold_only(primary_author).split()
    author_part = " ".join(sorted(token for token in author_tokens if len(token) > 1))
    digest = hashlib.sha1(f"{title_part}|{author_part}".encode(), usedforsecurity=False).hexdigest()[:20]
    return f"fp:{digest}"


class TextMemo:
    """The ``search.analysis`` results of one document or one drain batch, each text analysed once: a
    title's normalized and folded forms serve several fields, and authors, subjects and publishers repeat
    across a batch. Pure functions, so a memoized answer is the very one a fresh call would give."""

    __slots__ = ("_diacritics", "_folded", "_isbn", "_normalized")

    def __init__(self) -> None:
        self._normalized: dict[str, str] = {}
        self._folded: dict[str, str] = {}
        self._diacritics: dict[str, str] = {}
        self._isbn: dict[str, list[str]] = {}

    def normalize_for_index(self, text: str) -> str:
        found = self._normalized.get(text)
        if found is None:
            found = self._normalized[text] = analysis.normalize_for_index(text)
        return found

    def fold_only(self, text: str) -> str:
        found = self._folded.get(text)
        if found is None:
            found = self._folded[text] = analysis.fold_only(text)
        return found

    def fold_diacritics(self, text: str) -> str:
        found = self._diacritics.get(text)
        if found is None:
            found = self._diacritics[text] = analysis.fold_diacritics(text)
        return found

    def isbn_forms(self, text: str) -> list[str]:
        found = self._isbn.get(text)
        if found is None:
            found = self._isbn[text] = analysis.isbn_forms(text)
        return list(found)


def _joined(values: list[str]) -> str:
    return " ".join(value for value in values if value)


@dataclass(frozen=True)
class RecordFields:
    """What a union document is built from: a record's id and dates, and its catalogue content in the one
    declaration of a record's fields (``catalog.normalized.NormalizedRecord``), whatever held it (a
    ``Record`` row in a library's schema, or a ``NormalizedRecord`` that never touched PostgreSQL, as in the
    benchmark). The content's copies, raw metadata and ``opac_hide`` are not read."""

    record_id: int
    content: NormalizedRecord
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def __getattr__(self, name: str) -> object:
        # Reads like the record it holds: ``fields.title``, ``fields.authors``.
        if name in _CONTENT_FIELDS:
            return getattr(self.content, name)
        raise AttributeError(name)


_CONTENT_FIELDS = frozenset(("source_key", *DESCRIPTIVE_FIELDS))


# How the document shows each descriptive field of a record (``DESCRIPTIVE_FIELDS``): under its own name,
# except as said here — so a field added to the declaration is shown (and cited) without being listed.
SHOWN_AS = {"isbn_issn": "isbn_display"}  # ``isbn`` holds the normalized forms the search matches
NOT_SHOWN = frozenset({"notes", "abstract"})  # long and unique: searched (``notes_norm``), not kept
RECORD_DISPLAY_FIELDS = tuple(
    SHOWN_AS.get(name, name) for name in DESCRIPTIVE_FIELDS if name not in NOT_SHOWN
)
"""Document fields that show the record as catalogued (result lists, the work page, citations)."""


def _shown_value(name: str, value: object) -> object:
    if name == "subjects":
        # Subjects have no order in the catalogue (a plain many-to-many), and the SQL and ORM reads return
        # them in whatever order PostgreSQL finds them: sort, so every road gives the same document.
        return sorted(value)
    return list(value) if isinstance(value, tuple) else value


_SUGGEST_MAX_WORDS = 12
_SUGGEST_SUFFIXES = 2  # also complete from the 2nd and 3rd word of a title ("shalat" in "Tuntunan Shalat")


def suggest_inputs(
    title: str, authors: tuple[str, ...] | list[str], *, memo: TextMemo | None = None
) -> list[str]:
    """Completion inputs: each title and author name folded (as typed, diacritics and case gone) and
    with canonical spellings (what the query side sends once a word is complete), each also from its
    second and third word, so typing a word from inside a title or a name ("quraish") completes it too."""
    memo = memo or TextMemo()
    inputs: list[str] = []
    title_words = memo.fold_diacritics(title).split()[:_SUGGEST_MAX_WORDS]
    canonical_words = memo.fold_only(title).split()[:_SUGGEST_MAX_WORDS]
    for words in (title_words, canonical_words):
        for start in range(min(_SUGGEST_SUFFIXES + 1, len(words))):
            inputs.append(" ".join(words[start:]))
    for author in list(authors)[:3]:
        for form in (memo.fold_diacritics(author), memo.fold_only(author)):
            words = suggest_form(form).split()
            inputs += [" ".join(words[start:]) for start in range(min(_SUGGEST_SUFFIXES + 1, len(words)))]
    cleaned = (suggest_form(value)[:100] for value in inputs)
    return list(dict.fromkeys(value for value in cleaned if value))


def spell_text(title: str, authors: list[str], subjects: list[str], *, memo: TextMemo | None = None) -> str:
    """Words for "did you mean" and the forgiving query: every word as catalogued (case and diacritics
    folded) and, where it differs, its canonical spelling — so "sholta" can be corrected to "sholat"
    (edit distance 1) although the canonical token is "salat"."""
    memo = memo or TextMemo()
    text = _joined([title, *authors, *subjects])
    as_typed = suggest_form(memo.fold_diacritics(text))
    canonical = memo.fold_only(text)
    return as_typed if canonical == as_typed else f"{as_typed} {canonical}"


_NON_WORD_RE = re.compile(r"[^\w\s]+")


def suggest_form(text: str) -> str:
    """A completion input as stored: punctuation to spaces, single spaces (so the suggester's answer
    can be compared with an author's or title's folded form)."""
    return " ".join(_NON_WORD_RE.sub(" ", text).split())


def union_document(
    *,
    library: LibraryHolding,
    fields: RecordFields,
    copies_total: int,
    copies_available: int,
    memo: TextMemo | None = None,
) -> dict[str, object]:
    """The union-index document of one holding; every builder goes through here. ``memo`` (one per drain
    batch) saves analysing the same text twice; the document is the same with or without it.

    Where the library's availability is not known (``LibraryHolding.availability_known``), the document
    keeps the number of copies and no ``copies_available`` at all, so that nothing downstream (pages, API,
    facet, holdings order) can take the copies for being on the shelf."""
    memo = memo or TextMemo()
    available = copies_available if library.availability_known else None
    record = fields.content
    shown = {
        SHOWN_AS.get(name, name): _shown_value(name, getattr(record, name))
        for name in DESCRIPTIVE_FIELDS
        if name not in NOT_SHOWN
    }
    authors, subjects = shown["authors"], shown["subjects"]
    primary_author = authors[0] if authors else ""
    title_folded = memo.fold_only(record.title)
    work_key = work_key_for(
        isbn_issn=record.isbn_issn, title=record.title, primary_author=primary_author, memo=memo
    )
    spell = spell_text(record.title, authors, subjects, memo=memo)
    return {
        "_id": document_id(library.code, fields.record_id),
        "library_code": library.code,
        "library_name": library.name,
        "library_city": library.city,
        "province": library.province,
        "unit_kind": library.unit_kind,
        "record_id": fields.record_id,
        "source_key": record.source_key,
        "work_key": work_key,
        **shown,
        "title_norm": memo.normalize_for_index(record.title),
        "title_exact": title_folded,
        "title_sort": title_folded[:200],
        "authors_norm": memo.normalize_for_index(_joined(authors)),
        "author_primary": primary_author,
        "subjects_norm": memo.normalize_for_index(_joined(subjects)),
        "series_norm": memo.normalize_for_index(record.series_title),
        "publisher_norm": memo.normalize_for_index(record.publisher),
        "year": parse_year(record.publish_year),
        # long and unique: not memoized
        "notes_norm": analysis.normalize_for_index(_joined([record.notes, record.abstract])),
        "isbn": memo.isbn_forms(record.isbn_issn or ""),
        "copies_total": copies_total,
        "copies_available": available,
        "availability_known": library.availability_known,
        "availability": availability_of(known=library.availability_known, copies_available=available).value,
        "created_at": fields.created_at.isoformat() if fields.created_at else None,
        "updated_at": fields.updated_at.isoformat() if fields.updated_at else None,
        "indexed_at": datetime.now(UTC).isoformat(),
        "spell": spell,
        "suggest": {"input": suggest_inputs(record.title, authors, memo=memo)},
    }


def build_union_document(
    *, library: LibraryHolding, record, copies_total: int, copies_available: int
) -> dict[str, object]:
    """The document for ``record`` (a ``catalog.models.Record`` with authors, subjects and
    publisher prefetched). Returns the source with ``_id`` set, ready for a bulk request."""
    content = NormalizedRecord(
        source_key=record.source_key,
        authors=tuple(link.author.name for link in record.record_authors.all()),
        subjects=tuple(subject.name for subject in record.subjects.all()),
        publisher=record.publisher.name if record.publisher_id else "",
        **{name: getattr(record, name) for name in DESCRIPTIVE_COLUMNS},
    )
    fields = RecordFields(record.pk, content, record.created_at, record.updated_at)
    return union_document(
        library=library, fields=fields, copies_total=copies_total, copies_available=copies_available
    )


def build_union_document_from_normalized(
    *, library: LibraryHolding, record: NormalizedRecord, record_id: int, created_at: datetime | None = None
) -> dict[str, object]:
    """The document a ``NormalizedRecord`` would get once stored as ``record_id`` in ``library``'s schema,
    without PostgreSQL (benchmark and fixed test catalogues). Copies on the shelf are those with an empty
    status: a normalized record carries no loans."""
    # As catalog.services stores them: names stripped, empty ones dropped.
    content = replace(
        record,
        authors=tuple(name.strip() for name in record.authors if name.strip()),
        subjects=tuple(name.strip() for name in record.subjects if name.strip()),
        publisher=record.publisher.strip(),
    )
    fields = RecordFields(record_id, content, created_at=created_at, updated_at=created_at)
    available = sum(1 for copy in record.copies if not copy.status)
    return union_document(
        library=library, fields=fields, copies_total=len(record.copies), copies_available=available
    )
