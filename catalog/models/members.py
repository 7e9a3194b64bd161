"""Library members and their types (SLiMS ``member`` and ``mst_member_type``). Personal data: stays here."""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.storage import private_storage


def member_photo_path(member: Member, filename: str) -> str:
    """Member photos are private: stored under ``PRIVATE_MEDIA_ROOT`` (no public URL), random names; a
    staff-only view serves them."""
    from django.db import connection

    suffix = PurePath(filename).suffix.lower()[:8] or ".jpg"
    return f"member-photos/{connection.schema_name}/{uuid.uuid4().hex}{suffix}"


class MemberType(models.Model):
    """A kind of member with its loan rules (SLiMS ``mst_member_type``): how many copies at once, for how
    many days, how often renewed, the fine per day late and how many reservations. These are the default
    rules of the type; ``catalog.circulation.rules`` decides what applies to one loan."""

    name = models.CharField(_("nama"), max_length=60, unique=True)
    loan_limit = models.PositiveSmallIntegerField(_("pinjaman sekaligus"), default=2)
    loan_days = models.PositiveSmallIntegerField(_("lama pinjam (hari)"), default=7)
    renewals_allowed = models.PositiveSmallIntegerField(_("perpanjangan"), default=1)
    fine_per_day = models.DecimalField(
        _("denda per hari (Rp)"), max_digits=10, decimal_places=2, default=Decimal("500")
    )
    reservation_limit = models.PositiveSmallIntegerField(_("reservasi sekaligus"), default=2)
    # Borrowing is refused while the member's unpaid fines are above this (empty: never refused).
    fines_limit = models.DecimalField(
        _("batas denda (Rp)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        default=Decimal("10000"),
        help_text=_("Peminjaman ditolak bila denda belum lunas melebihi jumlah ini; kosong = tanpa batas."),
    )
    # A copy set aside for a reservation waits this many open days for its member.
    reservation_pickup_days = models.PositiveSmallIntegerField(
        _("batas ambil reservasi (hari buka)"), default=3
    )
    membership_months = models.PositiveSmallIntegerField(_("masa keanggotaan (bulan)"), default=12)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("jenis anggota")
        verbose_name_plural = _("jenis anggota")

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    member_code = models.CharField(_("nomor anggota"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    member_type = models.ForeignKey(
        MemberType,
        verbose_name=_("jenis anggota"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    institution = models.CharField(_("instansi"), max_length=200, blank=True)
    email = models.EmailField(_("surel"), blank=True)
    phone = models.CharField(_("telepon"), max_length=40, blank=True)
    address = models.TextField(_("alamat"), blank=True)
    expires_on = models.DateField(_("berlaku sampai"), null=True, blank=True)
    photo = models.ImageField(_("foto"), upload_to=member_photo_path, blank=True, storage=private_storage)
    notes = models.TextField(_("catatan"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("anggota")
        verbose_name_plural = _("anggota")

    def __str__(self) -> str:
        return f"{self.member_code} {self.name}"
