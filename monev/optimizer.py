"""How far an assessment is from the next grade, and the fewest answer improvements that reach it.

A *step* raises one indicator by one point: unanswered → e (0 → 1 point; see the unanswered rule in
:mod:`monev.scoring`), e → d, d → c, c → b, b → a. Moving an indicator from c to a is two steps.

A step on any indicator of component k adds the same amount to the total,
``gain_k = weight_k / (n_k × 5)``, so a plan is fully described by how many steps each component takes,
bounded by the component's headroom (the points its indicators can still gain). The plan is the solution of

    minimise  Σ s_k   subject to   Σ s_k · gain_k ≥ gap,   0 ≤ s_k ≤ headroom_k,

solved exactly: a bounded knapsack over components by dynamic programming on integers (every gain and the
gap scaled by the least common multiple of their denominators, so "reaches 60" is decided without any
floating point — a plan ending at 59.999999 or one that overshoots only in binary is not possible).
Among plans with the fewest steps it takes the one that gains the most (the most margin over the threshold,
should an assessor mark an answer down); a tie between components with the same gain per step goes to the
component listed first in the instrument.

Inside a component the steps go one at a time to the indicator with the lowest current answer
(unanswered before e before d ...), ties by indicator code, so the to-do list lifts the weakest indicators
first rather than pushing one indicator from e to a.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from monev.instrument_loader import OPTION_POINTS, Instrument, indicator_sort_key
from monev.scoring import (
    Grade,
    answer_points,
    grade_for,
    next_grade,
    normalize_answers,
    score_assessment,
    to_decimal,
)

__all__ = [
    "Improvement",
    "ImprovementPlan",
    "allocate_steps",
    "apply_improvements",
    "plan_next_grade",
]

_MAX_POINTS = OPTION_POINTS["a"]
_LETTER_FOR_POINTS = {points: letter for letter, points in OPTION_POINTS.items()}


@dataclass(frozen=True)
class Improvement:
    indicator_code: str
    component_code: str
    from_option: str | None  # None: not answered yet
    to_option: str
    steps: int
    points_gained_exact: Fraction  # added to the 0–100 total

    @property
    def points_gained(self) -> Decimal:
        return to_decimal(self.points_gained_exact)


@dataclass(frozen=True)
class ImprovementPlan:
    instrument_code: str
    current_total_exact: Fraction
    current_grade: Grade
    target_grade: Grade | None  # None: already A, nothing to plan
    gap_exact: Fraction | None  # target threshold − current total; None when already A
    steps: int
    improvements: tuple[Improvement, ...]
    resulting_total_exact: Fraction

    @property
    def current_total(self) -> Decimal:
        return to_decimal(self.current_total_exact)

    @property
    def gap(self) -> Decimal | None:
        return None if self.gap_exact is None else to_decimal(self.gap_exact)

    @property
    def resulting_total(self) -> Decimal:
        return to_decimal(self.resulting_total_exact)

    @property
    def resulting_grade(self) -> Grade:
        return grade_for(self.resulting_total_exact)

    @property
    def steps_by_component(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for improvement in self.improvements:
            counts[improvement.component_code] = counts.get(improvement.component_code, 0) + improvement.steps
        return counts


def allocate_steps(gains: Sequence[Fraction], capacities: Sequence[int], needed: Fraction) -> tuple[int, ...]:
    """Steps per component: the fewest in total with Σ steps·gain ≥ needed, then the largest gain.

    ``gains[k]`` is what one step in component k adds, ``capacities[k]`` how many steps it has left.
    Raises ValueError when even every remaining step does not reach ``needed``.
    """
    if len(gains) != len(capacities):
        raise ValueError("gains and capacities must have the same length")
    if any(gain <= 0 for gain in gains) or any(capacity < 0 for capacity in capacities):
        raise ValueError("gains must be positive and capacities non-negative")
    if needed <= 0:
        return tuple(0 for _ in gains)

    scale = math.lcm(needed.denominator, *(gain.denominator for gain in gains))
    unit_gains = [int(gain * scale) for gain in gains]
    unit_needed = int(needed * scale)

    # best[s]: the largest gain (in units) from exactly s steps in the components seen so far; -1: impossible.
    total_capacity = sum(capacities)
    best = [0] + [-1] * total_capacity
    choices: list[list[int]] = []
    reachable = 0
    for unit_gain, capacity in zip(unit_gains, capacities, strict=True):
        reachable += capacity
        improved = [-1] * (total_capacity + 1)
        chosen = [0] * (total_capacity + 1)
        for steps in range(reachable + 1):
            for taken in range(min(capacity, steps) + 1):
                before = best[steps - taken]
                if before < 0:
                    continue
                value = before + taken * unit_gain
                if value > improved[steps]:
                    improved[steps] = value
                    chosen[steps] = taken
        best = improved
        choices.append(chosen)

    fewest = next((steps for steps, value in enumerate(best) if value >= unit_needed), None)
    if fewest is None:
        raise ValueError("the remaining headroom cannot close the gap")

    allocation = [0] * len(gains)
    remaining = fewest
    for index in range(len(gains) - 1, -1, -1):
        allocation[index] = choices[index][remaining]
        remaining -= allocation[index]
    return tuple(allocation)


def _spread_steps(points_by_code: Mapping[str, int], steps: int) -> dict[str, int]:
    """Final points per indicator after giving ``steps`` one at a time to the lowest-scored indicator."""
    heap = [(points, indicator_sort_key(code), code) for code, points in points_by_code.items()]
    heap = [entry for entry in heap if entry[0] < _MAX_POINTS]
    heapq.heapify(heap)
    final = dict(points_by_code)
    for _ in range(steps):
        points, key, code = heapq.heappop(heap)
        final[code] = points + 1
        if points + 1 < _MAX_POINTS:
            heapq.heappush(heap, (points + 1, key, code))
    return final


def plan_next_grade(instrument: Instrument, answers: Mapping[str, str | None]) -> ImprovementPlan:
    """The gap to the next grade's threshold and the fewest option steps that close it (exact)."""
    normalized = normalize_answers(instrument, answers)
    score = score_assessment(instrument, normalized)
    target = next_grade(score.total_exact)
    if target is None:
        return ImprovementPlan(
            instrument_code=instrument.code,
            current_total_exact=score.total_exact,
            current_grade=score.grade,
            target_grade=None,
            gap_exact=None,
            steps=0,
            improvements=(),
            resulting_total_exact=score.total_exact,
        )

    gap = target.min_total - score.total_exact
    gains = [component.gain_per_step for component in score.components]
    points = [
        {indicator.code: answer_points(normalized[indicator.code]) for indicator in component.indicators}
        for component in instrument.components
    ]
    capacities = [
        sum(_MAX_POINTS - value for value in component_points.values()) for component_points in points
    ]
    allocation = allocate_steps(gains, capacities, gap)

    improvements: list[Improvement] = []
    for component, gain, component_points, steps in zip(
        instrument.components, gains, points, allocation, strict=True
    ):
        if steps == 0:
            continue
        final = _spread_steps(component_points, steps)
        for indicator in component.indicators:
            raised = final[indicator.code] - component_points[indicator.code]
            if raised:
                improvements.append(
                    Improvement(
                        indicator_code=indicator.code,
                        component_code=component.code,
                        from_option=normalized[indicator.code],
                        to_option=_LETTER_FOR_POINTS[final[indicator.code]],
                        steps=raised,
                        points_gained_exact=raised * gain,
                    )
                )

    gained = sum((improvement.points_gained_exact for improvement in improvements), Fraction(0))
    return ImprovementPlan(
        instrument_code=instrument.code,
        current_total_exact=score.total_exact,
        current_grade=score.grade,
        target_grade=target,
        gap_exact=gap,
        steps=sum(allocation),
        improvements=tuple(improvements),
        resulting_total_exact=score.total_exact + gained,
    )


def apply_improvements(
    answers: Mapping[str, str | None], improvements: Sequence[Improvement]
) -> dict[str, str | None]:
    """The answers as they would be after carrying out the improvements (for "what if" views)."""
    result = dict(answers)
    for improvement in improvements:
        result[improvement.indicator_code] = improvement.to_option
    return result
