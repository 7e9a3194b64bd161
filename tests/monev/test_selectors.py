from decimal import Decimal

import pytest
from django.db import connection

from monev import selectors, services
from monev.selectors import ScoreFilters
from tests.factories import make_user
from tests.monev import builders

# khusus-2018, all c = 60.00; one step on 1.x (koleksi) = 0.20, on 4.x (tenaga) = 0.50.
TENAGA_AT_C = {f"4.{n}": "c" for n in range(1, 9)}


@pytest.fixture
def people(db):
    return {
        "operator": make_user("operator-uji", global_role="operator"),
        "supervisor": make_user("pembina", global_role="supervisor"),
    }


def verified(people, library, year, letter="c", overrides=None, code="khusus-2018"):
    return builders.verified_with(
        library,
        operator=people["operator"],
        supervisor=people["supervisor"],
        year=year,
        letter=letter,
        overrides=overrides,
        code=code,
    )


@pytest.fixture
def units(people):
    """Five units in 2024 (and some in 2023):
    best   80.00 B (2023: 60.00)    even-1 60.00 C    even-2 60.00 C (2023: 80.00)
    close  59.85 TT (the historic answer set)         near-b 75.80 C    low 40.00 TT (Jawa Barat)"""
    made = {
        "best": builders.library("uji-best", name="Perpustakaan Terbaik"),
        "even-1": builders.library("uji-even-1", name="Perpustakaan Sama A"),
        "even-2": builders.library("uji-even-2", name="Perpustakaan Sama B"),
        "close": builders.library("uji-close", name="Perpustakaan Dekat"),
        "near-b": builders.library("uji-near-b", name="Perpustakaan Hampir B", kind="bla"),
        "low": builders.library("uji-low", name="Perpustakaan Rendah", province="Jawa Barat"),
    }
    verified(people, made["best"], 2023, "c")
    verified(people, made["best"], 2024, "b")
    verified(people, made["even-1"], 2024, "c")
    verified(people, made["even-2"], 2023, "b")
    verified(people, made["even-2"], 2024, "c")
    verified(people, made["close"], 2024, "c", {"1.1": "d", "1.2": "d", "2.1": "b", "2.2": "b"})
    verified(people, made["near-b"], 2024, "b", TENAGA_AT_C | {"1.1": "c"})
    verified(people, made["low"], 2024, "d")
    return made


def ranking(**filters):
    return selectors.libraries_ranked_by_score(ScoreFilters(**filters))


def test_ranking_orders_by_total_and_ties_share_a_rank(units):
    rows = ranking(year=2024).rows

    assert [(row.rank, row.library_code, row.total) for row in rows] == [
        (1, "uji-best", Decimal("80")),
        (2, "uji-near-b", Decimal("75.8")),
        (3, "uji-even-1", Decimal("60")),
        (3, "uji-even-2", Decimal("60")),
        (5, "uji-close", Decimal("59.85")),
        (6, "uji-low", Decimal("40")),
    ]
    assert [row.grade for row in rows] == ["B", "C", "C", "C", "TT", "TT"]


def test_ranking_shows_the_change_since_last_year(units):
    rows = {row.library_code: row for row in ranking(year=2024).rows}

    assert rows["uji-best"].change == Decimal("20")
    assert rows["uji-even-2"].change == Decimal("-20")
    assert rows["uji-low"].change is None


def test_ranking_filters_by_kind_province_and_instrument(units, people):
    assert [row.library_code for row in ranking(year=2024, kind="bla").rows] == ["uji-near-b"]
    assert [row.library_code for row in ranking(year=2024, province="Jawa Barat").rows] == ["uji-low"]
    other = builders.library("uji-2022")
    verified(people, other, 2024, "a", code="khusus-2022")
    assert [row.library_code for row in ranking(year=2024, instrument="khusus-2022").rows] == ["uji-2022"]
    assert ranking(year=2024, kind="bla").rows[0].rank == 1


def test_drafts_submitted_and_returned_assessments_are_not_ranked(units, people):
    draft_unit = builders.library("uji-draft")
    builders.submitted(draft_unit, by=people["operator"], year=2024, letter="a")

    assert "uji-draft" not in [row.library_code for row in ranking(year=2024).rows]


