"""The library (tenant) and its domains, in the public schema.

A library's schema name derives from its code (``bdk-aceh`` → ``bdk_aceh``). Schemas are created by
``tenants.services.create_library`` (never by saving the model), which is why ``auto_create_schema`` is off.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin


class UnitKind(models.TextChoices):
    BDK = "bdk", _("Balai Diklat Keagamaan")
    BALAI_LITBANG = "bla", _("Balai Litbang Agama")
    LPMQ = "lpmq", _("Lajnah Pentashihan Mushaf Al-Qur'an")
    PUSLITBANG = "puslitbang", _("Puslitbang")
    PUSDIKLAT = "pusdiklat", _("Pusdiklat")
    PTKIN = "ptkin", _("PTKIN (perguruan tinggi keagamaan Islam negeri)")
    MADRASAH = "madrasah", _("Madrasah")
    OTHER = "other", _("Lainnya")


class LibrarySystem(models.TextChoices):
    SLIMS = "slims", "SLiMS"
    INLISLITE = "inlislite", "INLISLite"
    SIMPUL = "simpul", "Simpul"
    NONE = "none", _("Tidak ada")


class LibraryQuerySet(models.QuerySet):
    def active(self) -> LibraryQuerySet:
        return self.filter(active=True)


class Library(TenantMixin):
    code = models.SlugField(_("kode"), max_length=48, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(
        _("jenis satker"), max_length=16, choices=UnitKind.choices, default=UnitKind.OTHER
    )
    city = models.CharField(_("kota"), max_length=100, blank=True)
    province = models.CharField(_("provinsi"), max_length=100, blank=True)
    latitude = models.DecimalField(_("lintang"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("bujur"), max_digits=8, decimal_places=5, null=True, blank=True)
    system = models.CharField(
        _("sistem otomasi"), max_length=16, choices=LibrarySystem.choices, default=LibrarySystem.SLIMS
    )
    website = models.URLField(_("situs web"), blank=True)
    active = models.BooleanField(_("aktif"), default=True)
    # Denormalized collection counts for listings; refreshed by catalog.services.refresh_collection_counts.
    record_count = models.PositiveIntegerField(_("jumlah judul"), default=0)
    copy_count = models.PositiveIntegerField(_("jumlah eksemplar"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    auto_create_schema = False
    auto_drop_schema = False

    objects = LibraryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("perpustakaan")
        verbose_name_plural = _("perpustakaan")

    def __str__(self) -> str:
        return self.name

    @property
    def catalogue_managed_in_simpul(self) -> bool:
        """Simpul is the library's system: its catalogue and circulation are kept and edited here. Any other
        system (SLiMS, INLISLite) is the source of truth, harvested and read-only in Simpul
        (docs/architecture.md, "Two kinds of library")."""
        return self.system == LibrarySystem.SIMPUL

    @property
    def primary_domain(self) -> str:
        domain = self.domains.filter(is_primary=True).first()
        return domain.domain if domain else ""


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domain")


class SchemaTemplate(models.Model):
    """The DDL of the migrated tenant template, captured once per migration state (see schema_template.py)."""

    migration_state = models.CharField(max_length=64, unique=True)
    ddl = models.TextField()
    migration_rows = models.JSONField()
    captured_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"template {self.migration_state[:12]}"
