"""The writers of cataloguing: saving a record with its copies, batch edits, deleting a record.

Call them with the library's schema active (a request on the library's host, or
``django_tenants.utils.tenant_context(library)``); they refuse to write a catalogue that is not managed in
Simpul (``CatalogueNotManaged``). Permission to edit (``can_edit_library_catalogue``) is the caller's
check: the views here and the API check it before calling.

``save_record`` is the one road of a librarian's edit, whether it comes from the record form, copy
cataloguing or the API::

    record = save_record(
        record=None,                      # or the Record to change
        data=RecordData(title="Tafsir Al-Mishbah", authors=(AuthorEntry("M. Quraish Shihab"),), ...),
        copies=[CopyData(item_code="B0001", location="Rak 2"), CopyData(id=7, delete=True)],
        actor=request.user,
    )

It validates everything first (``RecordInvalid`` carries ``{field: [messages]}``, copies as
``copies.<index>.<field>``, in Indonesian), then in one transaction writes the record, its authorities
(reused by name), its copies, one audit entry per changed object (before → after), and one outbox row (the
union index follows after the commit). It sets ``edited_in_simpul_at`` (a harvest never overwrites the
record afterwards); a new record gets ``source_id=None`` and a stable local ``source_key``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.audit import record_change, snapshot
from catalog.cataloguing import covers, validation
from catalog.models import Author, IndexOutbox, Item, Loan, Publisher, Record, RecordAuthor, Subject
from catalog.normalized import DESCRIPTIVE_COLUMNS
from catalog.services import enqueue_index_change, enqueue_index_changes, record_availability_changed

LOCAL_KEY_PREFIX = "simpul-"

# The record's own descriptive columns, as the catalogue declares them once (catalog/normalized.py).
RECORD_TEXT_FIELDS = DESCRIPTIVE_COLUMNS
AUDITED_RECORD_FIELDS = (*RECORD_TEXT_FIELDS, "opac_hide", "copied_from", "cover")
COPY_FIELDS = (
    "item_code",
    "call_number",
    "collection_type",
    "location",
    "status",
    "acquired_on",
    "acquisition_source",
    "price",
)


class CatalogueNotManaged(Exception):
    """The active library's catalogue is harvested: it is edited in its own SLiMS, not here."""


class RecordInvalid(Exception):
    """What is wrong with a save, per field (``copies.<index>.<field>`` for a copy, ``__all__`` for the
    whole), each message in Indonesian."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items()))
        self.errors = errors


class RecordNotDeletable(Exception):
    """A record that may not be deleted; the message says why and what to do instead."""


@dataclass(frozen=True)
class AuthorEntry:
    name: str
    role: str = RecordAuthor.Role.AUTHOR
    level: int = 1  # 1 = primary author (SLiMS level 1), 2 = additional


@dataclass(frozen=True)
class RecordData:
    """The bibliographic fields of a record as the librarian gave them. ``publisher``, ``authors`` and
    ``subjects`` are names: existing authority rows are reused, new ones made. ``copied_from`` None keeps
    what the record has; ``cover`` is an uploaded image (None keeps the current one), ``remove_cover``
    drops it."""

    title: str
    statement_of_responsibility: str = ""
    edition: str = ""
    isbn_issn: str = ""
    publisher: str = ""
    publish_place: str = ""
    publish_year: str = ""
    collation: str = ""
    series_title: str = ""
    call_number: str = ""
    classification: str = ""
    language: str = ""
    material_type: str = ""
    notes: str = ""
    abstract: str = ""
    opac_hide: bool = False
    authors: tuple[AuthorEntry, ...] = ()
    subjects: tuple[str, ...] = ()
    copied_from: str | None = None
    cover: object | None = None
    remove_cover: bool = False


@dataclass(frozen=True)
class CopyData:
    """One change to the record's copies: ``id`` None adds a copy, an id changes (or with ``delete``
    removes) that copy of this record. Copies not listed are left as they are."""

    id: int | None = None
    item_code: str = ""
    call_number: str = ""
    collection_type: str = ""
    location: str = ""
    status: str = Item.Status.AVAILABLE
    acquired_on: date | None = None
    acquisition_source: str = ""
    price: Decimal | None = None
    delete: bool = False


@dataclass
class _Errors:
    by_field: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(str(message))

    def check(self, name: str, clean, value):
        try:
            return clean(value)
        except ValidationError as error:
            for message in error.messages:
                self.add(name, message)
            return value


def require_managed_catalogue() -> None:
    """Refuse to write the active library's catalogue unless it is managed in Simpul."""
    from tenants.models import Library

    library = Library.objects.filter(schema_name=connection.schema_name).first()
    if library is None or not library.catalogue_managed_in_simpul:
        raise CatalogueNotManaged(
            _("Katalog perpustakaan ini dipanen dari sistemnya sendiri: ubah cantuman di sana.")
        )