def test_a_historic_score_ranks_and_wins_over_an_assessment_of_the_same_year(units, people):
    services.record_historic_score(
        library=units["even-1"], year=2024, total="74.56", source="Surat B-105", by=people["supervisor"]
    )
    only_historic = builders.library("uji-2019")
    services.record_historic_score(library=only_historic, year=2024, total="59.85", source="Laporan 2019")

    rows = {row.library_code: row for row in ranking(year=2024).rows}

    assert (
        rows["uji-even-1"].total == Decimal("74.56") and rows["uji-even-1"].historic_source == "Surat B-105"
    )
    assert rows["uji-even-1"].grade == "C"
    assert rows["uji-2019"].total == Decimal("59.85") and rows["uji-2019"].assessment_id is None


def test_ranking_page_has_the_full_count(units):
    page = selectors.libraries_ranked_by_score(ScoreFilters(year=2024), limit=2, offset=2)

    assert page.count == 6
    assert [row.library_code for row in page.rows] == ["uji-even-1", "uji-even-2"]


def test_grade_distribution_lists_every_grade(units):
    assert selectors.grade_distribution(ScoreFilters(year=2024)) == [("A", 0), ("B", 1), ("C", 3), ("TT", 2)]


def test_closest_to_next_grade_orders_by_gap_and_brings_the_exact_plan(units):
    closest = selectors.closest_to_next_grade(ScoreFilters(year=2024), limit=3)

    assert [item.library_code for item in closest] == ["uji-close", "uji-near-b", "uji-best"]
    plan = closest[0].plan
    assert plan.target_grade.code == "C" and plan.gap == Decimal("0.15") and plan.steps == 1
    assert closest[1].plan.steps == 1  # 75.80 + one tenaga step (0.50) = 76.30


def test_component_breakdown_averages_in_sql_and_lists_units(units):
    breakdown = selectors.component_breakdown(ScoreFilters(year=2024))

    assert breakdown.instrument.code == "khusus-2018"
    koleksi = breakdown.components[0]
    # koleksi values: 16 (b), 12, 12, 11.6, 15.8 (b with 1.1 at c), 8 (d) → mean 12.5666…
    assert koleksi.code == "koleksi" and koleksi.average.quantize(Decimal("0.0001")) == Decimal("12.5667")
    assert [row.library_code for row in breakdown.rows][:2] == ["uji-best", "uji-near-b"]
    assert breakdown.rows[0].percents[0] == Decimal("80")


def test_trend_gives_each_unit_per_year_and_the_average(units):
    trend = selectors.score_trend(
        library_ids=[units["best"].pk, units["even-2"].pk], filters=ScoreFilters(year=2024)
    )

    assert trend["years"] == [2023, 2024]
    series = {entry["library"]: entry["totals"] for entry in trend["series"]}
    assert series == {
        "uji-best": [Decimal("60"), Decimal("80")],
        "uji-even-2": [Decimal("80"), Decimal("60")],
    }
    assert trend["average"][2023] == Decimal("70")


def test_unit_against_average_gives_percent_of_weight_per_component(units):
    radar = selectors.unit_against_average(library=units["best"], filters=ScoreFilters(year=2024))

    assert radar["labels"][0] == "Koleksi"
    assert radar["unit"][0] == pytest.approx(80.0)
    assert radar["average"][0] == pytest.approx(62.8333, abs=1e-3)


def _queries_of(client, path: str) -> list[str]:
    """SQL run while serving one request (CaptureQueriesContext is emptied by request_started)."""
    queries: list[str] = []
    with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
        response = client.get(path, HTTP_HOST="localhost")
    assert response.status_code == 200
    return queries


def test_dashboard_queries_do_not_grow_with_the_number_of_units(units, people, client):
    client.force_login(people["supervisor"])
    few = _queries_of(client, "/monev/?tahun=2024")
    for number in range(6):
        verified(people, builders.library(f"uji-more-{number}"), 2024, "b")

    many = _queries_of(client, "/monev/?tahun=2024")

    assert 5 < len(few) < 60  # about 23 queries, each after a django-tenants SET search_path
    assert len(many) == len(few)
