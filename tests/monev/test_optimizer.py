import itertools
import math
import random
from decimal import Decimal
from fractions import Fraction

import pytest

from monev.instrument_loader import OPTION_LETTERS, OPTION_POINTS, load_all_instruments
from monev.optimizer import allocate_steps, apply_improvements, plan_next_grade
from monev.scoring import GRADE_A, GRADE_B, GRADE_C, next_grade_threshold, score_assessment
from tests.monev.test_scoring import answer_all, make_instrument

LETTER_FOR_POINTS = {points: letter for letter, points in OPTION_POINTS.items()}


def brute_force(instrument, answers):
    """Every way to raise every indicator (or leave it), by enumeration.

    Returns (fewest steps reaching the next grade, largest gain among the plans with that many steps).
    """
    current = score_assessment(instrument, answers).total_exact
    gap = next_grade_threshold(current) - current
    per_indicator = []
    for component in instrument.components:
        gain = component.weight / (component.indicator_count * 5)
        for indicator in component.indicators:
            letter = answers.get(indicator.code)
            per_indicator.append((OPTION_POINTS[letter] if letter else 0, gain))
    # Whole numbers of 1/scale points, so the comparison with the gap is exact and fast.
    scale = math.lcm(gap.denominator, *(gain.denominator for _, gain in per_indicator))
    units = [(points, int(gain * scale)) for points, gain in per_indicator]
    needed = int(gap * scale)
    best_steps, best_gain = None, None
    for finals in itertools.product(*(range(points, 6) for points, _ in units)):
        steps = gained = 0
        for final, (points, unit) in zip(finals, units, strict=True):
            steps += final - points
            gained += (final - points) * unit
        if gained < needed:
            continue
        if best_steps is None or steps < best_steps or (steps == best_steps and gained > best_gain):
            best_steps, best_gain = steps, gained
    return best_steps, Fraction(best_gain, scale)


def random_case(rng):
    """2–3 components with 1–3 indicators, integer or half weights summing to 100, random answers."""
    while True:
        count = rng.randint(2, 3)
        cuts = sorted(rng.sample(range(1, 200), count - 1))
        halves = [b - a for a, b in zip([0, *cuts], [*cuts, 200], strict=True)]
        components = [
            (f"k{position}", Fraction(half, 2), rng.randint(1, 3)) for position, half in enumerate(halves, 1)
        ]
        instrument = make_instrument(components)
        answers = {
            indicator.code: rng.choice([None, *OPTION_LETTERS, "c", "d"])
            for indicator in instrument.iter_indicators()
        }
        options = 1
        for letter in answers.values():
            options *= 6 - (OPTION_POINTS[letter] if letter else 0)
        if options <= 20_000 and score_assessment(instrument, answers).grade != GRADE_A:
            return instrument, answers


def test_optimizer_step_count_equals_the_brute_force_minimum_on_random_small_instruments():
    rng = random.Random(20190059)
    for _ in range(300):
        instrument, answers = random_case(rng)

        plan = plan_next_grade(instrument, answers)

        fewest, most_gain = brute_force(instrument, answers)
        assert plan.steps == fewest, (instrument.components, answers)
        assert plan.resulting_total_exact - plan.current_total_exact == most_gain
        assert plan.resulting_total_exact >= plan.target_grade.min_total
        rescored = score_assessment(instrument, apply_improvements(answers, plan.improvements))
        assert rescored.total_exact == plan.resulting_total_exact
        assert sum(improvement.steps for improvement in plan.improvements) == plan.steps


def test_khusus_2018_at_59_85_needs_one_step_to_reach_c():
    instrument = load_all_instruments()["khusus-2018"]
    answers = answer_all(instrument, "c") | {"1.1": "d", "1.2": "d", "2.1": "b", "2.2": "b"}

    plan = plan_next_grade(instrument, answers)

    assert plan.current_total == Decimal("59.85")
    assert plan.target_grade == GRADE_C
    assert plan.gap == Decimal("0.15")
    assert plan.steps == 1
    # One step in tenaga (20 / (8 × 5) = 0.5 a step) is the largest single gain.
    [improvement] = plan.improvements
    assert (improvement.indicator_code, improvement.from_option, improvement.to_option) == ("4.1", "c", "b")
    assert improvement.points_gained == Decimal("0.5")
    assert plan.resulting_total == Decimal("60.35")
    assert plan.resulting_grade == GRADE_C


def test_an_assessment_already_graded_a_gets_no_plan():
    instrument = make_instrument([("koleksi", 60, 2), ("tenaga", 40, 2)])

    plan = plan_next_grade(instrument, answer_all(instrument, "a"))

    assert plan.target_grade is None
    assert plan.gap is None
    assert plan.steps == 0
    assert plan.improvements == ()
    assert plan.resulting_total_exact == 100


