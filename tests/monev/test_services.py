from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from monev import services
from monev.exceptions import (
    AssessmentExists,
    AssessmentLocked,
    IncompleteAssessment,
    InstrumentInUse,
    InvalidAnswer,
    WorkflowError,
)
from monev.instrument_loader import DEFAULT_INSTRUMENTS_DIR
from monev.models import Answer, AuditAction, AuditEvent, Evidence, HistoricScore, Instrument, Status
from tests.factories import make_user
from tests.monev import builders


@pytest.fixture
def librarian(library_a):
    return make_user("pustakawan-a", libraries=[library_a])


@pytest.fixture
def supervisor(db):
    return make_user("pembina", global_role="supervisor")


@pytest.fixture(autouse=True)
def _evidence_in_tmp(settings, tmp_path):
    settings.MONEV_EVIDENCE_ROOT = tmp_path / "evidence"


def _copy_instruments(tmp_path: Path) -> Path:
    directory = tmp_path / "instruments"
    directory.mkdir()
    for path in DEFAULT_INSTRUMENTS_DIR.glob("*.yaml"):
        (directory / path.name).write_bytes(path.read_bytes())
    return directory


# --- instruments ----------------------------------------------------------------------------------------


def test_sync_creates_one_row_per_instrument_file_with_its_hash_and_snapshot(db):
    synced = services.sync_instruments()

    assert {row.code for row in synced} == {path.stem for path in DEFAULT_INSTRUMENTS_DIR.glob("*.yaml")}
    khusus = Instrument.objects.get(code="khusus-2018")
    assert khusus.indicator_count == 84
    assert len(khusus.components) == 6 and khusus.components[0]["weight"] == "20"
    assert len(khusus.content_hash) == 64


def test_sync_updates_a_changed_file_while_no_assessment_uses_it(db, tmp_path):
    directory = _copy_instruments(tmp_path)
    services.sync_instruments(directory=directory)
    path = directory / "khusus-2022.yaml"
    path.write_text(path.read_text().replace('\nname: "', '\nname: "(revisi) ', 1))

    services.sync_instruments(directory=directory)

    assert "(revisi)" in Instrument.objects.get(code="khusus-2022").name


def test_sync_refuses_to_edit_an_instrument_version_in_use(db, tmp_path, library_a, librarian):
    directory = _copy_instruments(tmp_path)
    services.sync_instruments(directory=directory)
    builders.start(library_a, by=librarian, code="khusus-2022")
    before = Instrument.objects.get(code="khusus-2022").content_hash
    path = directory / "khusus-2022.yaml"
    path.write_text(path.read_text().replace('\nname: "', '\nname: "(revisi) ', 1))

    with pytest.raises(InstrumentInUse, match="versi baru"):
        services.sync_instruments(directory=directory)

    assert Instrument.objects.get(code="khusus-2022").content_hash == before


# --- the workflow ---------------------------------------------------------------------------------------


def test_full_workflow_draft_submitted_returned_resubmitted_verified(library_a, librarian, supervisor):
    assessment = builders.answered(library_a, by=librarian)
    assert assessment.status == Status.DRAFT

    assessment = services.submit_assessment(assessment=assessment, by=librarian)
    assert assessment.status == Status.SUBMITTED and assessment.submitted_by == librarian

    assessment = services.return_assessment(
        assessment=assessment, by=supervisor, comments={"1.1": "Lampirkan SK kebijakan.", "2.1": ""}
    )
    assert assessment.status == Status.RETURNED
    assert [(c.indicator_code, c.text, c.review_round) for c in assessment.comments.all()] == [
        ("1.1", "Lampirkan SK kebijakan.", 1)
    ]

    services.save_answer(assessment=assessment, indicator_code="1.1", option="a", by=librarian)
    assessment = services.resubmit_assessment(assessment=assessment, by=librarian)
    assert assessment.status == Status.SUBMITTED

    assessment = services.verify_assessment(assessment=assessment, by=supervisor)
    assert assessment.status == Status.VERIFIED and assessment.verified_by == supervisor
    assert assessment.verified_at is not None
    # all c = 60; 1.1 from c to a adds 2 points × 20 / (20 × 5) = 0.40
    assert assessment.total == Decimal("60.4") and assessment.grade == "C"


