"""A librarian's file import, from upload to report (``catalog.transfer``): the uploaded file (private
storage), what the dry run saw in its first records, and the harvest run (public schema, the library's
"file" source) that carries the import's progress, counters and per-record problems."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.storage import private_storage


def import_upload_path(job: ImportJob, filename: str) -> str:
    from django.db import connection

    suffix = PurePath(filename).suffix.lower()[:8]
    return f"imports/{connection.schema_name}/{uuid.uuid4().hex}{suffix}"


class ImportJob(models.Model):
    class Format(models.TextChoices):
        MARC = "marc", _("MARC 21 (ISO 2709, MARC-8 atau UTF-8)")
        MARCXML = "marcxml", "MARCXML"
        MODS = "mods", "MODS"
        SLIMS_CSV = "slims_csv", _("CSV ekspor bibliografi SLiMS")

    file = models.FileField(_("berkas"), storage=private_storage, upload_to=import_upload_path, blank=True)
    file_name = models.CharField(_("nama berkas"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("ukuran berkas"), default=0)
    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    records_estimated = models.PositiveIntegerField(_("perkiraan jumlah rekaman"), default=0)
    overwrite_local_edits = models.BooleanField(_("timpa suntingan di Simpul"), default=False)
    preview = models.JSONField(_("pratinjau"), default=list, blank=True)
    # harvest.HarvestRun (public schema) once the import was started; a plain id: the schema of a library
    # holds no foreign key into the public schema.
    run_id = models.BigIntegerField(_("run"), null=True, blank=True)
    created_by_id = models.BigIntegerField(null=True, blank=True)
    created_by_name = models.CharField(_("diunggah oleh"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("impor berkas")
        verbose_name_plural = _("impor berkas")

    def __str__(self) -> str:
        return self.file_name
