"""Circulation: loans (SLiMS ``loan``), reservations, the library's closing days and fines as a ledger."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from catalog.models.members import Member
from catalog.models.records import Item, Record


class ClosingDay(models.Model):
    """A day the library is closed (its own holidays, as SLiMS ``holiday``): due dates skip it and no fine
    accrues on it."""

    date = models.DateField(_("tanggal"), unique=True)
    description = models.CharField(_("keterangan"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("hari libur")
        verbose_name_plural = _("hari libur")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.description}".strip()


class Loan(models.Model):
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="loans")
    # No index of its own: loan_member_open (member, is_return) leads with member_id.
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="loans", db_index=False)
    loan_date = models.DateField(_("tanggal pinjam"))
    due_date = models.DateField(_("jatuh tempo"))
    is_lent = models.BooleanField(default=True)
    is_return = models.BooleanField(default=False)
    return_date = models.DateField(_("tanggal kembali"), null=True, blank=True)
    renewals = models.PositiveSmallIntegerField(_("diperpanjang"), default=0)
    created_at = models.DateTimeField(auto_now_add=True, null=True)
    returned_at = models.DateTimeField(_("dikembalikan pada"), null=True, blank=True)

    class Meta:
        ordering = ["-loan_date"]
        constraints = [
            # A copy is on loan while a loan row has is_lent=1 and is_return=0 (SLiMS); at most one such row.
            models.UniqueConstraint(
                fields=["item"], condition=Q(is_lent=True, is_return=False), name="one_open_loan_per_item"
            )
        ]
        indexes = [
            models.Index(fields=["member", "is_return"], name="loan_member_open"),
            # The overdue list: open loans by due date.
            models.Index(
                fields=["due_date"], condition=Q(is_lent=True, is_return=False), name="loan_open_due"
            ),
        ]
        verbose_name = _("peminjaman")
        verbose_name_plural = _("peminjaman")

    def __str__(self) -> str:
        return f"{self.item} → {self.member}"

    @property
    def is_open(self) -> bool:
        return self.is_lent and not self.is_return


class Reservation(models.Model):
    """A member's hold on a title (any copy of the record), in a queue by time of placing."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Menunggu")
        READY = "ready", _("Siap diambil")
        FULFILLED = "fulfilled", _("Terpenuhi")
        CANCELLED = "cancelled", _("Dibatalkan")
        EXPIRED = "expired", _("Kedaluwarsa")

    ACTIVE = (Status.WAITING, Status.READY)

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="reservations")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="reservations")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.WAITING)
    item = models.ForeignKey(
        Item,
        verbose_name=_("eksemplar disisihkan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reservations",
    )
    created_at = models.DateTimeField(_("dipesan"), auto_now_add=True)
    ready_at = models.DateTimeField(_("siap sejak"), null=True, blank=True)
    pickup_deadline = models.DateField(_("batas ambil"), null=True, blank=True)
    closed_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "member"],
                # OR, not IN: an IN list comes back from pg_dump spelt otherwise, and a new library's schema
                # is made from that dump (tenants/schema_template.py) and must match a migrated one.
                condition=Q(status="waiting") | Q(status="ready"),
                name="one_active_reservation_per_member_and_record",
            )
        ]
        verbose_name = _("reservasi")
        verbose_name_plural = _("reservasi")

    def __str__(self) -> str:
        return f"{self.member} ⇢ {self.record}"


class Fine(models.Model):
    """What a member owes for one loan (late return) or one copy (lost, damaged). The amount is what
    accrued; what was paid, waived or written off are ``FineTransaction`` rows, so the fine is a ledger and
    ``status`` follows from them (kept on the row for lists and reports)."""

    class Reason(models.TextChoices):
        OVERDUE = "overdue", _("Terlambat")
        LOST = "lost", _("Eksemplar hilang")
        DAMAGED = "damaged", _("Eksemplar rusak")
        OTHER = "other", _("Lainnya")

    class Status(models.TextChoices):
        OPEN = "open", _("Belum dibayar")
        PARTLY_PAID = "partly_paid", _("Dibayar sebagian")
        PAID = "paid", _("Lunas")
        WAIVED = "waived", _("Dibebaskan")
        WRITTEN_OFF = "written_off", _("Dihapusbukukan")

    OUTSTANDING = (Status.OPEN, Status.PARTLY_PAID)

    # No index of its own: fine_member_status (member, status) leads with member_id.
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="fines", db_index=False)
    loan = models.ForeignKey(Loan, null=True, blank=True, on_delete=models.PROTECT, related_name="fines")
    reason = models.CharField(_("alasan"), max_length=16, choices=Reason.choices, default=Reason.OVERDUE)
    amount = models.DecimalField(_("jumlah (Rp)"), max_digits=12, decimal_places=2)
    days_late = models.PositiveIntegerField(_("hari terlambat"), default=0)
    accrued_on = models.DateField(_("tanggal timbul"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-accrued_on", "-id"]
        indexes = [models.Index(fields=["member", "status"], name="fine_member_status")]
        constraints = [
            # A late return accrues one fine: a check-in run twice never charges twice.
            models.UniqueConstraint(
                fields=["loan"], condition=Q(reason="overdue"), name="one_overdue_fine_per_loan"
            )
        ]
        verbose_name = _("denda")
        verbose_name_plural = _("denda")

    def __str__(self) -> str:
        return f"{self.member} Rp{self.amount}"

    def settled_amount(self) -> Decimal:
        return self.transactions.aggregate(total=Sum("amount"))["total"] or Decimal("0")

    def outstanding_amount(self) -> Decimal:
        return max(self.amount - self.settled_amount(), Decimal("0"))


class FineTransaction(models.Model):
    """One entry against a fine: a payment (maybe partial), a waiver with its reason, a write-off."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Pembayaran")
        WAIVER = "waiver", _("Pembebasan")
        WRITE_OFF = "write_off", _("Penghapusbukuan")

    fine = models.ForeignKey(Fine, on_delete=models.PROTECT, related_name="transactions")
    kind = models.CharField(_("jenis"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(_("jumlah (Rp)"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("alasan"), max_length=300, blank=True)
    actor_id = models.BigIntegerField(_("petugas"), null=True, blank=True)
    actor_name = models.CharField(_("nama petugas"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["created_at"], name="fine_transaction_time")]
        verbose_name = _("transaksi denda")
        verbose_name_plural = _("transaksi denda")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} Rp{self.amount}"
