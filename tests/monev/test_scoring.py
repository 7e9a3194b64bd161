from decimal import Decimal
from fractions import Fraction

import pytest

from monev.instrument_loader import (
    OPTION_LETTERS,
    OPTION_POINTS,
    Component,
    Indicator,
    Instrument,
    Option,
    load_all_instruments,
)
from monev.scoring import (
    GRADE_A,
    GRADE_B,
    GRADE_C,
    GRADE_TT,
    AnswerError,
    grade_for,
    next_grade,
    next_grade_threshold,
    round_for_display,
    score_assessment,
)


def make_instrument(components, code="uji"):
    """An instrument built in memory: components as (code, weight, indicator count); indicators "k.i"."""
    built = []
    for position, (component_code, weight, count) in enumerate(components, 1):
        indicators = tuple(
            Indicator(
                code=f"{position}.{number}",
                text=f"Indikator {position}.{number}",
                options=tuple(
                    Option(letter, f"opsi {letter}", OPTION_POINTS[letter]) for letter in OPTION_LETTERS
                ),
                component_code=component_code,
            )
            for number in range(1, count + 1)
        )
        built.append(
            Component(
                code=component_code, name=component_code, weight=Fraction(weight), indicators=indicators
            )
        )
    return Instrument(
        code=code,
        name="Instrumen uji",
        library_type="khusus",
        year=2024,
        legal_basis="-",
        provenance="-",
        components=tuple(built),
    )


def answer_all(instrument, letter):
    return {indicator.code: letter for indicator in instrument.iter_indicators()}


@pytest.fixture(scope="module")
def shipped():
    return load_all_instruments()


def test_khusus_2022_all_c_scores_exactly_60_and_grade_c(shipped):
    instrument = shipped["khusus-2022"]

    result = score_assessment(instrument, answer_all(instrument, "c"))

    # Every component gets 3/5 of its weight: 0.6 × 100 = 60.
    assert result.total_exact == 60
    assert result.total == Decimal("60")
    assert result.grade == GRADE_C
    assert [component.value for component in result.components] == [
        Decimal(w) * Decimal("0.6") for w in (15, 10, 20, 15, 10, 15, 5, 5, 5)
    ]


@pytest.mark.parametrize(("letter", "total"), [("a", 100), ("b", 80), ("d", 40), ("e", 20)])
def test_khusus_2022_uniform_answers_score_their_share_of_100(shipped, letter, total):
    instrument = shipped["khusus-2022"]

    assert score_assessment(instrument, answer_all(instrument, letter)).total_exact == total


def test_khusus_2018_answers_reproduce_the_historic_59_85(shipped):
    # khusus-2018 has 20/24/15/8/12/5 indicators weighted 20/15/25/20/15/5. All c gives 60.00.
    # Two koleksi indicators at d instead of c:  -2 points × 20/(20×5) = -0.40
    # Two sarpras indicators at b instead of c:  +2 points × 15/(24×5) = +0.25
    #   koleksi          (18×3 + 2×2) = 58 / 100 × 20 = 11.60
    #   sarpras          (22×3 + 2×4) = 74 / 120 × 15 =  9.25
    #   pelayanan                       45 /  75 × 25 = 15.00
    #   tenaga                          24 /  40 × 20 = 12.00
    #   penyelenggaraan                 36 /  60 × 15 =  9.00
    #   penguat                         15 /  25 ×  5 =  3.00
    #   total                                           59.85  → Tidak Terakreditasi, 0.15 short of C
    instrument = shipped["khusus-2018"]
    answers = answer_all(instrument, "c") | {"1.1": "d", "1.2": "d", "2.1": "b", "2.2": "b"}

    result = score_assessment(instrument, answers)

    assert [component.value for component in result.components] == [
        Decimal("11.6"),
        Decimal("9.25"),
        Decimal("15"),
        Decimal("12"),
        Decimal("9"),
        Decimal("3"),
    ]
    assert result.total == Decimal("59.85")
    assert result.grade == GRADE_TT
    assert result.is_complete


def test_component_values_are_not_truncated_before_summing():
    # An app that truncates each component (parseInt) would give 30 + 29 = 59 → TT.
    instrument = make_instrument([("koleksi", 51, 5), ("tenaga", 49, 5)])

    result = score_assessment(instrument, answer_all(instrument, "c"))

    assert [component.value for component in result.components] == [Decimal("30.6"), Decimal("29.4")]
    assert result.total_exact == 60
    assert result.grade == GRADE_C


