"""From a record in a library's schema to its union-index document (the mapping is search.documents).

Personal data never goes here: no member, no loan — only how many copies exist and how many are on
the shelf. Text fields are normalized by ``search.analysis`` so the index needs only core analyzers.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from search import analysis
from tenants.catalog.normalized import NormalizedRecord

_YEAR_RE = re.compile(r"(1[5-9]\d{2}|20\d{2})")


@dataclass(frozen=True)
class LibraryHolding:
    """What the union index shows about the holding library (public-schema data, looked up once)."""

    code: str
    name: str
    city: str
    province: str
    unit_kind: str

    @classmethod
    def of(cls, library) -> LibraryHolding:
        return cls(library.code, library.name, library.city, library.province, library.kind)


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


def work_key_for(*, isbn_issn: str, title: str, primary_author: str) -> str:
    """Groups the same work across libraries: the ISBN-13 when valid, else a fingerprint of the
    normalized title and primary author (spelling variants and word order of names do not matter)."""
    isbn13 = isbn13_of(isbn_issn)
    if isbn13:
        return f"isbn:{isbn13}"
    title_part = " ".join(analysis.analyze(title))
    author_tokens = analysis.fold_only(primary_author).split()
    author_part = " ".join(sorted(token for token in author_tokens if len(token) > 1))
    digest = hashlib.sha1(f"{title_part}|{author_part}".encode(), usedforsecurity=False).hexdigest()[:20]
    return f"fp:{digest}"


def _joined(values: list[str]) -> str:
    return " ".join(value for value in values if value)


@dataclass(frozen=True)
class RecordFields:
    """The catalogue values a union document is built from, whatever holds them (a ``Record`` row in a
    library's schema, or a ``NormalizedRecord`` that never touched PostgreSQL, as in the benchmark)."""

    record_id: int
    source_key: str
    title: str
    authors: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    publisher: str = ""
    publish_place: str = ""
    publish_year: str = ""
    edition: str = ""
    collation: str = ""
    series_title: str = ""
    notes: str = ""
    isbn_issn: str = ""
    call_number: str = ""
    classification: str = ""
    language: str = ""
    material_type: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None


_SUGGEST_MAX_WORDS = 12
_SUGGEST_SUFFIXES = 2  # also complete from the 2nd and 3rd word of a title ("shalat" in "Tuntunan Shalat")


def suggest_inputs(title: str, authors: tuple[str, ...] | list[str]) -> list[str]:
    """Completion inputs: each title and author name folded (as typed, diacritics and case gone) and
    with canonical spellings (what the query side sends once a word is complete), each also from its
    second and third word, so typing a word from inside a title or a name ("quraish") completes it too."""
    inputs: list[str] = []
    title_words = analysis.fold_diacritics(title).split()[:_SUGGEST_MAX_WORDS]
    canonical_words = analysis.fold_only(title).split()[:_SUGGEST_MAX_WORDS]
    for words in (title_words, canonical_words):
        for start in range(min(_SUGGEST_SUFFIXES + 1, len(words))):
            inputs.append(" ".join(words[start:]))
    for author in list(authors)[:3]:
        for form in (analysis.fold_diacritics(author), analysis.fold_only(author)):
            words = suggest_form(form).split()
            inputs += [" ".join(words[start:]) for start in range(min(_SUGGEST_SUFFIXES + 1, len(words)))]
    cleaned = (suggest_form(value)[:100] for value in inputs)
    return list(dict.fromkeys(value for value in cleaned if value))


def spell_text(title: str, authors: list[str], subjects: list[str]) -> str:
    """Words for "did you mean" and the forgiving query: every word as catalogued (case and diacritics
    folded) and, where it differs, its canonical spelling — so "sholta" can be corrected to "sholat"
    (edit distance 1) although the canonical token is "salat"."""
    text = _joined([title, *authors, *subjects])
    as_typed = suggest_form(analysis.fold_diacritics(text))
    canonical = analysis.fold_only(text)
    return as_typed if canonical == as_typed else f"{as_typed} {canonical}"


def suggest_form(text: str) -> str:
    """A completion input as stored: punctuation to spaces, single spaces (so the suggester's answer
    can be compared with an author's or title's folded form)."""
    return " ".join(re.sub(r"[^\w\s]+", " ", text).split())


def union_document(
    *, library: LibraryHolding, fields: RecordFields, copies_total: int, copies_available: int
) -> dict[str, object]:
    """The union-index document of one holding; every builder goes through here."""
    authors = list(fields.authors)
    subjects = list(fields.subjects)
    primary_author = authors[0] if authors else ""
    title_folded = analysis.fold_only(fields.title)
    work_key = work_key_for(isbn_issn=fields.isbn_issn, title=fields.title, primary_author=primary_author)
    spell = spell_text(fields.title, authors, subjects)
    return {
        "_id": document_id(library.code, fields.record_id),
        "library_code": library.code,
        "library_name": library.name,
        "library_city": library.city,
        "province": library.province,
        "unit_kind": library.unit_kind,
        "record_id": fields.record_id,
        "source_key": fields.source_key,
        "work_key": work_key,
        "title": fields.title,
        "title_norm": analysis.normalize_for_index(fields.title),
        "title_exact": title_folded,
        "title_sort": title_folded[:200],
        "authors": authors,
        "authors_norm": analysis.normalize_for_index(_joined(authors)),
        "author_primary": primary_author,
        "subjects": subjects,
        "subjects_norm": analysis.normalize_for_index(_joined(subjects)),
        "series_title": fields.series_title,
        "series_norm": analysis.normalize_for_index(fields.series_title),
        "publisher": fields.publisher,
        "publisher_norm": analysis.normalize_for_index(fields.publisher),
        "publish_place": fields.publish_place,
        "publish_year": fields.publish_year,
        "year": parse_year(fields.publish_year),
        "edition": fields.edition,
        "collation": fields.collation,
        "notes_norm": analysis.normalize_for_index(fields.notes),
        "isbn": analysis.isbn_forms(fields.isbn_issn or ""),
        "isbn_display": fields.isbn_issn,
        "call_number": fields.call_number,
        "classification": fields.classification,
        "language": fields.language,
        "material_type": fields.material_type,
        "copies_total": copies_total,
        "copies_available": copies_available,
        "created_at": fields.created_at.isoformat() if fields.created_at else None,
        "updated_at": fields.updated_at.isoformat() if fields.updated_at else None,
        "indexed_at": datetime.now(UTC).isoformat(),
        "spell": spell,
        "suggest": {"input": suggest_inputs(fields.title, authors)},
    }


def build_union_document(
    *, library: LibraryHolding, record, copies_total: int, copies_available: int
) -> dict[str, object]:
    """The document for ``record`` (a ``tenants.catalog.models.Record`` with authors, subjects and
    publisher prefetched). Returns the source with ``_id`` set, ready for a bulk request."""
    fields = RecordFields(
        record_id=record.pk,
        source_key=record.source_key,
        title=record.title,
        authors=tuple(link.author.name for link in record.record_authors.all()),
        subjects=tuple(subject.name for subject in record.subjects.all()),
        publisher=record.publisher.name if record.publisher_id else "",
        publish_place=record.publish_place,
        publish_year=record.publish_year,
        edition=record.edition,
        collation=record.collation,
        series_title=record.series_title,
        notes=record.notes,
        isbn_issn=record.isbn_issn,
        call_number=record.call_number,
        classification=record.classification,
        language=record.language,
        material_type=record.material_type,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )
    return union_document(
        library=library, fields=fields, copies_total=copies_total, copies_available=copies_available
    )


def build_union_document_from_normalized(
    *, library: LibraryHolding, record: NormalizedRecord, record_id: int, created_at: datetime | None = None
) -> dict[str, object]:
    """The document a ``NormalizedRecord`` would get once stored as ``record_id`` in ``library``'s schema,
    without PostgreSQL (benchmark and fixed test catalogues). Copies on the shelf are those with an empty
    status: a normalized record carries no loans."""
    fields = RecordFields(
        record_id=record_id,
        source_key=record.source_key,
        title=record.title,
        authors=tuple(name.strip() for name in record.authors if name.strip()),
        subjects=tuple(name.strip() for name in record.subjects if name.strip()),
        publisher=record.publisher.strip(),
        publish_place=record.publish_place,
        publish_year=record.publish_year,
        edition=record.edition,
        collation=record.collation,
        series_title=record.series_title,
        notes=record.notes,
        isbn_issn=record.isbn_issn,
        call_number=record.call_number,
        classification=record.classification,
        language=record.language,
        material_type=record.material_type,
        created_at=created_at,
        updated_at=created_at,
    )
    available = sum(1 for copy in record.copies if not copy.status)
    return union_document(
        library=library, fields=fields, copies_total=len(record.copies), copies_available=available
    )
