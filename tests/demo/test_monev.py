"""seed_monev_demo against the published figures of shared/data/kemenag-scores.yaml."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from demo.libraries import DEFAULT_DEMO_CODES
from monev.models import Assessment, HistoricScore, Status
from monev.selectors import ScoreFilters, libraries_ranked_by_score


@pytest.fixture
def seeded(db, settings, tmp_path):
    settings.MONEV_EVIDENCE_ROOT = tmp_path
    call_command("seed_monev_demo", verbosity=0)


def ranking(year):
    return {row.library_code: row for row in libraries_ranked_by_score(ScoreFilters(year=year)).rows}


def test_bdk_aceh_scores_exactly_59_85_in_2019_from_a_full_answer_set(seeded):
    assessment = Assessment.objects.get(library__code="bdk-aceh", year=2019)

    assert assessment.status == Status.VERIFIED and assessment.instrument.code == "khusus-2018"
    assert assessment.total == Decimal("59.85") and assessment.grade == "TT"
    assert assessment.answered_count == 84
    assert ranking(2019)["bdk-aceh"].total == Decimal("59.85")


def test_lpmq_shows_93_83_in_2021_and_74_56_in_2024_with_their_sources(seeded):
    scores = {score.year: score for score in HistoricScore.objects.filter(library__code="lpmq")}

    assert scores[2021].total == Decimal("93.83") and "lajnah.kemenag.go.id" in scores[2021].source
    assert scores[2024].total == Decimal("74.56") and "B-105" in scores[2024].source
    assert ranking(2021)["lpmq"].total == Decimal("93.83")
    assert ranking(2024)["lpmq"].total == Decimal("74.56")
    # the answer sets behind them are the nearest grid totals showing the same two decimals
    answered = {
        a.year: a.total for a in Assessment.objects.filter(library__code="lpmq", year__in=[2021, 2024])
    }
    assert answered == {2021: Decimal("93.8333"), 2024: Decimal("74.5666")}


def test_lpmq_is_the_highest_khusus_unit_in_2024_and_the_best_in_2021(seeded):
    for year in (2021, 2024):
        khusus = [row for row in ranking(year).values() if row.kind in ("bdk", "bla", "lpmq")]
        best = max(khusus, key=lambda row: row.total)
        assert best.library_code == "lpmq"
    assert all(row.total < Decimal("74.56") for row in ranking(2024).values() if row.kind in ("bdk", "bla"))


def test_every_demo_library_has_verified_assessments_2021_to_2024(seeded):
    for code in DEFAULT_DEMO_CODES:
        years = set(
            Assessment.objects.filter(library__code=code, status=Status.VERIFIED).values_list(
                "year", flat=True
            )
        )
        assert {2021, 2022, 2023, 2024} <= years, code
    assert Assessment.objects.filter(year=2025, status=Status.DRAFT).count() == 3
    assert Assessment.objects.get(library__code="bdk-bandung", year=2025).status == Status.RETURNED


def test_instruments_follow_the_documented_versions(seeded):
    def code(library, year):
        return Assessment.objects.get(library__code=library, year=year).instrument.code

    assert code("bdk-medan", 2024) == "khusus-2018" and code("bdk-medan", 2025) == "khusus-2022"
    assert (
        code("uin-jakarta", 2022) == "perguruan-tinggi-2018"
        and code("uin-jakarta", 2023) == "perguruan-tinggi-2022"
    )
    assert code("mtsn2-magelang", 2024) == "sekolah-2018"


def test_seeding_twice_changes_nothing(seeded):
    before = sorted(Assessment.objects.values_list("library__code", "year", "total", "status"))

    call_command("seed_monev_demo", verbosity=0)

    assert sorted(Assessment.objects.values_list("library__code", "year", "total", "status")) == before
    assert HistoricScore.objects.count() == 2