def test_every_workflow_step_and_answer_change_is_audited_with_from_and_to(library_a, librarian, supervisor):
    assessment = builders.start(library_a, by=librarian)
    services.save_answer(assessment=assessment, indicator_code="1.1", option="c", by=librarian)
    services.save_answer(
        assessment=assessment, indicator_code="1.1", option="b", note="SK 2023", by=librarian
    )
    assessment = services.save_answers(
        assessment=assessment, options=builders.all_answers(assessment, "b"), by=librarian
    )
    assessment = services.submit_assessment(assessment=assessment, by=librarian)
    assessment = services.return_assessment(
        assessment=assessment, by=supervisor, comments={"1.2": "Periksa."}
    )
    assessment = services.resubmit_assessment(assessment=assessment, by=librarian)
    services.verify_assessment(assessment=assessment, by=supervisor)

    events = list(AuditEvent.objects.filter(assessment=assessment))
    steps = [e.action for e in events if e.action not in (AuditAction.ANSWER, AuditAction.NOTE)]
    assert steps == ["start", "submit", "return", "resubmit", "verify"]
    changes_1_1 = [(e.action, e.from_value, e.to_value, e.actor) for e in events if e.indicator_code == "1.1"]
    assert changes_1_1 == [
        ("answer", "", "c", librarian),
        ("answer", "c", "b", librarian),
        ("note", "", "SK 2023", librarian),
    ]
    verify = events[-1]
    assert (verify.actor, verify.from_value, verify.to_value) == (supervisor, "submitted", "verified")


def test_saving_the_same_answer_again_writes_no_audit_row(library_a, librarian):
    assessment = builders.start(library_a, by=librarian)
    services.save_answer(assessment=assessment, indicator_code="1.1", option="c", by=librarian)
    services.save_answer(assessment=assessment, indicator_code="1.1", option="c", by=librarian)

    assert AuditEvent.objects.filter(assessment=assessment, action=AuditAction.ANSWER).count() == 1


def test_autosave_updates_the_cached_total_grade_and_progress(library_a, librarian):
    assessment = builders.answered(library_a, by=librarian, letter="c", overrides={"1.1": "d", "1.2": "d"})
    assessment.refresh_from_db()
    assert assessment.total == Decimal("59.6") and assessment.grade == "TT"

    answer = services.save_answer(assessment=assessment, indicator_code="2.1", option="b", by=librarian)
    services.save_answer(assessment=assessment, indicator_code="2.2", option="b", by=librarian)

    assessment.refresh_from_db()
    assert answer.assessment.total == Decimal("59.725")
    assert assessment.total == Decimal("59.85") and assessment.grade == "TT"
    assert assessment.answered_count == assessment.indicator_count == 84
    assert assessment.component_values["koleksi"] == 11.6


def test_unanswered_indicators_block_submission_and_are_listed(library_a, librarian):
    assessment = builders.answered(library_a, by=librarian)
    services.save_answer(assessment=assessment, indicator_code="3.2", option="", by=librarian)

    with pytest.raises(IncompleteAssessment) as refused:
        services.submit_assessment(assessment=assessment, by=librarian)

    assert refused.value.unanswered == ("3.2",)
    assessment.refresh_from_db()
    assert assessment.status == Status.DRAFT


def test_verified_assessment_is_read_only_for_every_later_change(library_a, librarian, supervisor):
    assessment = builders.verified(library_a, by=librarian, supervisor=supervisor)
    answer = assessment.answers.get(indicator_code="1.1")

    with pytest.raises(AssessmentLocked):
        services.save_answer(assessment=assessment, indicator_code="1.1", option="a", by=librarian)
    with pytest.raises(AssessmentLocked):
        services.save_answers(assessment=assessment, options={"1.1": "a"}, by=librarian)
    with pytest.raises(AssessmentLocked):
        services.attach_evidence(
            assessment=assessment, indicator_code="1.1", link="https://x.id/", by=librarian
        )
    with pytest.raises(WorkflowError):
        services.return_assessment(assessment=assessment, by=supervisor, comments={"1.1": "Ubah."})
    with pytest.raises(WorkflowError):
        services.verify_assessment(assessment=assessment, by=supervisor)
    with pytest.raises(AssessmentLocked):  # even code that bypasses the services
        answer.option = "a"
        answer.save()
    with pytest.raises(AssessmentLocked):
        answer.delete()
    assert Answer.objects.get(pk=answer.pk).option == "c"