def new_source_key() -> str:
    """A record made in Simpul is keyed by a random, stable local key (never reused, never a source's)."""
    return f"{LOCAL_KEY_PREFIX}{uuid.uuid4().hex}"


def _max_length(name: str) -> int | None:
    return Record._meta.get_field(name).max_length


def _validate_record(data: RecordData, errors: _Errors) -> dict[str, object]:
    values: dict[str, object] = {}
    for name in RECORD_TEXT_FIELDS:
        value = (getattr(data, name) or "").strip()
        limit = _max_length(name)
        if limit and len(value) > limit:
            errors.add(name, _("Paling banyak %(limit)s karakter.") % {"limit": limit})
        values[name] = value
    if not values["title"]:
        errors.add("title", _("Judul wajib diisi."))
    values["isbn_issn"] = errors.check("isbn_issn", validation.clean_isbn_issn, values["isbn_issn"])
    this_year = timezone.localdate().year
    values["publish_year"] = errors.check(
        "publish_year",
        lambda value: validation.clean_publish_year(value, this_year=this_year),
        values["publish_year"],
    )
    if len(data.publisher.strip()) > 255:
        errors.add("publisher", _("Paling banyak %(limit)s karakter.") % {"limit": 255})
    roles = set(RecordAuthor.Role.values)
    for index, author in enumerate(data.authors):
        if len(author.name.strip()) > 255:
            errors.add(f"authors.{index}.name", _("Paling banyak %(limit)s karakter.") % {"limit": 255})
        if author.role not in roles:
            errors.add(f"authors.{index}.role", _("Peran tidak dikenal."))
        if author.level not in (1, 2):
            errors.add(f"authors.{index}.level", _("Tingkat harus 1 (utama) atau 2 (tambahan)."))
    for index, subject in enumerate(data.subjects):
        if len(subject.strip()) > 255:
            errors.add(f"subjects.{index}", _("Paling banyak %(limit)s karakter.") % {"limit": 255})
    if data.copied_from is not None and len(data.copied_from) > _max_length("copied_from"):
        errors.add("copied_from", _("Asal salinan tidak sah."))
    values["opac_hide"] = bool(data.opac_hide)
    return values


