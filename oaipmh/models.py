"""The OAI-PMH feed: one row per record ever disseminated, in the public schema (docs/architecture.md,
"Being a good OAI-PMH provider").

A row outlives its record and its library: a deleted or hidden record keeps its row with ``deleted`` set
(``deletedRecord: persistent``), and a deleted library's rows keep its code for the identifiers. The union
endpoint pages over this table alone — one index scan across every library — and reads the metadata of
one page's records from their libraries' schemas. Rows are written by ``oaipmh.feed`` in the transaction
of the catalogue change itself (``catalog.signals.records_changed``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Entry(models.Model):
    # Plain numbers, not foreign keys: the row must outlive the library and the record.
    library_id = models.BigIntegerField(_("perpustakaan"))
    library_code = models.CharField(_("kode perpustakaan"), max_length=48)
    record_id = models.BigIntegerField(_("cantuman"))
    # The record's last change as disseminated (whole seconds, UTC): its ``updated_at`` while it is
    # visible, the moment it was deleted, hidden or withdrawn otherwise. It never moves backwards.
    datestamp = models.DateTimeField(_("datestamp"))
    deleted = models.BooleanField(_("dihapus"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["library_id", "record_id"], name="oaipmh_entry_unique_record")
        ]
        indexes = [
            # ListRecords/ListIdentifiers of the union (keyset on datestamp, library, record) ...
            models.Index(fields=["datestamp", "library_id", "record_id"], name="oaipmh_entry_union_order"),
            # ... and of one library (its own endpoint, set library:<code>).
            models.Index(fields=["library_id", "datestamp", "record_id"], name="oaipmh_entry_library_order"),
        ]
        verbose_name = _("entri OAI-PMH")
        verbose_name_plural = _("entri OAI-PMH")

    def __str__(self) -> str:
        return f"{self.library_code}:{self.record_id}"