def test_submitted_assessment_cannot_be_edited_until_returned(library_a, librarian):
    assessment = builders.submitted(library_a, by=librarian)

    with pytest.raises(AssessmentLocked, match="ditinjau"):
        services.save_answer(assessment=assessment, indicator_code="1.1", option="a", by=librarian)


def test_return_needs_at_least_one_comment(library_a, librarian, supervisor):
    assessment = builders.submitted(library_a, by=librarian)

    with pytest.raises(WorkflowError, match="komentar"):
        services.return_assessment(assessment=assessment, by=supervisor, comments={"1.1": "  "})


def test_return_comment_on_an_unknown_indicator_is_refused(library_a, librarian, supervisor):
    assessment = builders.submitted(library_a, by=librarian)

    with pytest.raises(InvalidAnswer):
        services.return_assessment(assessment=assessment, by=supervisor, comments={"99.9": "?"})


def test_draft_cannot_be_verified(library_a, librarian, supervisor):
    assessment = builders.answered(library_a, by=librarian)

    with pytest.raises(WorkflowError):
        services.verify_assessment(assessment=assessment, by=supervisor)


def test_librarian_cannot_verify_and_other_librarian_cannot_answer(library_a, library_b, librarian):
    other = make_user("pustakawan-b", libraries=[library_b])
    assessment = builders.submitted(library_a, by=librarian)

    with pytest.raises(PermissionDenied):
        services.verify_assessment(assessment=assessment, by=librarian)
    draft = builders.start(library_a, by=librarian, year=2025)
    with pytest.raises(PermissionDenied):
        services.save_answer(assessment=draft, indicator_code="1.1", option="a", by=other)


def test_one_assessment_per_library_year_and_instrument(library_a, librarian):
    builders.start(library_a, by=librarian)

    with pytest.raises(AssessmentExists):
        builders.start(library_a, by=librarian)


def test_option_outside_a_to_e_and_unknown_indicator_are_refused(library_a, librarian):
    assessment = builders.start(library_a, by=librarian)

    with pytest.raises(InvalidAnswer):
        services.save_answer(assessment=assessment, indicator_code="1.1", option="f", by=librarian)
    with pytest.raises(InvalidAnswer):
        services.save_answer(assessment=assessment, indicator_code="9.9", option="a", by=librarian)


def test_khusus_libraries_get_the_newest_khusus_version_published_before_the_year(library_a):
    builders.instrument()

    assert services.suggested_instrument(library=library_a, year=2022).code == "khusus-2018"
    assert services.suggested_instrument(library=library_a, year=2023).code == "khusus-2022"


def test_historic_score_is_recorded_with_source_grade_and_audit(library_a, supervisor):
    score = services.record_historic_score(
        library=library_a, year=2019, total="59.85", source="Laporan monev 2019", by=supervisor
    )

    assert score.total == Decimal("59.85") and score.grade == "TT"
    event = AuditEvent.objects.get(action=AuditAction.HISTORIC, library=library_a)
    assert event.to_value == "59.8500" and event.detail["source"] == "Laporan monev 2019"
    services.record_historic_score(library=library_a, year=2019, total="60", source="Koreksi", by=supervisor)
    assert HistoricScore.objects.get(library=library_a, year=2019).grade == "C"


def test_historic_score_needs_a_source(library_a, supervisor):
    with pytest.raises(WorkflowError, match="sumber"):
        services.record_historic_score(library=library_a, year=2019, total="59.85", source=" ", by=supervisor)


def test_removing_evidence_deletes_the_file_after_commit(
    library_a, librarian, settings, django_capture_on_commit_callbacks
):
    assessment = builders.start(library_a, by=librarian)
    evidence = services.attach_evidence(
        assessment=assessment, indicator_code="1.1", file=builders.pdf_file(), by=librarian
    )
    stored = Path(settings.MONEV_EVIDENCE_ROOT) / evidence.stored_name
    assert stored.exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.remove_evidence(evidence=evidence, by=librarian)

    assert not stored.exists()
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert AuditEvent.objects.filter(action=AuditAction.EVIDENCE_REMOVED, indicator_code="1.1").exists()
