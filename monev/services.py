"""Everything that changes monev state: instruments sync, the assessment workflow, evidence, historic totals.

Each function takes keyword-only arguments, runs in one transaction, writes its audit rows in that same
transaction and returns the changed object. The assessment row is locked (``SELECT … FOR UPDATE``) before
its status is read, so two autosaves, or a verify racing a late answer, are serialized.

Workflow (docs/architecture.md, "Monev / accreditation")::

    draft ──submit──▶ submitted ──verify──▶ verified (read-only)
                          │  ▲
                   return │  │ resubmit
                          ▼  │
                        returned (answers editable again, supervisor comments per indicator)

Submission rule: every indicator must be answered. A draft scores unanswered indicators 0 points (a lower
bound, see ``scoring``), but a submitted assessment is complete; "not available" is option e, so there is
always an honest answer to give.

Who: answers, evidence and submission need ``can_manage_library`` (the library's librarians, operators);
return and verify need ``can_supervise``. Views check the same rules first; the services check again so
the admin, a task or a script cannot skip them.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.validators import URLValidator
from django.core.validators import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monev import evidence as evidence_files
from monev.exceptions import (
    AssessmentExists,
    AssessmentLocked,
    EvidenceRejected,
    IncompleteAssessment,
    InstrumentInUse,
    InvalidAnswer,
    WorkflowError,
)
from monev.instrument_loader import DEFAULT_INSTRUMENTS_DIR, OPTION_LETTERS, load_all_instruments
from monev.models import (
    EDITABLE_STATUSES,
    Answer,
    Assessment,
    AuditAction,
    AuditEvent,
    Evidence,
    EvidenceKind,
    HistoricScore,
    Instrument,
    ReviewComment,
    Status,
)
from monev.scoring import grade_for, round_for_display, score_assessment, to_fraction
from monev.snapshot import core_instrument, snapshot_components
from portal.accounts.permissions import can_manage_library, can_supervise

NOTE_MAX_LENGTH = 4000
COMMENT_MAX_LENGTH = 4000
_UNSET = object()

# Which instrument family a unit answers, by its kind (tenants.models.UnitKind).
LIBRARY_TYPE_BY_KIND = {"ptkin": "perguruan_tinggi", "madrasah": "sekolah"}


def library_type_for(library) -> str:
    return LIBRARY_TYPE_BY_KIND.get(library.kind, "khusus")


# --- instruments ----------------------------------------------------------------------------------------


def sync_instruments(*, directory: str | Path = DEFAULT_INSTRUMENTS_DIR) -> list[Instrument]:
    """Create or update one ``Instrument`` row per YAML file; refuse to change a version in use.

    A file whose hash differs from its row is an edit of that version. That is allowed only while no
    assessment uses the version: answers are meaningful only against the exact text they were given for,
    so "a version in use is never edited in place; a new version is a new file" (with a new code).
    Every file is validated by the loader first, so nothing is written if any file is bad.
    """
    loaded = load_all_instruments(directory)
    synced: list[Instrument] = []
    with transaction.atomic():
        existing = {row.code: row for row in Instrument.objects.select_for_update().filter(code__in=loaded)}
        for code, core in loaded.items():
            fields = {
                "name": core.name,
                "library_type": core.library_type,
                "year": core.year,
                "legal_basis": core.legal_basis,
                "provenance": core.provenance,
                "file_name": core.path.name if core.path else "",
                "content_hash": core.content_hash,
                "components": snapshot_components(core),
                "indicator_count": core.indicator_count,
            }
            row = existing.get(code)
            if row is None:
                synced.append(Instrument.objects.create(code=code, **fields))
                continue
            if row.content_hash != core.content_hash:
                used = row.assessments.count()
                if used:
                    raise InstrumentInUse(
                        _(
                            "Berkas %(file)s mengubah instrumen %(code)s yang sudah dipakai "
                            "%(count)d penilaian. Versi yang sudah dipakai tidak boleh diubah di tempat: "
                            "kembalikan berkasnya, lalu simpan perubahan sebagai berkas baru dengan kode "
                            "versi baru."
                        )
                        % {"file": fields["file_name"], "code": code, "count": used}
                    )
                for name, value in fields.items():
                    setattr(row, name, value)
                row.save()
            synced.append(row)
    return synced


def suggested_instrument(*, library, year: int) -> Instrument | None:
    """The newest version of the library's instrument family published before ``year`` (else the oldest).

    A Perpusnas instrument decided in year N is used for assessments from N+1 on (khusus 2022 in SiPAPI
    accreditations 2023–2025). The librarian may still choose another version of the family.
    """
    family = Instrument.objects.filter(library_type=library_type_for(library))
    return family.filter(year__lt=year).order_by("-year").first() or family.order_by("year").first()


# --- helpers --------------------------------------------------------------------------------------------


def _audit(
    assessment: Assessment | None,
    *,
    library=None,
    actor,
    action: str,
    indicator_code: str = "",
    from_value: str = "",
    to_value: str = "",
    detail: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        library=library if library is not None else assessment.library,
        assessment=assessment,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        indicator_code=indicator_code,
        from_value=from_value,
        to_value=to_value,
        detail=detail or {},
    )


def _lock(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update().select_related("instrument", "library").get(pk=assessment.pk)
    )


def _require_manager(by, assessment: Assessment) -> None:
    if not can_manage_library(by, assessment.library):
        raise PermissionDenied(_("Hanya pustakawan perpustakaan ini yang dapat mengubah penilaiannya."))


def _require_supervisor(by) -> None:
    if not can_supervise(by):
        raise PermissionDenied(_("Hanya pembina yang dapat memverifikasi atau mengembalikan penilaian."))


def _require_editable(assessment: Assessment) -> None:
    if assessment.status not in EDITABLE_STATUSES:
        if assessment.status == Status.VERIFIED:
            raise AssessmentLocked(_("Penilaian sudah diverifikasi dan hanya dapat dibaca."))
        raise AssessmentLocked(
            _("Penilaian sedang ditinjau pembina; jawaban dapat diubah lagi jika penilaian dikembalikan.")
        )


def _indicator_codes(assessment: Assessment) -> list[str]:
    return [indicator.code for indicator in core_instrument(assessment.instrument).iter_indicators()]


def _clean_option(indicator_code: str, option: str | None) -> str:
    letter = (option or "").strip().lower()
    if letter and letter not in OPTION_LETTERS:
        raise InvalidAnswer(
            _("Jawaban indikator %(code)s harus salah satu dari a–e.") % {"code": indicator_code}
        )
    return letter


def _check_indicator(assessment: Assessment, indicator_code: str) -> None:
    if indicator_code not in set(_indicator_codes(assessment)):
        raise InvalidAnswer(
            _("Instrumen %(instrument)s tidak memiliki indikator %(code)s.")
            % {"instrument": assessment.instrument.code, "code": indicator_code}
        )


def floor4(value) -> Decimal:
    return round_for_display(value, 4)


def refresh_score(assessment: Assessment) -> Assessment:
    """Recompute the cached total, grade, component values and counts from the stored answers."""
    answers = dict(assessment.answers.values_list("indicator_code", "option"))
    result = score_assessment(core_instrument(assessment.instrument), answers)
    assessment.total = floor4(result.total_exact)
    assessment.grade = result.grade.code
    assessment.component_values = {
        component.code: float(floor4(component.value_exact)) for component in result.components
    }
    assessment.answered_count = result.answered_count
    assessment.indicator_count = result.indicator_count
    return assessment


# --- the workflow ---------------------------------------------------------------------------------------


@transaction.atomic
def start_assessment(*, library, year: int, by, instrument: Instrument | None = None) -> Assessment:
    if not can_manage_library(by, library):
        raise PermissionDenied(_("Hanya pustakawan perpustakaan ini yang dapat memulai penilaiannya."))
    instrument = instrument or suggested_instrument(library=library, year=year)
    if instrument is None:
        raise WorkflowError(_("Belum ada instrumen untuk jenis perpustakaan ini; jalankan sinkronisasi."))
    if instrument.library_type != library_type_for(library):
        raise WorkflowError(
            _("Instrumen %(code)s bukan untuk jenis perpustakaan ini.") % {"code": instrument.code}
        )
    if Assessment.objects.filter(library=library, year=year, instrument=instrument).exists():
        raise AssessmentExists(
            _("Penilaian %(year)s dengan instrumen %(code)s sudah ada.")
            % {"year": year, "code": instrument.code}
        )
    assessment = Assessment(
        library=library,
        year=year,
        instrument=instrument,
        created_by=by,
        indicator_count=instrument.indicator_count,
    )
    assessment.save()
    _audit(
        assessment,
        actor=by,
        action=AuditAction.START,
        to_value=Status.DRAFT,
        detail={"instrument": instrument.code, "year": year},
    )
    return assessment


def _apply_answer(
    assessment: Assessment,
    answer: Answer | None,
    indicator_code: str,
    option,
    note,
    by,
    audits: list[AuditEvent],
) -> tuple[Answer, bool]:
    """Set option and/or note on the answer (not saved); append an audit row per change; say if changed."""
    if answer is None:
        answer = Answer(assessment=assessment, indicator_code=indicator_code)
    wanted = []
    if option is not _UNSET:
        wanted.append(("option", AuditAction.ANSWER, _clean_option(indicator_code, option)))
    if note is not _UNSET:
        wanted.append(("note", AuditAction.NOTE, (note or "").strip()[:NOTE_MAX_LENGTH]))
    changed = False
    for field, action, value in wanted:
        current = getattr(answer, field)
        if value == current:
            continue
        audits.append(
            AuditEvent(
                library=assessment.library,
                assessment=assessment,
                actor=by,
                action=action,
                indicator_code=indicator_code,
                from_value=current,
                to_value=value,
            )
        )
        setattr(answer, field, value)
        changed = True
    if changed:
        answer.updated_by = by
    return answer, changed


@transaction.atomic
def save_answer(*, assessment: Assessment, indicator_code: str, by, option=_UNSET, note=_UNSET) -> Answer:
    """Autosave one indicator: its option ("" clears it) and/or its note. Refused unless draft/returned."""
    assessment = _lock(assessment)
    _require_manager(by, assessment)
    _require_editable(assessment)
    _check_indicator(assessment, indicator_code)
    existing = Answer.objects.filter(assessment=assessment, indicator_code=indicator_code).first()
    audits: list[AuditEvent] = []
    answer, changed = _apply_answer(assessment, existing, indicator_code, option, note, by, audits)
    if changed:
        answer.save()
        AuditEvent.objects.bulk_create(audits)
        refresh_score(assessment)
        assessment.save()
    answer.assessment = assessment
    return answer


@transaction.atomic
def save_answers(
    *,
    assessment: Assessment,
    by,
    options: Mapping[str, str | None] | None = None,
    notes: Mapping[str, str] | None = None,
) -> Assessment:
    """Save many indicators at once (the form without JavaScript, the demo seed); one audit row per change."""
    assessment = _lock(assessment)
    _require_manager(by, assessment)
    _require_editable(assessment)
    options = dict(options or {})
    notes = dict(notes or {})
    known = set(_indicator_codes(assessment))
    unknown = sorted((set(options) | set(notes)) - known)
    if unknown:
        raise InvalidAnswer(
            _("Instrumen %(instrument)s tidak memiliki indikator %(codes)s.")
            % {"instrument": assessment.instrument.code, "codes": ", ".join(unknown)}
        )
    existing = {answer.indicator_code: answer for answer in assessment.answers.all()}
    audits: list[AuditEvent] = []
    to_create: list[Answer] = []
    to_update: list[Answer] = []
    for code in sorted(set(options) | set(notes)):
        answer, changed = _apply_answer(
            assessment,
            existing.get(code),
            code,
            options.get(code, _UNSET),
            notes.get(code, _UNSET),
            by,
            audits,
        )
        if not changed:
            continue
        (to_update if answer.pk else to_create).append(answer)
    if to_create:
        Answer.objects.bulk_create(to_create)
    if to_update:
        now = timezone.now()
        for answer in to_update:
            answer.updated_at = now
        Answer.objects.bulk_update(to_update, ["option", "note", "updated_by", "updated_at"])
    if audits:
        AuditEvent.objects.bulk_create(audits)
        refresh_score(assessment)
        assessment.save()
    return assessment


@transaction.atomic
def attach_evidence(
    *, assessment: Assessment, indicator_code: str, by, file=None, link: str = ""
) -> Evidence:
    """A file (checked by content and size, stored under a random name) or a link for one indicator."""
    assessment = _lock(assessment)
    _require_manager(by, assessment)
    _require_editable(assessment)
    _check_indicator(assessment, indicator_code)
    link = (link or "").strip()
    if (file is None) == (not link):
        raise EvidenceRejected(_("Lampirkan satu berkas atau satu tautan."))
    answer, _created = Answer.objects.get_or_create(assessment=assessment, indicator_code=indicator_code)
    if file is not None:
        file_type = evidence_files.check_file(file)
        stored_name = evidence_files.store_file(file, file_type)
        evidence = Evidence(
            answer=answer,
            kind=EvidenceKind.FILE,
            stored_name=stored_name,
            original_name=evidence_files.clean_original_name(file.name),
            content_type=file_type.content_type,
            size=file.size,
            uploaded_by=by,
        )
        try:
            evidence.save()
        except Exception:
            evidence_files.delete_file(stored_name)
            raise
        described = f"{evidence.original_name} ({file_type.label}, {file.size} B)"
    else:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except DjangoValidationError:
            raise EvidenceRejected(_("Tautan harus alamat web lengkap (http:// atau https://).")) from None
        evidence = Evidence.objects.create(
            answer=answer, kind=EvidenceKind.LINK, url=link[:500], uploaded_by=by
        )
        described = evidence.url
    _audit(
        assessment,
        actor=by,
        action=AuditAction.EVIDENCE_ADDED,
        indicator_code=indicator_code,
        to_value=described,
        detail={"evidence": str(evidence.public_id)},
    )
    return evidence


@transaction.atomic
def remove_evidence(*, evidence: Evidence, by) -> None:
    assessment = _lock(evidence.answer.assessment)
    _require_manager(by, assessment)
    _require_editable(assessment)
    described = evidence.original_name or evidence.url
    stored_name = evidence.stored_name
    indicator_code = evidence.answer.indicator_code
    public_id = str(evidence.public_id)
    evidence.delete()
    if stored_name:
        transaction.on_commit(lambda: evidence_files.delete_file(stored_name))
    _audit(
        assessment,
        actor=by,
        action=AuditAction.EVIDENCE_REMOVED,
        indicator_code=indicator_code,
        from_value=described,
        detail={"evidence": public_id},
    )


def _require_complete(assessment: Assessment) -> None:
    answered = set(assessment.answers.exclude(option="").values_list("indicator_code", flat=True))
    missing = tuple(code for code in _indicator_codes(assessment) if code not in answered)
    if missing:
        shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        raise IncompleteAssessment(
            _(
                "Masih ada %(count)d indikator yang belum dijawab: %(codes)s. Semua indikator harus dijawab "
                "sebelum diajukan (pilih e jika memang tidak ada)."
            )
            % {"count": len(missing), "codes": shown},
            missing,
        )


# The status each workflow step moves to, and the prefix of the fields that say who did it and when.
_STEP_STAMPS = {Status.SUBMITTED: "submitted", Status.RETURNED: "returned", Status.VERIFIED: "verified"}


def _move(assessment: Assessment, to_status: str, *, by, action: str, detail: dict) -> Assessment:
    """One workflow step: the new status with who and when, saved, and audited from the status it had."""
    from_status = assessment.status
    stamp = _STEP_STAMPS[to_status]
    assessment.status = to_status
    setattr(assessment, f"{stamp}_by", by)
    setattr(assessment, f"{stamp}_at", timezone.now())
    assessment.save()
    _audit(assessment, actor=by, action=action, from_value=from_status, to_value=to_status, detail=detail)
    return assessment


def _mark_submitted(assessment: Assessment, *, by, action: str) -> Assessment:
    """The shared end of submitting and resubmitting: complete answers, fresh score, audited."""
    _require_complete(assessment)
    refresh_score(assessment)
    return _move(assessment, Status.SUBMITTED, by=by, action=action, detail={"total": str(assessment.total)})


@transaction.atomic
def submit_assessment(*, assessment: Assessment, by) -> Assessment:
    assessment = _lock(assessment)
    _require_manager(by, assessment)
    if assessment.status != Status.DRAFT:
        if assessment.status == Status.RETURNED:
            raise WorkflowError(_("Penilaian yang dikembalikan diajukan ulang, bukan diajukan."))
        raise WorkflowError(_("Hanya draf yang dapat diajukan."))
    return _mark_submitted(assessment, by=by, action=AuditAction.SUBMIT)


@transaction.atomic
def return_assessment(*, assessment: Assessment, by, comments: Mapping[str, str]) -> Assessment:
    """Back to the librarian with at least one comment, each on an indicator of the instrument."""
    _require_supervisor(by)
    assessment = _lock(assessment)
    if assessment.status != Status.SUBMITTED:
        raise WorkflowError(_("Hanya penilaian yang sedang diajukan yang dapat dikembalikan."))
    cleaned = {code: (text or "").strip()[:COMMENT_MAX_LENGTH] for code, text in comments.items()}
    cleaned = {code: text for code, text in cleaned.items() if text}
    if not cleaned:
        raise WorkflowError(_("Tulis komentar pada setidaknya satu indikator sebelum mengembalikan."))
    for code in cleaned:
        _check_indicator(assessment, code)
    assessment.review_round += 1
    ReviewComment.objects.bulk_create(
        ReviewComment(
            assessment=assessment,
            indicator_code=code,
            text=text,
            review_round=assessment.review_round,
            author=by,
        )
        for code, text in cleaned.items()
    )
    return _move(
        assessment,
        Status.RETURNED,
        by=by,
        action=AuditAction.RETURN,
        detail={"round": assessment.review_round, "indicators": sorted(cleaned)},
    )


@transaction.atomic
def resubmit_assessment(*, assessment: Assessment, by) -> Assessment:
    assessment = _lock(assessment)
    _require_manager(by, assessment)
    if assessment.status != Status.RETURNED:
        raise WorkflowError(_("Hanya penilaian yang dikembalikan yang dapat diajukan ulang."))
    return _mark_submitted(assessment, by=by, action=AuditAction.RESUBMIT)


@transaction.atomic
def verify_assessment(*, assessment: Assessment, by) -> Assessment:
    """Accept the submitted assessment; from now on it is read-only and its cached total is final."""
    _require_supervisor(by)
    assessment = _lock(assessment)
    if assessment.status != Status.SUBMITTED:
        raise WorkflowError(_("Hanya penilaian yang sedang diajukan yang dapat diverifikasi."))
    refresh_score(assessment)
    return _move(
        assessment,
        Status.VERIFIED,
        by=by,
        action=AuditAction.VERIFY,
        detail={"total": str(assessment.total), "grade": assessment.grade},
    )


@transaction.atomic
def record_historic_score(
    *, library, year: int, total, source: str, by=None, instrument: Instrument | None = None
) -> HistoricScore:
    """Record (or correct) a total known without its answers, e.g. a published 59.85 for 2019."""
    if by is not None and not (can_supervise(by)):
        raise PermissionDenied(_("Hanya pembina atau operator yang dapat mencatat nilai historis."))
    exact = to_fraction(total)
    if not 0 <= exact <= 100:
        raise WorkflowError(_("Nilai harus di antara 0 dan 100."))
    source = (source or "").strip()
    if not source:
        raise WorkflowError(_("Sebutkan sumber nilai historis (surat, laporan atau tautan)."))
    previous = HistoricScore.objects.filter(library=library, year=year).first()
    score, _created = HistoricScore.objects.update_or_create(
        library=library,
        year=year,
        defaults={
            "total": floor4(exact),
            "grade": grade_for(exact).code,
            "source": source,
            "instrument": instrument,
            "recorded_by": by,
        },
    )
    _audit(
        None,
        library=library,
        actor=by,
        action=AuditAction.HISTORIC,
        from_value=str(previous.total) if previous else "",
        to_value=str(score.total),
        detail={"year": year, "source": source},
    )
    return score
