"""Reads of cataloguing: the staff's search of their own catalogue (hidden records included), one
record with its copies and loans, the duplicate warning, authority suggestions, an object's history,
and another library's record read for copy cataloguing."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Lower, Replace, Upper
from django_tenants.utils import schema_context

from catalog.audit import trail_for
from catalog.cataloguing.services import AuthorEntry, RecordData
from catalog.cataloguing.validation import isbn_forms, normalized_text
from catalog.models import AuditEntry, Author, Item, Loan, Publisher, Record, RecordAuthor, Subject
from catalog.selectors import open_loan_exists

# SLiMS's default GMD list (mst_gmd), the material types a librarian picks from.
SLIMS_GMD = (
    "Text",
    "Art Original",
    "Chart",
    "Computer Software",
    "Diorama",
    "Filmstrip",
    "Flash Card",
    "Game",
    "Globe",
    "Kit",
    "Map",
    "Microform",
    "Manuscript",
    "Model",
    "Motion Picture",
    "Microscope Slides",
    "Music",
    "Picture",
    "Realia",
    "Slide",
    "Sound Recording",
    "Technical Drawing",
    "Transparency",
    "Video Recording",
    "Equipment",
    "Computer File",
    "Cartographic Material",
    "CD-ROM",
    "Multimedia",
    "Electronic Resource",
    "Digital Versatile Disc",
)


def _with_compact_isbn(records: QuerySet[Record]) -> QuerySet[Record]:
    """``isbn_compact``: the ISBN/ISSN column without hyphens and spaces, upper case (as typed it may have
    either), so every form of a number can be looked for."""
    compact = Upper(Replace(Replace("isbn_issn", Value("-"), Value("")), Value(" "), Value("")))
    return records.annotate(isbn_compact=compact)


def _isbn_match(forms: set[str]) -> Q:
    match = Q(pk__in=[])
    for form in forms:
        match |= Q(isbn_compact__contains=form)
    return match


SORTS = {
    "baru": ("-created_at", "-id"),
    "diubah": ("-updated_at", "-id"),
    "judul": ("title_lower", "id"),
    "tahun": ("-publish_year", "-id"),
    "nomor-panggil": ("call_number", "id"),
}


@dataclass(frozen=True)
class StaffQuery:
    text: str = ""
    hidden: str = ""  # "" all, "ya" hidden only, "tidak" visible only
    material_type: str = ""
    year: str = ""
    order: str = "baru"


def staff_records(query: StaffQuery) -> QuerySet[Record]:
    """The library's records for its staff: hidden ones too. ``text`` matches title, author, ISBN (any
    form), call number or a copy's barcode."""
    records = _with_compact_isbn(Record.objects.select_related("publisher")).annotate(
        copies_total=Count("items", distinct=True), title_lower=Lower("title")
    )
    text = query.text.strip()
    if text:
        match = (
            Q(title__icontains=text)
            | Q(call_number__icontains=text)
            | Q(isbn_issn__icontains=text)
            | Q(pk__in=RecordAuthor.objects.filter(author__name__icontains=text).values("record_id"))
            | Q(pk__in=Item.objects.filter(item_code__istartswith=text).values("record_id"))
        )
        compact = text.replace("-", "").replace(" ", "").upper()
        match |= _isbn_match(isbn_forms(compact) | ({compact} if len(compact) >= 8 else set()))
        records = records.filter(match)
    if query.hidden == "ya":
        records = records.filter(opac_hide=True)
    elif query.hidden == "tidak":
        records = records.filter(opac_hide=False)
    if query.material_type:
        records = records.filter(material_type=query.material_type)
    if query.year:
        records = records.filter(publish_year__contains=query.year)
    order = SORTS.get(query.order, SORTS["baru"])
    return records.prefetch_related(
        Prefetch(
            "record_authors", queryset=RecordAuthor.objects.select_related("author").order_by("position")
        )
    ).order_by(*order)


def material_types_in_use() -> list[str]:
    used = Record.objects.exclude(material_type="").values_list("material_type", flat=True).distinct()
    return sorted(set(SLIMS_GMD) | set(used), key=str.casefold)


def record_for_staff(record_id: int) -> Record | None:
    return (
        Record.objects.select_related("publisher")
        .prefetch_related(
            Prefetch(
                "record_authors", queryset=RecordAuthor.objects.select_related("author").order_by("position")
            ),
            "subjects",
        )
        .filter(pk=record_id)
        .first()
    )


def copies_of(record: Record) -> list[Item]:
    """The record's copies, each with ``on_loan`` (an open loan exists; "on loan" is not a status)."""
    if record.pk is None:
        return []
    return list(record.items.annotate(on_loan=open_loan_exists()).order_by("item_code"))


def on_loan_ids(record: Record) -> set[int]:
    return {item.pk for item in copies_of(record) if item.on_loan}


@dataclass(frozen=True)
class Duplicate:
    record_id: int
    title: str
    authors: list[str]
    isbn_issn: str
    publish_year: str
    reason: str  # "isbn" or "judul"


def _primary_author(record: Record) -> str:
    links = sorted(record.record_authors.all(), key=lambda link: (link.level, link.position))
    return links[0].author.name if links else ""


def duplicates_for(
    *, isbn: str = "", title: str = "", author: str = "", exclude_id: int | None = None, limit: int = 5
) -> list[Duplicate]:
    """Records of this library that look like the one being typed: the same ISBN (in any of its forms),
    or the same normalized title with the same normalized primary author (or none on either side)."""
    found: dict[int, Duplicate] = {}
    prefetch = Prefetch(
        "record_authors", queryset=RecordAuthor.objects.select_related("author").order_by("position")
    )

    def add(records, reason: str) -> None:
        for record in records:
            if record.pk not in found and record.pk != exclude_id and len(found) < limit:
                found[record.pk] = Duplicate(
                    record_id=record.pk,
                    title=record.title,
                    authors=[link.author.name for link in record.record_authors.all()],
                    isbn_issn=record.isbn_issn,
                    publish_year=record.publish_year,
                    reason=reason,
                )

    forms = isbn_forms(isbn)
    if forms:
        candidates = (
            _with_compact_isbn(Record.objects).filter(_isbn_match(forms)).prefetch_related(prefetch)[:50]
        )
        add([record for record in candidates if isbn_forms(record.isbn_issn) & forms], "isbn")
    wanted_title = normalized_text(title)
    if len(wanted_title) >= 3:
        wanted_author = normalized_text(author)
        words = sorted(wanted_title.split(), key=len, reverse=True)
        candidates = Record.objects.filter(title__icontains=words[0]).prefetch_related(prefetch)[:300]
        add(
            [
                record
                for record in candidates
                if normalized_text(record.title) == wanted_title
                and normalized_text(_primary_author(record)) == wanted_author
            ],
            "judul",
        )
    return list(found.values())


AUTHORITY_MODELS = {"pengarang": Author, "subjek": Subject, "penerbit": Publisher}


def authority_suggestions(kind: str, text: str, *, limit: int = 10) -> list[dict]:
    """Existing authority rows whose name contains ``text`` (those starting with it first), for the
    record form's autocomplete: ``[{"id": …, "name": …, "records": n}]``."""
    model = AUTHORITY_MODELS[kind]
    text = text.strip()[:100]
    if len(text) < 2:
        return []
    rows = (
        model.objects.filter(name__icontains=text)
        .annotate(starts=Exists(model.objects.filter(pk=OuterRef("pk"), name__istartswith=text)))
        .annotate(uses=Count("records" if model is not Publisher else "record", distinct=True))
        .order_by("-starts", "-uses", "name")[:limit]
    )
    return [{"id": row.pk, "name": row.name, "records": row.uses} for row in rows]


def history_of_record(record: Record) -> list[AuditEntry]:
    """The record's own entries and those of its copies (deleted copies included), newest first."""
    item_ids = list(record.items.values_list("pk", flat=True))
    entries = AuditEntry.objects.filter(
        Q(object_type="record", object_id=record.pk)
        | Q(object_type="item", object_id__in=item_ids)
        | Q(object_type="item", changes__record__contains=[record.pk])
    )
    return list(entries.order_by("-created_at", "-id")[:200])


def history_of_copy(item: Item) -> list[AuditEntry]:
    return list(trail_for(item).order_by("-created_at", "-id")[:200])


def loans_of_copy(item: Item) -> QuerySet[Loan]:
    return item.loans.select_related("member").order_by("-loan_date", "-id")


# --- copy cataloguing: another library's record ---------------------------------------------------------


def record_data_of(library, record_id: int) -> RecordData | None:
    """The public record ``record_id`` of ``library`` (another library's schema, read-only) as the data of
    a new record of ours: its bibliographic fields, authors with role and level, subjects — never its
    copies, loans or cover. None when it does not exist or is hidden there (hidden records are that
    library's own business)."""
    if library is None or not library.active:
        return None
    with schema_context(library.schema_name):
        record = (
            Record.objects.filter(pk=record_id, opac_hide=False)
            .select_related("publisher")
            .prefetch_related(
                Prefetch(
                    "record_authors",
                    queryset=RecordAuthor.objects.select_related("author").order_by("position"),
                ),
                "subjects",
            )
            .first()
        )
        if record is None:
            return None
        return RecordData(
            title=record.title,
            statement_of_responsibility=record.statement_of_responsibility,
            edition=record.edition,
            isbn_issn=record.isbn_issn,
            publisher=record.publisher.name if record.publisher_id else "",
            publish_place=record.publish_place,
            publish_year=record.publish_year,
            collation=record.collation,
            series_title=record.series_title,
            call_number=record.call_number,
            classification=record.classification,
            language=record.language,
            material_type=record.material_type,
            notes=record.notes,
            abstract=record.abstract,
            authors=tuple(
                AuthorEntry(name=link.author.name, role=link.role, level=link.level)
                for link in record.record_authors.all()
            ),
            subjects=tuple(sorted(subject.name for subject in record.subjects.all())),
            copied_from=f"{library.code}:{record.pk}",
        )


def records_holding_isbns(isbns: set[str]) -> dict[str, int]:
    """``{isbn form: record id}`` of this library's records (hidden ones too) carrying one of ``isbns``."""
    if not isbns:
        return {}
    held: dict[str, int] = {}
    rows = _with_compact_isbn(Record.objects).filter(_isbn_match(isbns)).values_list("pk", "isbn_issn")[:500]
    for record_id, isbn_issn in rows:
        for form in isbn_forms(isbn_issn) & isbns:
            held.setdefault(form, record_id)
    return held


def record_copied_from(origin: str) -> Record | None:
    """Our record copied from ``origin`` ("<library code>:<record id>"), if any."""
    return Record.objects.filter(copied_from=origin).order_by("pk").first() if origin else None