def test_thirds_stay_exact_in_the_total():
    instrument = make_instrument([("koleksi", 10, 3), ("tenaga", 90, 1)])

    result = score_assessment(instrument, {"1.1": "a", "1.2": "e", "1.3": "e", "2.1": "a"})

    # (5 + 1 + 1) / 15 × 10 = 14/3; plus 90.
    assert result.total_exact == Fraction(14, 3) + 90
    assert result.total == Decimal("94.66666666666666666666666667")


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("59.99", GRADE_TT),
        ("60", GRADE_C),
        ("75.99", GRADE_C),
        ("76", GRADE_B),
        ("90.99", GRADE_B),
        ("91", GRADE_A),
        ("0", GRADE_TT),
        ("100", GRADE_A),
    ],
)
def test_grade_bands_are_decided_by_the_exact_total(total, grade):
    assert grade_for(Decimal(total)) == grade
    assert grade_for(total) == grade
    assert grade_for(float(total)) == grade


def test_a_total_a_hair_below_a_boundary_keeps_the_lower_grade():
    assert grade_for(Fraction(76) - Fraction(1, 10**12)) == GRADE_C


def test_grade_labels_are_in_indonesian():
    assert [grade.label for grade in (GRADE_A, GRADE_B, GRADE_C, GRADE_TT)] == [
        "A – Sangat Baik",
        "B – Baik",
        "C – Cukup Baik",
        "Tidak Terakreditasi",
    ]


@pytest.mark.parametrize(
    ("total", "threshold", "upper"),
    [
        ("0", 60, GRADE_C),
        ("59.85", 60, GRADE_C),
        ("60", 76, GRADE_B),
        ("90.99", 91, GRADE_A),
        ("91", None, None),
    ],
)
def test_next_grade_threshold_is_the_minimum_of_the_grade_above(total, threshold, upper):
    assert next_grade_threshold(Decimal(total)) == threshold
    assert next_grade(Decimal(total)) == upper


def test_unanswered_indicator_scores_zero_so_the_total_is_a_lower_bound():
    instrument = make_instrument([("koleksi", 50, 2), ("tenaga", 50, 2)])
    partial = {"1.1": "a", "2.1": "a"}

    draft = score_assessment(instrument, partial)
    completed_at_worst = score_assessment(instrument, partial | {"1.2": "e", "2.2": "e"})

    # koleksi (5 + 0) / 10 × 50 = 25, the same for tenaga: 50. Answering e adds 1 point each.
    assert draft.total_exact == 50
    assert completed_at_worst.total_exact == 60
    assert draft.total_exact < completed_at_worst.total_exact


def test_completeness_is_reported_beside_the_total():
    instrument = make_instrument([("koleksi", 50, 2), ("tenaga", 50, 2)])

    result = score_assessment(instrument, {"1.1": "a", "2.1": "b", "2.2": None, "1.2": ""})

    assert result.answered_count == 2
    assert result.indicator_count == 4
    assert result.completeness == Fraction(1, 2)
    assert not result.is_complete
    assert result.unanswered == ("1.2", "2.2")
    assert result.component("tenaga").answered_count == 1


def test_answer_letters_are_accepted_in_either_case_with_spaces():
    instrument = make_instrument([("koleksi", 100, 2)])

    result = score_assessment(instrument, {"1.1": " A ", "1.2": "b"})

    assert result.total_exact == 90


def test_answer_for_an_indicator_not_in_the_instrument_is_refused():
    instrument = make_instrument([("koleksi", 100, 2)])

    with pytest.raises(AnswerError, match="has no indicator"):
        score_assessment(instrument, {"1.1": "a", "9.9": "a"})


@pytest.mark.parametrize("answer", ["f", "ab", 3])
def test_answer_that_is_not_a_to_e_is_refused(answer):
    instrument = make_instrument([("koleksi", 100, 1)])

    with pytest.raises(AnswerError, match="one of a–e"):
        score_assessment(instrument, {"1.1": answer})


def test_score_records_which_instrument_version_it_used(shipped):
    instrument = shipped["khusus-2022"]

    result = score_assessment(instrument, {})

    assert result.instrument_code == "khusus-2022"
    assert result.instrument_hash == instrument.content_hash
    assert result.total_exact == 0


@pytest.mark.parametrize(("value", "shown"), [("59.996", "59.99"), ("59.85", "59.85"), ("60", "60.00")])
def test_display_rounding_never_reaches_a_boundary_the_exact_total_did_not(value, shown):
    assert str(round_for_display(Decimal(value))) == shown
    assert grade_for(Decimal(value)) == grade_for(round_for_display(Decimal(value)))


def test_display_rounding_shows_repeating_decimals_to_two_places():
    assert str(round_for_display(Fraction(182, 3))) == "60.66"
