"""Bibliographic records (SLiMS ``biblio``), their authorities (authors, subjects, publishers) and copies."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.db import models
from django.utils.translation import gettext_lazy as _


def cover_upload_path(record: Record, filename: str) -> str:
    """Covers are public images under MEDIA_ROOT, one folder per library schema, random names."""
    from django.db import connection

    suffix = PurePath(filename).suffix.lower()[:8] or ".jpg"
    return f"covers/{connection.schema_name}/{uuid.uuid4().hex}{suffix}"


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
    abstract = models.TextField(_("abstrak"), blank=True)
    opac_hide = models.BooleanField(_("sembunyikan di OPAC"), default=False)
    cover = models.ImageField(_("sampul"), upload_to=cover_upload_path, blank=True)
    cover_thumbnail = models.ImageField(_("sampul kecil"), upload_to=cover_upload_path, blank=True)
    # Copy cataloguing: the union record this one was copied from ("<library code>:<record id>").
    copied_from = models.CharField(_("disalin dari"), max_length=120, blank=True)
    # Set when a librarian edits the record in Simpul: a harvest never overwrites such a record.
    edited_in_simpul_at = models.DateTimeField(_("disunting di Simpul"), null=True, blank=True)
    authors = models.ManyToManyField(Author, through="RecordAuthor", related_name="records")
    subjects = models.ManyToManyField(Subject, related_name="records", blank=True)
    raw_format = models.CharField(max_length=16, blank=True)
    raw_metadata = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    # The source's header date of the version held here, as the source wrote it (OAI-PMH datestamp, SLiMS
    # oai.php last_update): a reconciliation skips a record whose header still shows this date.
    source_datestamp = models.CharField(_("tanggal di sumber"), max_length=40, blank=True)
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

    class Role(models.TextChoices):
        AUTHOR = "author", _("Pengarang")
        EDITOR = "editor", _("Penyunting")
        TRANSLATOR = "translator", _("Penerjemah")
        COMPILER = "compiler", _("Penyusun")
        ILLUSTRATOR = "illustrator", _("Ilustrator")

    level = models.PositiveSmallIntegerField(default=2, help_text=_("1 = pengarang utama"))
    role = models.CharField(_("peran"), max_length=16, choices=Role.choices, default=Role.AUTHOR)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["record", "author"], name="unique_record_author")]

    def __str__(self) -> str:
        return f"{self.author} ({self.level})"


class Item(models.Model):
    """One copy of a record (SLiMS ``item``; "eksemplar"). "On loan" is not a status: a copy is on loan
    while a loan row of it is open (``Loan``)."""

    class Status(models.TextChoices):
        AVAILABLE = "", _("Tersedia")
        REPAIR = "R", _("Diperbaiki")
        LOST = "LOST", _("Hilang")
        MISSING = "MIS", _("Tidak ditemukan")
        NO_LOAN = "NL", _("Tidak dipinjamkan")

    class AcquisitionSource(models.TextChoices):
        PURCHASE = "purchase", _("Pembelian")
        GIFT = "gift", _("Hadiah/sumbangan")
        GRANT = "grant", _("Hibah")
        EXCHANGE = "exchange", _("Tukar-menukar")
        OWN = "own", _("Terbitan sendiri")
        OTHER = "other", _("Lainnya")

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="items")
    item_code = models.CharField(_("kode eksemplar"), max_length=64, unique=True)
    call_number = models.CharField(_("nomor panggil"), max_length=100, blank=True)
    collection_type = models.CharField(_("tipe koleksi"), max_length=60, blank=True)
    location = models.CharField(_("lokasi"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, blank=True, default="")
    acquired_on = models.DateField(_("tanggal pengadaan"), null=True, blank=True)
    acquisition_source = models.CharField(
        _("sumber pengadaan"), max_length=16, choices=AcquisitionSource.choices, blank=True
    )
    price = models.DecimalField(_("harga"), max_digits=12, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        ordering = ["item_code"]
        verbose_name = _("eksemplar")
        verbose_name_plural = _("eksemplar")

    def __str__(self) -> str:
        return self.item_code