def _validate_copies(record: Record | None, copies: Sequence[CopyData], errors: _Errors) -> dict[int, Item]:
    """Check the copy changes; returns the record's existing copies that they name, by id."""
    own = {item.pk: item for item in record.items.all()} if record is not None and record.pk else {}
    named_ids = [copy.id for copy in copies if copy.id is not None]
    statuses = set(Item.Status.values)
    sources = {"", *Item.AcquisitionSource.values}
    codes_seen: dict[str, int] = {}
    for index, copy in enumerate(copies):
        prefix = f"copies.{index}"
        if copy.id is not None and copy.id not in own:
            errors.add(f"{prefix}.id", _("Eksemplar ini bukan eksemplar cantuman ini."))
            continue
        if copy.delete:
            continue
        code = errors.check(f"{prefix}.item_code", validation.clean_barcode, copy.item_code)
        if code in codes_seen:
            errors.add(
                f"{prefix}.item_code",
                _("Kode eksemplar %(code)s dipakai dua kali di formulir ini.") % {"code": code},
            )
        codes_seen[code] = index
        for name in ("call_number", "collection_type", "location"):
            limit = Item._meta.get_field(name).max_length
            if len(getattr(copy, name) or "") > limit:
                errors.add(f"{prefix}.{name}", _("Paling banyak %(limit)s karakter.") % {"limit": limit})
        if copy.status not in statuses:
            errors.add(f"{prefix}.status", _("Status tidak dikenal."))
        if copy.acquisition_source not in sources:
            errors.add(f"{prefix}.acquisition_source", _("Sumber pengadaan tidak dikenal."))
        if copy.price is not None and (copy.price < 0 or copy.price >= Decimal("1e10")):
            errors.add(f"{prefix}.price", _("Harga harus 0 atau lebih dan kurang dari 10 miliar."))
        if copy.acquired_on is not None and copy.acquired_on > timezone.localdate():
            errors.add(f"{prefix}.acquired_on", _("Tanggal pengadaan tidak boleh di masa depan."))
    # Barcodes are unique in the library: another copy (of any record) holding one is a clash, unless it
    # is the same copy keeping its code, or a copy of this record that gives the code up in this save.
    changes = {copy.id: copy for copy in copies if copy.id is not None}
    for item in Item.objects.filter(item_code__in=list(codes_seen)).select_related("record"):
        index = codes_seen[item.item_code]
        if copies[index].id == item.pk:
            continue
        change = changes.get(item.pk)
        if (
            item.pk in own
            and change is not None
            and (change.delete or change.item_code.strip() != item.item_code)
        ):
            continue
        errors.add(
            f"copies.{index}.item_code",
            _("Kode eksemplar %(code)s sudah dipakai eksemplar «%(title)s».")
            % {"code": item.item_code, "title": item.record.title[:80]},
        )
    deleted = [copy.id for copy in copies if copy.id is not None and copy.delete and copy.id in own]
    with_loans = set(Loan.objects.filter(item_id__in=deleted).values_list("item_id", flat=True))
    for index, copy in enumerate(copies):
        if copy.id in with_loans:
            errors.add(
                f"copies.{index}.delete",
                _(
                    "Eksemplar %(code)s punya riwayat peminjaman dan tidak dapat dihapus; ubah statusnya "
                    "(mis. Hilang) bila tidak ada lagi."
                )
                % {"code": own[copy.id].item_code},
            )
    return {pk: own[pk] for pk in named_ids if pk in own}


def _record_snapshot(record: Record) -> dict[str, object]:
    values = snapshot(record, AUDITED_RECORD_FIELDS) if record.pk else {}
    if not record.pk:
        return values
    values["publisher"] = record.publisher.name if record.publisher_id else ""
    values["authors"] = [
        f"{link.author.name} ({link.get_role_display()}, {link.level})"
        for link in record.record_authors.select_related("author").order_by("position")
    ]
    values["subjects"] = sorted(record.subjects.values_list("name", flat=True))
    return values


def _authority(model, name: str):
    name = name.strip()[:255]
    if not name:
        return None
    found = model.objects.filter(name__iexact=name).order_by("pk").first()
    return found or model.objects.create(name=name)


def _set_authors(record: Record, authors: Iterable[AuthorEntry]) -> None:
    RecordAuthor.objects.filter(record=record).delete()
    links, seen = [], set()
    for entry in authors:
        author = _authority(Author, entry.name)
        if author is None or author.pk in seen:
            continue
        seen.add(author.pk)
        links.append(
            RecordAuthor(
                record=record, author=author, role=entry.role, level=entry.level, position=len(links)
            )
        )
    RecordAuthor.objects.bulk_create(links)


def _set_subjects(record: Record, names: Iterable[str]) -> None:
    subjects = []
    for name in names:
        subject = _authority(Subject, name)
        if subject is not None and subject not in subjects:
            subjects.append(subject)
    record.subjects.set(subjects)