def test_a_step_landing_exactly_on_the_threshold_is_enough():
    # 2 points a step everywhere; 29 points of 50 give 58.
    instrument = make_instrument([("koleksi", 50, 5), ("tenaga", 50, 5)])
    answers = answer_all(instrument, "c") | {"2.1": "d"}

    plan = plan_next_grade(instrument, answers)

    assert plan.current_total == Decimal("58")
    assert plan.steps == 1
    assert plan.resulting_total_exact == 60
    assert plan.resulting_grade == GRADE_C


def test_steps_come_from_the_component_with_the_largest_gain_per_step():
    # koleksi: 20 / (10 × 5) = 0.4 a step; tenaga: 80 / (2 × 5) = 8 a step.
    instrument = make_instrument([("koleksi", 20, 10), ("tenaga", 80, 2)])
    answers = answer_all(instrument, "c")

    plan = plan_next_grade(instrument, answers)

    assert plan.target_grade == GRADE_B
    assert plan.steps_by_component == {"tenaga": 2}


def test_the_unanswered_indicator_is_raised_first_and_answering_it_e_is_one_step():
    instrument = make_instrument([("koleksi", 100, 4)])
    # (0 + 2 + 3 + 3) / 20 × 100 = 40; C needs 60 → 4 steps of 5 points.
    answers = {"1.1": None, "1.2": "d", "1.3": "c", "1.4": "c"}

    plan = plan_next_grade(instrument, answers)

    assert plan.steps == 4
    assert [(i.indicator_code, i.from_option, i.to_option, i.steps) for i in plan.improvements] == [
        ("1.1", None, "c", 3),
        ("1.2", "d", "c", 1),
    ]


def test_equally_low_indicators_are_raised_in_indicator_code_order():
    instrument = make_instrument([("koleksi", 100, 12)])
    answers = answer_all(instrument, "c") | {"1.2": "d", "1.10": "d", "1.11": "d"}

    plan = plan_next_grade(instrument, answers)

    # (9 × 3 + 3 × 2) / 60 × 100 = 55 → 5 points short of C, each step worth 100/60: 3 steps.
    assert plan.steps == 3
    assert [i.indicator_code for i in plan.improvements] == ["1.2", "1.10", "1.11"]


def test_components_with_the_same_gain_per_step_are_used_in_instrument_order():
    instrument = make_instrument([("koleksi", 50, 5), ("tenaga", 50, 5)])
    answers = answer_all(instrument, "d")

    plan = plan_next_grade(instrument, answers)

    # 40 → 60 needs 10 steps of 2; koleksi has 15 steps of headroom.
    assert plan.steps_by_component == {"koleksi": 10}


def test_fewest_steps_prefers_the_plan_with_the_most_margin():
    # koleksi 0.5 a step, tenaga 0.3 a step; 0.2 short: any one step closes it, the larger one is chosen.
    instrument = make_instrument([("koleksi", 5, 2), ("tenaga", 6, 4), ("penguat", 89, 1)])
    answers = {"1.1": "a", "1.2": "a", "2.1": "a", "2.2": "a", "2.3": "a", "2.4": "b", "3.1": "c"}

    plan = plan_next_grade(instrument, answers)

    assert plan.current_total_exact == Fraction(5) + Fraction(57, 10) + Fraction(267, 5)
    assert plan.target_grade == GRADE_B
    assert plan.steps == 1
    assert plan.steps_by_component == {"penguat": 1}


def test_allocation_is_exact_where_floating_point_sums_fall_short():
    # Ten steps of 0.1 reach 1.0 exactly; in binary floats they sum to 0.9999999999999999.
    assert sum([0.1] * 10) < 1.0

    assert allocate_steps([Fraction(1, 10)], [20], Fraction(1)) == (10,)


def test_allocation_spills_into_the_next_best_component_when_headroom_runs_out():
    # 2 × 1/2 + 3 × 1/3 = 2; the last 1/2 needs 4 steps of 1/7 (3 give only 3/7).
    gains = [Fraction(1, 2), Fraction(1, 3), Fraction(1, 7)]

    assert allocate_steps(gains, [2, 3, 10], Fraction(5, 2)) == (2, 3, 4)


def test_allocation_refuses_a_gap_the_headroom_cannot_close():
    with pytest.raises(ValueError, match="cannot close the gap"):
        allocate_steps([Fraction(1, 2)], [3], Fraction(2))


def test_nothing_to_allocate_when_there_is_no_gap():
    assert allocate_steps([Fraction(1, 2), Fraction(1, 3)], [3, 3], Fraction(0)) == (0, 0)


@pytest.mark.parametrize(
    "code", ["khusus-2018", "khusus-2022", "perguruan-tinggi-2018", "perguruan-tinggi-2022"]
)
def test_an_empty_assessment_on_a_shipped_instrument_gets_a_plan_to_grade_c(code):
    instrument = load_all_instruments()[code]

    plan = plan_next_grade(instrument, {})

    assert plan.target_grade == GRADE_C
    assert plan.resulting_total_exact >= 60
    rescored = score_assessment(instrument, apply_improvements({}, plan.improvements))
    assert rescored.total_exact == plan.resulting_total_exact
