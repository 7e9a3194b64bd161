"""Monev (self-assessment of library governance against the Perpusnas accreditation instrument).

All tables live in the public schema: supervisors compare every library, so the data cannot sit inside
one library's schema. Workflows are in ``services.py``; here are the data and its invariants only.

- ``Instrument``: one row per instrument version (one YAML file), synced by ``services.sync_instruments``.
  ``components`` is a snapshot of the file's components and indicators, so an assessment keeps the exact
  wording it was answered against; a version in use is never edited in place.
- ``Assessment``: a library's self-assessment for a year; ``total``, ``grade``, ``component_values``
  and the counts are a cache of ``scoring.score_assessment`` refreshed by the services on every change, so
  dashboards aggregate them in SQL without loading answers.
- ``HistoricScore``: a published or recorded total without answers (59.85 in 2019), with its source.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from monev.exceptions import AssessmentLocked

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class LibraryType(models.TextChoices):
    KHUSUS = "khusus", _("Perpustakaan khusus")
    PERGURUAN_TINGGI = "perguruan_tinggi", _("Perpustakaan perguruan tinggi")
    SEKOLAH = "sekolah", _("Perpustakaan sekolah/madrasah")


class Grade(models.TextChoices):
    A = "A", _("A – Sangat Baik")
    B = "B", _("B – Baik")
    C = "C", _("C – Cukup Baik")
    TT = "TT", _("Tidak Terakreditasi")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Diajukan")
    RETURNED = "returned", _("Dikembalikan")
    VERIFIED = "verified", _("Terverifikasi")


EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.RETURNED})
OPTION_CHOICES = [(letter, letter) for letter in "abcde"]


class Instrument(models.Model):
    code = models.SlugField(_("kode"), max_length=64, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    library_type = models.CharField(_("jenis perpustakaan"), max_length=24, choices=LibraryType.choices)
    year = models.PositiveSmallIntegerField(_("tahun"), validators=YEAR_VALIDATORS)
    legal_basis = models.TextField(_("dasar hukum"), blank=True)
    provenance = models.TextField(_("asal data"), blank=True)
    file_name = models.CharField(_("berkas"), max_length=200)
    content_hash = models.CharField(_("sha256 berkas"), max_length=64)
    components = models.JSONField(_("komponen dan indikator"), default=list)
    indicator_count = models.PositiveSmallIntegerField(_("jumlah indikator"), default=0)
    synced_at = models.DateTimeField(_("disinkronkan"), auto_now=True)

    class Meta:
        ordering = ["library_type", "-year", "code"]
        verbose_name = _("instrumen")
        verbose_name_plural = _("instrumen")

    def __str__(self) -> str:
        return self.name


class Assessment(models.Model):
    library = models.ForeignKey(
        "tenants.Library",
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("perpustakaan"),
    )
    year = models.PositiveSmallIntegerField(_("tahun"), validators=YEAR_VALIDATORS)
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("instrumen")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    # Cache of scoring.score_assessment: the exact total rounded down to 4 places (ordering, SQL averages);
    # the grade comes from the exact total, never from this rounded one.
    total = models.DecimalField(_("nilai"), max_digits=7, decimal_places=4, default=0)
    grade = models.CharField(_("predikat"), max_length=2, choices=Grade.choices, default=Grade.TT)
    component_values = models.JSONField(_("nilai per komponen"), default=dict)
    answered_count = models.PositiveSmallIntegerField(_("indikator terjawab"), default=0)
    indicator_count = models.PositiveSmallIntegerField(_("jumlah indikator"), default=0)
    review_round = models.PositiveSmallIntegerField(_("putaran pengembalian"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "library__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["library", "year", "instrument"],
                name="monev_one_assessment_per_library_year_instrument",
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0) & Q(total__lte=100), name="monev_assessment_total_0_100"
            ),
        ]
        indexes = [models.Index(fields=["year", "status"], name="monev_assessment_year_status")]
        verbose_name = _("penilaian")
        verbose_name_plural = _("penilaian")

    def __str__(self) -> str:
        return f"{self.library} {self.year} ({self.instrument.code})"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_verified(self) -> bool:
        return self.status == Status.VERIFIED


def _refuse_if_verified(assessment_id: int | None) -> None:
    """A verified assessment is read-only: even code that bypasses the services cannot change it."""
    if assessment_id and Assessment.objects.filter(pk=assessment_id, status=Status.VERIFIED).exists():
        raise AssessmentLocked(_("Penilaian sudah diverifikasi dan hanya dapat dibaca."))


class Answer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    indicator_code = models.CharField(_("indikator"), max_length=16)
    option = models.CharField(_("jawaban"), max_length=1, choices=OPTION_CHOICES, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator_code"], name="monev_one_answer_per_indicator"
            ),
            models.CheckConstraint(
                condition=Q(option__in=["", "a", "b", "c", "d", "e"]), name="monev_answer_option_a_to_e"
            ),
        ]
        verbose_name = _("jawaban")
        verbose_name_plural = _("jawaban")

    def __str__(self) -> str:
        return f"{self.indicator_code}: {self.option or '-'}"

    def save(self, *args, **kwargs):
        _refuse_if_verified(self.assessment_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_verified(self.assessment_id)
        return super().delete(*args, **kwargs)


class EvidenceKind(models.TextChoices):
    FILE = "file", _("Berkas")
    LINK = "link", _("Tautan")


class Evidence(models.Model):
    """A file (stored under ``stored_name``, a random name in MONEV_EVIDENCE_ROOT) or a link."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("jenis"), max_length=8, choices=EvidenceKind.choices)
    stored_name = models.CharField(max_length=80, blank=True, editable=False)
    original_name = models.CharField(_("nama berkas"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    url = models.URLField(_("tautan"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="file") & ~Q(stored_name="") & Q(url=""))
                | (Q(kind="link") & ~Q(url="") & Q(stored_name="")),
                name="monev_evidence_is_a_file_or_a_link",
            )
        ]
        verbose_name = _("bukti")
        verbose_name_plural = _("bukti")

    def __str__(self) -> str:
        return self.original_name or self.url

    def save(self, *args, **kwargs):
        _refuse_if_verified(self.answer.assessment_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_verified(self.answer.assessment_id)
        return super().delete(*args, **kwargs)

    @property
    def library(self):
        """The library whose internals this file belongs to (what the permission module is asked about)."""
        return self.answer.assessment.library


class ReviewComment(models.Model):
    """A supervisor's comment on one indicator, written when returning the assessment (round n)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="comments")
    indicator_code = models.CharField(_("indikator"), max_length=16)
    text = models.TextField(_("komentar"))
    review_round = models.PositiveSmallIntegerField(_("putaran"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review_round", "created_at"]
        verbose_name = _("komentar penilai")
        verbose_name_plural = _("komentar penilai")

    def __str__(self) -> str:
        return f"{self.indicator_code}: {self.text[:40]}"


class AuditAction(models.TextChoices):
    START = "start", _("Penilaian dimulai")
    ANSWER = "answer", _("Jawaban diubah")
    NOTE = "note", _("Catatan diubah")
    EVIDENCE_ADDED = "evidence_added", _("Bukti ditambahkan")
    EVIDENCE_REMOVED = "evidence_removed", _("Bukti dihapus")
    SUBMIT = "submit", _("Diajukan")
    RETURN = "return", _("Dikembalikan dengan komentar")
    RESUBMIT = "resubmit", _("Diajukan ulang")
    VERIFY = "verify", _("Diverifikasi")
    HISTORIC = "historic", _("Nilai historis dicatat")


class AuditEvent(models.Model):
    """Who did what, when, from → to. Written by the services in the same transaction as the change."""

    library = models.ForeignKey("tenants.Library", on_delete=models.CASCADE, related_name="+")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("aksi"), max_length=20, choices=AuditAction.choices)
    indicator_code = models.CharField(_("indikator"), max_length=16, blank=True)
    from_value = models.TextField(_("dari"), blank=True)
    to_value = models.TextField(_("menjadi"), blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("jejak audit")
        verbose_name_plural = _("jejak audit")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.indicator_code}"


class HistoricScore(models.Model):
    """A total without answers (e.g. a published 59.85 in 2019): kept with where it comes from."""

    library = models.ForeignKey("tenants.Library", on_delete=models.CASCADE, related_name="historic_scores")
    year = models.PositiveSmallIntegerField(_("tahun"), validators=YEAR_VALIDATORS)
    total = models.DecimalField(
        _("nilai"), max_digits=7, decimal_places=4, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    grade = models.CharField(_("predikat"), max_length=2, choices=Grade.choices)
    source = models.TextField(_("sumber"))
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, null=True, blank=True, related_name="historic_scores"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["library", "year"], name="monev_one_historic_score_per_library_year"
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0) & Q(total__lte=100), name="monev_historic_total_0_100"
            ),
        ]
        verbose_name = _("nilai historis")
        verbose_name_plural = _("nilai historis")

    def __str__(self) -> str:
        return f"{self.library} {self.year}: {self.total}"