def _copy_snapshot(item: Item) -> dict[str, object]:
    return snapshot(item, ("record", *COPY_FIELDS))


def _save_copies(record: Record, copies: Sequence[CopyData], existing: dict[int, Item], actor) -> None:
    # Deletions and code changes first, so a code freed in this save can be given to another copy.
    for copy in copies:
        if copy.id is not None and copy.delete:
            item = existing[copy.id]
            before = _copy_snapshot(item)
            item.delete()
            record_change(
                obj=item,
                object_id=copy.id,
                action="delete",
                actor=actor,
                before=before,
                summary=_("Eksemplar %(code)s dihapus") % {"code": before["item_code"]},
            )
    pending = []
    for copy in copies:
        if copy.delete:
            continue
        item = existing.get(copy.id) if copy.id is not None else Item(record=record)
        before = _copy_snapshot(item) if item.pk else None
        for name in COPY_FIELDS:
            value = getattr(copy, name)
            setattr(item, name, value.strip() if isinstance(value, str) else value)
        if not item.call_number:
            item.call_number = record.call_number  # as SLiMS: a copy's call number defaults to the record's
        if before is not None and item.item_code != before["item_code"]:
            # park the old code's row under a unique placeholder: two copies may swap codes in one save
            Item.objects.filter(pk=item.pk).update(item_code=f"~{item.pk}~{uuid.uuid4().hex[:8]}")
        pending.append((item, before))
    for item, before in pending:
        item.save()
        after = _copy_snapshot(item)
        if before is None:
            record_change(
                obj=item,
                action="create",
                actor=actor,
                after=after,
                summary=_("Eksemplar %(code)s ditambahkan") % {"code": item.item_code},
            )
        elif after != before:
            record_change(
                obj=item,
                action="update",
                actor=actor,
                before=before,
                after=after,
                summary=_("Eksemplar %(code)s diubah") % {"code": item.item_code},
            )


def save_record(*, record: Record | None, data: RecordData, copies: Sequence[CopyData] = (), actor) -> Record:
    """Create (``record=None``) or change a record and its copies; see the module docstring. Raises
    ``RecordInvalid`` (nothing written), ``CatalogueNotManaged``."""
    require_managed_catalogue()
    errors = _Errors()
    values = _validate_record(data, errors)
    cover = None
    if data.cover is not None:
        cover = errors.check("cover", covers.read_cover, data.cover)
    existing = _validate_copies(record, copies, errors)
    if errors.by_field:
        raise RecordInvalid(errors.by_field)
    try:
        with transaction.atomic():
            return _write(record, data, values, cover, copies, existing, actor)
    except IntegrityError as error:  # a concurrent save took a barcode between the check and the write
        raise RecordInvalid(
            {"__all__": [_("Kode eksemplar bentrok dengan simpanan lain; periksa dan simpan lagi.")]}
        ) from error


def _write(record, data, values, cover, copies, existing, actor) -> Record:
    created = record is None or record.pk is None
    if created:
        record = record or Record()
        record.source_id = None
        record.source_key = new_source_key()
        record.raw_format = "local"
        before = {}
    else:
        record = Record.objects.select_for_update().get(pk=record.pk)
        before = _record_snapshot(record)
        existing = {pk: record.items.get(pk=pk) for pk in existing}
    for name, value in values.items():
        setattr(record, name, value)
    record.publisher = _authority(Publisher, data.publisher)
    if data.copied_from is not None:
        record.copied_from = data.copied_from.strip()
    if data.remove_cover or cover is not None:
        for name in ("cover", "cover_thumbnail"):
            getattr(record, name).delete(save=False)
    if cover is not None:
        record.cover.save(cover.image.name, cover.image, save=False)
        record.cover_thumbnail.save(cover.thumbnail.name, cover.thumbnail, save=False)
    record.edited_in_simpul_at = timezone.now()
    record.save()
    _set_authors(record, (author for author in data.authors if author.name.strip()))
    _set_subjects(record, data.subjects)
    after = _record_snapshot(record)
    if created:
        summary = _("Cantuman dibuat")
        if record.copied_from:
            summary = _("Cantuman disalin dari %(origin)s") % {"origin": record.copied_from}
        record_change(obj=record, action="create", actor=actor, after=after, summary=summary)
    elif after != before:
        record_change(
            obj=record, action="update", actor=actor, before=before, after=after, summary=_("Cantuman diubah")
        )
    _save_copies(record, copies, existing, actor)
    enqueue_index_change(record_id=record.pk, operation=IndexOutbox.Operation.UPSERT)
    return record


