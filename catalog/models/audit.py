"""Who changed what in a library's catalogue and circulation, and when (before → after)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One change of one object (a record, copy, member, loan, fine ...). ``changes`` holds
    ``{field: [before, after]}`` for an update, the object's fields for a create or delete. The user lives
    in the public schema: kept by id and name, so an entry outlives the account."""

    object_type = models.CharField(_("jenis objek"), max_length=32)
    object_id = models.BigIntegerField(_("objek"))
    action = models.CharField(_("tindakan"), max_length=32)
    summary = models.CharField(_("ringkasan"), max_length=300, blank=True)
    changes = models.JSONField(_("perubahan"), default=dict, blank=True)
    actor_id = models.BigIntegerField(_("pengguna"), null=True, blank=True)
    actor_name = models.CharField(_("nama pengguna"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]
        verbose_name = _("catatan audit")
        verbose_name_plural = _("catatan audit")

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id} {self.action}"
