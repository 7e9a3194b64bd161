"""Harvest sources and runs, in the public schema (SHARED_APPS): where a library's records come from,
and what each run did (docs/architecture.md, "One pipeline for every record").

A run's counters and its resumption point are committed in the same transaction as the records of the
page they describe (``harvest.pipeline``), so what a run says is always what the library's schema holds.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class HarvestSource(models.Model):
    class Kind(models.TextChoices):
        OAI_PMH = "oai_pmh", "OAI-PMH"
        LOCAL = "local", _("Katalog lokal Simpul")
        FILE = "file", _("Berkas unggahan")

    class MetadataFormat(models.TextChoices):
        OAI_DC = "oai_dc", "Dublin Core (oai_dc)"
        MARCXML = "marcxml", "MARCXML"
        MODS = "mods", "MODS"

    class Flavour(models.TextChoices):
        SLIMS_OAI = "slims_oai", "SLiMS oai.php"
        SLIMS_OAI2 = "slims_oai2", "SLiMS oai2.php"
        STANDARD = "standard", _("OAI-PMH 2.0 standar")

    library = models.ForeignKey(
        "tenants.Library",
        verbose_name=_("perpustakaan"),
        on_delete=models.CASCADE,
        related_name="harvest_sources",
    )
    name = models.CharField(_("nama"), max_length=200, blank=True)
    kind = models.CharField(_("jenis"), max_length=16, choices=Kind.choices, default=Kind.OAI_PMH)
    base_url = models.URLField(_("alamat dasar"), max_length=500, blank=True)
    metadata_format = models.CharField(
        _("format metadata"), max_length=16, choices=MetadataFormat.choices, default=MetadataFormat.OAI_DC
    )
    # The prefix the server itself uses for that format (a repository may call MARCXML "marc21").
    metadata_prefix = models.CharField(_("metadataPrefix"), max_length=64, blank=True)
    set_spec = models.CharField(_("set"), max_length=200, blank=True)
    flavour = models.CharField(_("ragam titik akses"), max_length=16, choices=Flavour.choices, blank=True)
    granularity = models.CharField(_("granularitas tanggal"), max_length=32, blank=True)
    repository_name = models.CharField(_("nama repositori"), max_length=255, blank=True)
    schedule = models.ForeignKey(
        "django_celery_beat.PeriodicTask",
        verbose_name=_("jadwal panen"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reconcile_schedule = models.ForeignKey(
        "django_celery_beat.PeriodicTask",
        verbose_name=_("jadwal rekonsiliasi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reconcile_every_days = models.PositiveSmallIntegerField(
        _("rekonsiliasi penuh tiap (hari)"),
        default=7,
        help_text=_("SLiMS tidak melaporkan suntingan dan penghapusan; rekonsiliasi penuh menemukannya."),
    )
    enabled = models.BooleanField(_("aktif"), default=True)
    next_from = models.CharField(
        _("titik 'from' berikutnya"),
        max_length=32,
        blank=True,
        help_text=_("Dari responseDate server pada awal panen terakhir yang tuntas."),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        ordering = ["library__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["library", "base_url", "metadata_format", "set_spec"],
                condition=Q(kind="oai_pmh"),
                name="unique_oai_source_per_library",
            ),
            models.UniqueConstraint(
                fields=["library", "kind"], condition=~Q(kind="oai_pmh"), name="one_local_or_file_source"
            ),
        ]
        verbose_name = _("sumber panen")
        verbose_name_plural = _("sumber panen")

    def __str__(self) -> str:
        label = self.name or self.base_url or self.get_kind_display()
        return f"{self.library.code}: {label}"

    @property
    def is_slims(self) -> bool:
        return self.flavour in (self.Flavour.SLIMS_OAI, self.Flavour.SLIMS_OAI2)


class HarvestRun(models.Model):
    class Mode(models.TextChoices):
        INCREMENTAL = "incremental", _("Inkremental")
        FULL = "full", _("Penuh")
        RECONCILE = "reconcile", _("Rekonsiliasi")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Antre")
        RUNNING = "running", _("Berjalan")
        SUCCEEDED = "succeeded", _("Berhasil")
        PARTIAL = "partial", _("Sebagian")
        FAILED = "failed", _("Gagal")
        SKIPPED = "skipped", _("Dilewati")

    class Phase(models.TextChoices):
        LISTING = "listing", _("Mendaftar identitas")
        DELETING = "deleting", _("Menghapus yang hilang")
        FETCHING = "fetching", _("Mengambil cantuman")

    ACTIVE = (Status.QUEUED, Status.RUNNING)
    FINISHED = (Status.SUCCEEDED, Status.PARTIAL, Status.FAILED, Status.SKIPPED)

    source = models.ForeignKey(
        HarvestSource, verbose_name=_("sumber"), on_delete=models.CASCADE, related_name="runs"
    )
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, default=Mode.INCREMENTAL)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(_("tahap"), max_length=16, choices=Phase.choices, default=Phase.FETCHING)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("denyut terakhir"), null=True, blank=True)
    pages_seen = models.PositiveIntegerField(_("halaman"), default=0)
    records_seen = models.PositiveIntegerField(_("cantuman dilihat"), default=0)
    created_count = models.PositiveIntegerField(_("baru"), default=0)
    updated_count = models.PositiveIntegerField(_("diperbarui"), default=0)
    unchanged_count = models.PositiveIntegerField(_("tak berubah"), default=0)
    deleted_count = models.PositiveIntegerField(_("dihapus"), default=0)
    failed_count = models.PositiveIntegerField(_("gagal"), default=0)
    skipped_count = models.PositiveIntegerField(
        _("dilewati"),
        default=0,
        help_text=_("Rekonsiliasi: cantuman yang tanggal kepalanya sama dengan versi yang tersimpan."),
    )
    requested_mode = models.CharField(_("mode diminta"), max_length=16, choices=Mode.choices, blank=True)
    note = models.TextField(
        _("catatan"), blank=True, help_text=_("Apa yang dijalankan lain dari yang diminta.")
    )
    from_used = models.CharField(_("from"), max_length=32, blank=True)
    until_used = models.CharField(_("until"), max_length=32, blank=True)
    response_date = models.CharField(
        _("responseDate awal"), max_length=32, blank=True, help_text=_("Jam server saat run dimulai.")
    )
    resumption_token = models.TextField(
        _("titik lanjut"), blank=True, help_text=_("Token halaman berikutnya yang belum disimpan.")
    )
    complete_list_size = models.PositiveIntegerField(_("ukuran daftar"), null=True, blank=True)
    restarts = models.PositiveSmallIntegerField(_("daftar diulang"), default=0)
    last_error = models.TextField(_("galat terakhir"), blank=True)
    task_id = models.CharField(_("tugas Celery"), max_length=64, blank=True)
    file_name = models.CharField(_("nama berkas"), max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["source", "-created_at"], name="harvest_run_source_recent")]
        verbose_name = _("run panen")
        verbose_name_plural = _("run panen")

    def __str__(self) -> str:
        return f"#{self.pk} {self.source} {self.mode} {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def progress_percent(self) -> int | None:
        """Records seen out of the server's completeListSize, when it gave one (a hint: servers estimate)."""
        if not self.complete_list_size:
            return 100 if self.status in (self.Status.SUCCEEDED, self.Status.PARTIAL) else None
        return min(100, round(self.records_seen * 100 / self.complete_list_size))


class HarvestProblem(models.Model):
    """One record (or one page) a run could not bring home, with the identifier and the reason."""

    run = models.ForeignKey(
        HarvestRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="problems"
    )
    identifier = models.CharField(_("identitas OAI"), max_length=500, blank=True)
    # A file import's problems: the record's 1-based position in the file (None for a harvest's page).
    position = models.PositiveIntegerField(_("posisi di berkas"), null=True, blank=True)
    reason = models.TextField(_("alasan"))
    page_token = models.TextField(_("token halaman"), blank=True)
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("masalah panen")
        verbose_name_plural = _("masalah panen")

    def __str__(self) -> str:
        return f"{self.identifier or '—'}: {self.reason[:80]}"