# --- batch edit --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchField:
    name: str
    target: str  # "record" or "copy"
    label: str


BATCH_FIELDS = {
    "location": BatchField("location", "copy", "lokasi"),
    "collection_type": BatchField("collection_type", "copy", "tipe koleksi"),
    "opac_hide": BatchField("opac_hide", "record", "sembunyikan di OPAC"),
    "material_type": BatchField("material_type", "record", "jenis bahan (GMD)"),
}


@dataclass(frozen=True)
class BatchResult:
    records: int  # records selected that exist here
    changed: int  # objects (records or copies) whose value changed
    missing: int  # ids that are no record of this library


def batch_update(*, record_ids: Sequence[int], field_name: str, value, actor) -> BatchResult:
    """Set one field over the selected records (``opac_hide``, ``material_type``) or over all their copies
    (``location``, ``collection_type``); each changed object gets its audit entry, each touched record its
    outbox row. Ids that are no record of this library are counted as missing, never written."""
    require_managed_catalogue()
    spec = BATCH_FIELDS.get(field_name)
    if spec is None:
        raise RecordInvalid({"field": [_("Ruas ini tidak dapat diubah massal.")]})
    if spec.name == "opac_hide":
        value = value in (True, "1", "true", "on", "ya")
    else:
        value = (value or "").strip()
        model = Item if spec.target == "copy" else Record
        limit = model._meta.get_field(spec.name).max_length
        if len(value) > limit:
            raise RecordInvalid({"value": [_("Paling banyak %(limit)s karakter.") % {"limit": limit}]})
    wanted = sorted({int(pk) for pk in record_ids})
    changed = 0
    now = timezone.now()
    with transaction.atomic():
        records = list(Record.objects.select_for_update().filter(pk__in=wanted).order_by("pk"))
        touched = []
        for record in records:
            if spec.target == "record":
                before = getattr(record, spec.name)
                if before == value:
                    continue
                setattr(record, spec.name, value)
                record.edited_in_simpul_at = now
                record.save(update_fields=[spec.name, "edited_in_simpul_at", "updated_at"])
                record_change(
                    obj=record,
                    action="batch_update",
                    actor=actor,
                    before={spec.name: before},
                    after={spec.name: value},
                    summary=_("Ubah massal: %(field)s") % {"field": spec.label},
                )
                changed += 1
                touched.append(record.pk)
                continue
            items = [item for item in record.items.all() if getattr(item, spec.name) != value]
            for item in items:
                before = getattr(item, spec.name)
                setattr(item, spec.name, value)
                item.save(update_fields=[spec.name, "updated_at"])
                record_change(
                    obj=item,
                    action="batch_update",
                    actor=actor,
                    before={spec.name: before},
                    after={spec.name: value},
                    summary=_("Ubah massal eksemplar %(code)s: %(field)s")
                    % {"code": item.item_code, "field": spec.label},
                )
                changed += 1
            if items:
                Record.objects.filter(pk=record.pk).update(edited_in_simpul_at=now)
                touched.append(record.pk)
        enqueue_index_changes(record_ids=touched)
    return BatchResult(records=len(records), changed=changed, missing=len(wanted) - len(records))


# --- delete ------------------------------------------------------------------------------------------


