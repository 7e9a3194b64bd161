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
    author_part = " ".join(sorted(token for token in analysis.fold_only(primary_author).split() if len(token) > 1))
    digest = hashlib.sha1(f"{title_part}|{author_part}".encode(), usedforsecurity=False).hexdigest()[:20]
    return f"fp:{digest}"


def _joined(values: list[str]) -> str:
    return " ".join(value for value in values if value)


def build_union_document(
    *, library: LibraryHolding, record, copies_total: int, copies_available: int
) -> dict[str, object]:
    """The document for ``record`` (a ``tenants.catalog.models.Record`` with authors, subjects and
    publisher prefetched). Returns the source with ``_id`` set, ready for a bulk request."""
    authors = [link.author.name for link in record.record_authors.all()]
    subjects = [subject.name for subject in record.subjects.all()]
    publisher = record.publisher.name if record.publisher_id else ""
    primary_author = authors[0] if authors else ""
    isbn_forms = analysis.isbn_forms(record.isbn_issn or "")
    suggest_inputs = [record.title[:200], *authors[:3]]
    return {
        "_id": document_id(library.code, record.pk),
        "library_code": library.code,
        "library_name": library.name,
        "library_city": library.city,
        "province": library.province,
        "unit_kind": library.unit_kind,
        "record_id": record.pk,
        "source_key": record.source_key,
        "work_key": work_key_for(isbn_issn=record.isbn_issn, title=record.title, primary_author=primary_author),
        "title": record.title,
        "title_norm": analysis.normalize_for_index(record.title),
        "title_exact": analysis.fold_only(record.title),
        "title_sort": analysis.fold_only(record.title)[:200],
        "authors": authors,
        "authors_norm": analysis.normalize_for_index(_joined(authors)),
        "author_primary": primary_author,
        "subjects": subjects,
        "subjects_norm": analysis.normalize_for_index(_joined(subjects)),
        "series_title": record.series_title,
        "series_norm": analysis.normalize_for_index(record.series_title),
        "publisher": publisher,
        "publisher_norm": analysis.normalize_for_index(publisher),
        "publish_place": record.publish_place,
        "publish_year": record.publish_year,
        "year": parse_year(record.publish_year),
        "edition": record.edition,
        "collation": record.collation,
        "notes_norm": analysis.normalize_for_index(record.notes),
        "isbn": isbn_forms,
        "isbn_display": record.isbn_issn,
        "call_number": record.call_number,
        "classification": record.classification,
        "language": record.language,
        "material_type": record.material_type,
        "copies_total": copies_total,
        "copies_available": copies_available,
        "created_at": record.created_at.isoformat() if record.created_at else None,
        "updated_at": record.updated_at.isoformat() if record.updated_at else None,
        "indexed_at": datetime.now(UTC).isoformat(),
        "suggest": {"input": [value for value in suggest_inputs if value]},
    }
