"""A library's own collection, in its own PostgreSQL schema (TENANT_APPS).

Follows SLiMS's data model (docs/architecture.md): ``Record`` is SLiMS ``biblio``, ``Item`` is
``item`` (a copy, "eksemplar"), authors carry a level (1 = primary), a copy is on loan while a loan row is
open. Members and loans are personal data: they never leave this schema.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Publisher(models.Model):
    name = models.CharField(_("penerbit"), max_length=255, unique=True)

    def __str__(self) -> str:
        return self.name


class Author(models.Model):
    class AuthorType(models.TextChoices):
        PERSON = "p", _("Orang")
        ORGANIZATION = "o", _("Badan")
        CONFERENCE = "c", _("Pertemuan")

    name = models.CharField(_("nama"), max_length=255, unique=True)
    author_type = models.CharField(max_length=1, choices=AuthorType.choices, default=AuthorType.PERSON)

    def __str__(self) -> str:
        return self.name


class Subject(models.Model):
    name = models.CharField(_("subjek"), max_length=255, unique=True)

    def __str__(self) -> str:
        return self.name


class Record(models.Model):
    """A bibliographic record (SLiMS ``biblio``)."""

    # Records are keyed per source: a SLiMS harvest (biblio ids) and a MARC file (001 control numbers)
    # into one library may bring the same key without touching each other's records. ``source_id`` is the
    # id of the ``harvest.HarvestSource`` that brought the record (a plain number: the catalogue does not
    # depend on the harvest app); None for a record made in Simpul.
    source_id = models.BigIntegerField(
        _("sumber"),
        null=True,
        blank=True,
        help_text=_("Sumber panen cantuman ini; kosong = dibuat di Simpul."),
    )
    source_key = models.CharField(
        _("kunci sumber"), max_length=255, help_text=_("Identitas cantuman di sumbernya.")
    )
    title = models.TextField(_("judul"))
    statement_of_responsibility = models.CharField(_("pernyataan tanggung jawab"), max_length=500, blank=True)
    edition = models.CharField(_("edisi"), max_length=100, blank=True)
    isbn_issn = models.CharField(_("ISBN/ISSN"), max_length=40, blank=True, db_index=True)
    publisher = models.ForeignKey(
        Publisher, verbose_name=_("penerbit"), null=True, blank=True, on_delete=models.SET_NULL
    )
    publish_place = models.CharField(_("tempat terbit"), max_length=100, blank=True)
    publish_year = models.CharField(_("tahun terbit"), max_length=40, blank=True)
    collation = models.CharField(_("kolasi"), max_length=200, blank=True)
    series_title = models.CharField(_("judul seri"), max_length=300, blank=True)
    call_number = models.CharField(_("nomor panggil"), max_length=100, blank=True)
    classification = models.CharField(_("klasifikasi"), max_length=40, blank=True)
    language = models.CharField(_("bahasa"), max_length=8, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    material_type = models.CharField(_("jenis bahan (GMD)"), max_length=60, blank=True)
    opac_hide = models.BooleanField(_("sembunyikan di OPAC"), default=False)
    authors = models.ManyToManyField(Author, through="RecordAuthor", related_name="records")
    subjects = models.ManyToManyField(Subject, related_name="records", blank=True)
    raw_format = models.CharField(max_length=16, blank=True)
    raw_metadata = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["updated_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source_id", "source_key"], nulls_distinct=False, name="unique_record_per_source"
            )
        ]
        verbose_name = _("cantuman")
        verbose_name_plural = _("cantuman")

    def __str__(self) -> str:
        return self.title


class RecordAuthor(models.Model):
    # No index of its own: unique_record_author (record, author) leads with record_id and serves every
    # lookup by record, and one index less is one write less per author link a harvest stores.
    record = models.ForeignKey(
        Record, on_delete=models.CASCADE, related_name="record_authors", db_index=False
    )
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="record_authors")
    level = models.PositiveSmallIntegerField(default=2, help_text=_("1 = pengarang utama"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["record", "author"], name="unique_record_author")]

    def __str__(self) -> str:
        return f"{self.author} ({self.level})"


class Item(models.Model):
    """One copy of a record (SLiMS ``item``; "eksemplar")."""

    class Status(models.TextChoices):
        AVAILABLE = "", _("Tersedia")
        REPAIR = "R", _("Diperbaiki")
        MISSING = "MIS", _("Hilang")
        NO_LOAN = "NL", _("Tidak dipinjamkan")

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="items")
    item_code = models.CharField(_("kode eksemplar"), max_length=64, unique=True)
    call_number = models.CharField(_("nomor panggil"), max_length=100, blank=True)
    collection_type = models.CharField(_("tipe koleksi"), max_length=60, blank=True)
    location = models.CharField(_("lokasi"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item_code"]
        verbose_name = _("eksemplar")
        verbose_name_plural = _("eksemplar")

    def __str__(self) -> str:
        return self.item_code


class Member(models.Model):
    member_code = models.CharField(_("nomor anggota"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    member_type = models.CharField(_("jenis keanggotaan"), max_length=60, blank=True)
    email = models.EmailField(blank=True)
    expires_on = models.DateField(_("berlaku sampai"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("anggota")
        verbose_name_plural = _("anggota")

    def __str__(self) -> str:
        return f"{self.member_code} {self.name}"


class Loan(models.Model):
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="loans")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="loans")
    loan_date = models.DateField(_("tanggal pinjam"))
    due_date = models.DateField(_("jatuh tempo"))
    is_lent = models.BooleanField(default=True)
    is_return = models.BooleanField(default=False)
    return_date = models.DateField(_("tanggal kembali"), null=True, blank=True)

    class Meta:
        ordering = ["-loan_date"]
        constraints = [
            # A copy is on loan while a loan row has is_lent=1 and is_return=0 (SLiMS); at most one such row.
            models.UniqueConstraint(
                fields=["item"], condition=Q(is_lent=True, is_return=False), name="one_open_loan_per_item"
            )
        ]
        verbose_name = _("peminjaman")
        verbose_name_plural = _("peminjaman")

    def __str__(self) -> str:
        return f"{self.item} → {self.member}"


class IndexOutbox(models.Model):
    """A change that must reach the union index (transactional outbox, docs/architecture.md "One pipeline").

    Written by ``catalog.services`` in the same transaction as the change itself, so a committed
    change always has its row and a rolled-back one never does. ``search.indexer.drain_outbox`` reads
    the rows in id order, indexes each record's *current* state (many rows for one record are fine: the
    drain coalesces them) and deletes the rows only after Elasticsearch has acknowledged. ``record_id`` is
    not a foreign key: the row must outlive the record it announces the deletion of.
    """

    class Operation(models.TextChoices):
        UPSERT = "upsert", _("Perbarui")
        DELETE = "delete", _("Hapus")

    record_id = models.BigIntegerField(_("cantuman"))
    operation = models.CharField(_("operasi"), max_length=8, choices=Operation.choices)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("percobaan"), default=0)
    last_error = models.TextField(_("galat terakhir"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("antrean indeks")
        verbose_name_plural = _("antrean indeks")

    def __str__(self) -> str:
        return f"{self.operation} {self.record_id}"
