"""A library's move from its own SLiMS to cataloguing in Simpul ("Pindah dari SLiMS"), one row per try."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MoveOver(models.Model):
    """One guided move-over: a last full harvest of the library's OAI-PMH sources (or an export file),
    then the sources switched off and the catalogue managed in Simpul. Kept in the library's schema with
    the harvest runs it started, so its page can show progress and, afterwards, what happened."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Antre")
        HARVESTING = "harvesting", _("Memanen untuk terakhir kali")
        SUCCEEDED = "succeeded", _("Selesai: katalog dikelola di Simpul")
        FAILED = "failed", _("Gagal: katalog tetap dipanen")

    ACTIVE = (Status.QUEUED, Status.HARVESTING)

    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    run_ids = models.JSONField(_("run panen"), default=list, blank=True)
    source_ids = models.JSONField(_("sumber panen"), default=list, blank=True)
    file_name = models.CharField(_("berkas"), max_length=255, blank=True)
    file_path = models.CharField(max_length=500, blank=True)  # the upload, in private storage, until read
    file_format = models.CharField(max_length=16, blank=True)
    accept_problems = models.BooleanField(_("pindah walau ada cantuman bermasalah"), default=False)
    records_before = models.PositiveIntegerField(_("cantuman sebelum"), null=True, blank=True)
    records_after = models.PositiveIntegerField(_("cantuman sesudah"), null=True, blank=True)
    message = models.TextField(_("pesan"), blank=True)
    actor_id = models.BigIntegerField(_("pengguna"), null=True, blank=True)
    actor_name = models.CharField(_("nama pengguna"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                # OR, not IN: a replayed schema (tenants/schema_template.py) must print the same index
                condition=models.Q(status="queued") | models.Q(status="harvesting"),
                name="one_active_move_over",
            )
        ]
        verbose_name = _("pindah dari SLiMS")
        verbose_name_plural = _("pindah dari SLiMS")

    def __str__(self) -> str:
        return f"move-over #{self.pk} {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE
