from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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