def deletion_blocker(record: Record) -> str | None:
    """Why ``record`` may not be deleted (in Indonesian), or None when it may."""
    on_loan = list(
        Item.objects.filter(record=record, loans__is_lent=True, loans__is_return=False)
        .values_list("item_code", flat=True)
        .distinct()
    )
    if on_loan:
        return _(
            "Cantuman ini tidak dapat dihapus: %(count)s eksemplar sedang dipinjam (%(codes)s). "
            "Tunggu sampai dikembalikan."
        ) % {"count": len(on_loan), "codes": ", ".join(sorted(on_loan)[:10])}
    if Loan.objects.filter(item__record=record).exists():
        return _(
            "Cantuman ini tidak dapat dihapus: eksemplarnya punya riwayat peminjaman yang harus tetap "
            "tersimpan. Sembunyikan cantuman dari OPAC, atau tandai eksemplarnya Hilang."
        )
    return None


def remove_record(*, record: Record, actor) -> int:
    """Delete a record and its copies (audited; the union index drops it after the commit). Returns the
    deleted record's id. Raises ``RecordNotDeletable`` for a record with copies on loan or loan history."""
    require_managed_catalogue()
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=record.pk)
        reason = deletion_blocker(record)
        if reason:
            raise RecordNotDeletable(reason)
        record_id = record.pk
        before = _record_snapshot(record)
        for item in list(record.items.all()):
            item_before = _copy_snapshot(item)
            item_id = item.pk
            item.delete()
            record_change(
                obj=item,
                object_id=item_id,
                action="delete",
                actor=actor,
                before=item_before,
                summary=_("Eksemplar %(code)s dihapus bersama cantumannya")
                % {"code": item_before["item_code"]},
            )
        for name in ("cover", "cover_thumbnail"):
            file = getattr(record, name)
            if file:
                transaction.on_commit(lambda file=file: file.storage.delete(file.name))
        record.delete()
        record_change(
            obj=record,
            object_id=record_id,
            action="delete",
            actor=actor,
            before=before,
            summary=_("Cantuman «%(title)s» dihapus") % {"title": before.get("title", "")[:120]},
        )
        enqueue_index_change(record_id=record_id, operation=IndexOutbox.Operation.DELETE)
    return record_id


# --- one copy ----------------------------------------------------------------------------------------


class CopyNotDeletable(Exception):
    """A copy that may not be deleted (it has loan history); the message says what to do instead."""


def _one_copy_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The errors of a one-copy save by the copy's own field names (``item_code``, not
    ``copies.0.item_code``)."""
    return {key.removeprefix("copies.0."): messages for key, messages in errors.items()}


def _copies_changed(record: Record) -> None:
    """A copy of ``record`` was added, changed or removed on its own: the record counts as edited in
    Simpul, its ``updated_at`` (the OAI-PMH datestamp) moves, and the union index follows."""
    Record.objects.filter(pk=record.pk).update(edited_in_simpul_at=timezone.now(), updated_at=timezone.now())
    record_availability_changed(record_id=record.pk)


def save_copy(*, record: Record, copy: CopyData, actor) -> Item:
    """Add (``copy.id`` None) or change one copy of ``record`` without touching the record's own fields:
    the same checks and writes as the copies of ``save_record`` (barcode unique in the library, known
    status and source, no future acquisition date, a price in range), audited, announced to the index.
    Raises ``RecordInvalid`` keyed by the copy's field names, ``CatalogueNotManaged``."""
    require_managed_catalogue()
    errors = _Errors()
    _validate_copies(record, [copy], errors)
    if errors.by_field:
        raise RecordInvalid(_one_copy_errors(errors.by_field))
    try:
        with transaction.atomic():
            record = Record.objects.select_for_update().get(pk=record.pk)
            existing = {copy.id: record.items.get(pk=copy.id)} if copy.id is not None else {}
            _save_copies(record, [copy], existing, actor)
            _copies_changed(record)
            return Item.objects.get(record=record, item_code=copy.item_code.strip())
    except IntegrityError as error:  # a concurrent save took the barcode between the check and the write
        raise RecordInvalid(
            {"item_code": [_("Kode eksemplar bentrok dengan simpanan lain; periksa dan simpan lagi.")]}
        ) from error


def remove_copy(*, item: Item, actor) -> int:
    """Delete one copy (audited; the record's availability in the union index follows). Returns the
    deleted copy's id. Raises ``CopyNotDeletable`` for a copy with loan history, ``CatalogueNotManaged``."""
    require_managed_catalogue()
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=item.record_id)
        change = CopyData(id=item.pk, delete=True)
        errors = _Errors()
        existing = _validate_copies(record, [change], errors)
        if errors.by_field:
            raise CopyNotDeletable(
                " ".join(message for found in errors.by_field.values() for message in found)
            )
        _save_copies(record, [change], existing, actor)
        _copies_changed(record)
    return change.id


# --- authorities -------------------------------------------------------------------------------------


def authority_word(model) -> str:
    """How a librarian names an authority table, in the active language (messages, audit summaries)."""
    return {Author: _("pengarang"), Subject: _("subjek"), Publisher: _("penerbit")}[model]


# The field of a record that shows an authority's name (the record's history names it so).
_RECORD_FIELD_OF_AUTHORITY = {Author: "authors", Subject: "subjects", Publisher: "publisher"}


class AuthorityInUse(Exception):
    """An author, subject or publisher that records still use: it may not be deleted."""


def _records_using(authority) -> list[int]:
    if isinstance(authority, Author):
        found = RecordAuthor.objects.filter(author=authority).values_list("record_id", flat=True)
    elif isinstance(authority, Subject):
        found = Record.subjects.through.objects.filter(subject=authority).values_list("record_id", flat=True)
    else:
        found = Record.objects.filter(publisher=authority).values_list("pk", flat=True)
    return sorted(set(found))


def _authority_snapshot(authority) -> dict[str, object]:
    return snapshot(authority, ("name", "author_type") if isinstance(authority, Author) else ("name",))


def _validate_authority(model, authority, name: str, author_type: str | None) -> str:
    word = authority_word(model)
    name = " ".join((name or "").split())
    errors = _Errors()
    if not name:
        errors.add("name", _("Nama wajib diisi."))
    elif len(name) > 255:
        errors.add("name", _("Paling banyak %(limit)s karakter.") % {"limit": 255})
    else:
        # Rows are reused by name regardless of case (the record form and harvests look them up so):
        # two rows whose names differ only in case would be one authority split in two.
        same = model.objects.filter(name__iexact=name)
        if authority is not None:
            same = same.exclude(pk=authority.pk)
        clash = same.order_by("pk").first()
        if clash is not None and authority is None:
            errors.add(
                "name",
                _("%(kind)s «%(name)s» sudah ada (#%(id)s); pakai yang itu.")
                % {"kind": word.capitalize(), "name": clash.name, "id": clash.pk},
            )
        elif clash is not None:
            errors.add(
                "name",
                _(
                    "%(kind)s «%(name)s» sudah ada (#%(id)s): mengganti nama ini menjadi nama itu akan "
                    "menggabungkan dua %(kind_lower)s, dan itu tidak dilakukan lewat ganti nama. Ganti "
                    "%(kind_lower)s di cantumannya, lalu hapus yang tidak terpakai."
                )
                % {"kind": word.capitalize(), "kind_lower": word, "name": clash.name, "id": clash.pk},
            )
    if model is Author and author_type is not None and author_type not in Author.AuthorType.values:
        errors.add("author_type", _("Jenis pengarang tidak dikenal."))
    if errors.by_field:
        raise RecordInvalid(errors.by_field)
    return name


def save_authority(*, model, authority=None, name: str, author_type: str | None = None, actor):
    """Create (``authority=None``) or rename an author, subject or publisher (``model`` is ``Author``,
    ``Subject`` or ``Publisher``; ``author_type`` only for authors, None keeps it). A rename onto a name
    another row has (in any case) would merge two authorities: refused (``RecordInvalid`` on ``name``).
    A rename changes every record that uses the row: each gets an audit entry, its ``updated_at`` moves
    (the OAI-PMH datestamp) and the union index reindexes it. Raises ``CatalogueNotManaged``."""
    require_managed_catalogue()
    name = _validate_authority(model, authority, name, author_type)
    word = authority_word(model)
    try:
        with transaction.atomic():
            if authority is None:
                authority = model(name=name)
                if model is Author and author_type is not None:
                    authority.author_type = author_type
                authority.save()
                record_change(
                    obj=authority,
                    action="create",
                    actor=actor,
                    after=_authority_snapshot(authority),
                    summary=_("%(kind)s «%(name)s» dibuat") % {"kind": word.capitalize(), "name": name},
                )
                return authority
            authority = model.objects.select_for_update().get(pk=authority.pk)
            before = _authority_snapshot(authority)
            authority.name = name
            if model is Author and author_type is not None:
                authority.author_type = author_type
            authority.save()
            after = _authority_snapshot(authority)
            if after == before:
                return authority
            record_ids = _records_using(authority)
            record_change(
                obj=authority,
                action="update",
                actor=actor,
                before=before,
                after=after,
                summary=_("%(kind)s «%(before)s» diubah (%(count)s cantuman)")
                % {"kind": word.capitalize(), "before": before["name"], "count": len(record_ids)},
            )
            _authority_changed_records(record_ids, model=model, before=before, after=after, actor=actor)
            return authority
    except IntegrityError as error:  # a concurrent save took the name between the check and the write
        raise RecordInvalid(
            {"name": [_("Nama ini baru saja dipakai simpanan lain; periksa lagi.")]}
        ) from error


def _authority_changed_records(record_ids: list[int], *, model, before: dict, after: dict, actor) -> None:
    """Every record naming a renamed authority changed with it: an audit entry each (in the record's own
    terms: its authors, subjects or publisher), a moved ``updated_at`` and a reindex."""
    if not record_ids:
        return
    now = timezone.now()
    Record.objects.filter(pk__in=record_ids).update(edited_in_simpul_at=now, updated_at=now)
    field_name = _RECORD_FIELD_OF_AUTHORITY[model]
    summary = _("%(kind)s «%(before)s» diganti nama menjadi «%(after)s»") % {
        "kind": authority_word(model).capitalize(),
        "before": before["name"],
        "after": after["name"],
    }
    for record in Record.objects.filter(pk__in=record_ids).only("pk"):
        record_change(
            obj=record,
            action="authority_update",
            actor=actor,
            before={field_name: before["name"]},
            after={field_name: after["name"]},
            summary=summary,
        )
    enqueue_index_changes(record_ids=record_ids)


def remove_authority(*, authority, actor) -> int:
    """Delete an author, subject or publisher that no record uses (audited); returns its id. Raises
    ``AuthorityInUse`` while records use it, ``CatalogueNotManaged``."""
    require_managed_catalogue()
    model = type(authority)
    word = authority_word(model)
    with transaction.atomic():
        authority = model.objects.select_for_update().get(pk=authority.pk)
        used_by = _records_using(authority)
        if used_by:
            raise AuthorityInUse(
                _(
                    "%(kind)s «%(name)s» masih dipakai %(count)s cantuman dan tidak dapat dihapus. Ganti "
                    "%(kind_lower)s di cantuman-cantuman itu dulu."
                )
                % {
                    "kind": word.capitalize(),
                    "kind_lower": word,
                    "name": authority.name,
                    "count": len(used_by),
                }
            )
        authority_id = authority.pk
        before = _authority_snapshot(authority)
        authority.delete()
        record_change(
            obj=authority,
            object_id=authority_id,
            action="delete",
            actor=actor,
            before=before,
            summary=_("%(kind)s «%(name)s» dihapus") % {"kind": word.capitalize(), "name": before["name"]},
        )
    return authority_id
