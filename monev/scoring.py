"""Score a self-assessment (monev) or accreditation against an instrument, exactly.

The formula (docs/architecture.md, "Monev / accreditation"; the per-component form is the one Perpusnas
instruments print as "skor / (jumlah indikator × 5) × bobot"):

- each indicator is answered with option a, b, c, d or e, worth 5, 4, 3, 2 or 1 points;
- component value = (sum of the points of its indicators) / (number of its indicators × 5) × weight;
- total = sum of the component values, 0–100 (the weights sum to 100);
- grade by the exact total: A ≥ 91, B ≥ 76, C ≥ 60, otherwise not accredited ("TT").

Nothing is truncated or rounded on the way: component values and the total are kept as
:class:`fractions.Fraction` (a component of 15 weight over 7 indicators has thirds and sevenths in it) and
exposed as :class:`decimal.Decimal`. Some apps truncate each component with ``parseInt`` before summing;
that can move a unit across a grade boundary, so it is not done here. Rounding happens only in
:func:`round_for_display`, and never feeds a grade.

Unanswered indicators score 0 points (rule chosen here; the instruments do not say). The denominator stays
``n × 5`` as the formula prints it, so:

- the total of an incomplete assessment is a lower bound: answering can only raise it, never lower it;
- leaving a weak indicator blank can never help a unit (excluding blanks from the denominator would
  reward skipping the indicators a unit would answer e), which matters because dashboards rank units;
- a draft still gets a meaningful "at least this much" score while it is being filled in.

How complete the assessment is, is reported beside the total (``answered_count``, ``completeness``,
``unanswered``), never folded into it. A complete assessment scores at least 20 (every indicator e).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, localcontext
from fractions import Fraction

from monev.instrument_loader import OPTION_LETTERS, OPTION_POINTS, Component, Instrument

__all__ = [
    "GRADES",
    "GRADE_A",
    "GRADE_B",
    "GRADE_C",
    "GRADE_TT",
    "UNANSWERED_POINTS",
    "AnswerError",
    "ComponentScore",
    "Grade",
    "ScoreResult",
    "answer_points",
    "grade_for",
    "next_grade",
    "next_grade_threshold",
    "normalize_answers",
    "round_for_display",
    "score_assessment",
    "to_decimal",
    "to_fraction",
]

UNANSWERED_POINTS = 0

Number = Fraction | Decimal | int | float | str


@dataclass(frozen=True)
class Grade:
    code: str  # "A", "B", "C" or "TT"
    label: str  # shown to people, Indonesian
    min_total: int  # inclusive lower bound of the exact total


GRADE_A = Grade("A", "A – Sangat Baik", 91)
GRADE_B = Grade("B", "B – Baik", 76)
GRADE_C = Grade("C", "C – Cukup Baik", 60)
GRADE_TT = Grade("TT", "Tidak Terakreditasi", 0)
GRADES: tuple[Grade, ...] = (GRADE_A, GRADE_B, GRADE_C, GRADE_TT)  # best first


class AnswerError(ValueError):
    """Answers that do not fit the instrument (unknown indicator code, or not one of a–e)."""


def to_fraction(value: Number) -> Fraction:
    """An exact fraction. A float is read as the decimal it prints as (59.85, not 59.8499999…)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise TypeError("a score cannot be a boolean")
    if isinstance(value, int | Decimal):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(repr(value))
    if isinstance(value, str):
        return Fraction(Decimal(value.strip()))
    raise TypeError(f"not a number: {value!r}")


def to_decimal(value: Fraction) -> Decimal:
    """Exact when the fraction has a terminating decimal (59.85), else 28 significant digits."""
    with localcontext() as context:
        context.prec = 28
        return Decimal(value.numerator) / Decimal(value.denominator)


def round_for_display(value: Number, places: int = 2) -> Decimal:
    """Round down to ``places`` decimals for showing a score.

    Rounding down (not half-up) so a shown total never reaches a grade boundary the exact total has not
    reached: 59.996 shows as 59.99 next to "Tidak Terakreditasi", not as 60.00.
    """
    exact = to_decimal(to_fraction(value))
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_FLOOR)


def grade_for(total: Number) -> Grade:
    """The grade of an exact total: 59.99 → TT, 60 → C, 75.99 → C, 76 → B, 90.99 → B, 91 → A."""
    exact = to_fraction(total)
    for grade in GRADES:
        if exact >= grade.min_total:
            return grade
    return GRADE_TT


def next_grade(total: Number) -> Grade | None:
    """The grade one step above the total's grade; None when the total is already A."""
    current = grade_for(total)
    position = GRADES.index(current)
    return GRADES[position - 1] if position > 0 else None


def next_grade_threshold(total: Number) -> int | None:
    """The smallest total that earns the next grade (60, 76 or 91); None when already A."""
    upper = next_grade(total)
    return upper.min_total if upper else None


@dataclass(frozen=True)
class ComponentScore:
    code: str
    name: str
    weight: Fraction
    indicator_count: int
    answered_count: int
    points: int  # sum of option points; unanswered indicators add 0
    value_exact: Fraction  # points / (indicator_count × 5) × weight

    @property
    def max_points(self) -> int:
        return self.indicator_count * OPTION_POINTS["a"]

    @property
    def value(self) -> Decimal:
        return to_decimal(self.value_exact)

    @property
    def gain_per_step(self) -> Fraction:
        """What one more point on any one indicator of this component adds to the total."""
        return self.weight / (self.indicator_count * OPTION_POINTS["a"])


@dataclass(frozen=True)
class ScoreResult:
    instrument_code: str
    instrument_hash: str
    components: tuple[ComponentScore, ...]
    total_exact: Fraction
    grade: Grade
    answered_count: int
    indicator_count: int
    unanswered: tuple[str, ...]  # indicator codes, instrument order

    @property
    def total(self) -> Decimal:
        return to_decimal(self.total_exact)

    @property
    def completeness(self) -> Fraction:
        return Fraction(self.answered_count, self.indicator_count)

    @property
    def is_complete(self) -> bool:
        return self.answered_count == self.indicator_count

    def component(self, code: str) -> ComponentScore:
        for component in self.components:
            if component.code == code:
                return component
        raise KeyError(f"no component {code!r} in this score")


def normalize_answers(instrument: Instrument, answers: Mapping[str, str | None]) -> dict[str, str | None]:
    """Every indicator code of the instrument mapped to its letter a–e, or None when unanswered.

    Letters are accepted in either case and with surrounding spaces; None or "" means unanswered.
    An unknown indicator code or any other value raises :class:`AnswerError`.
    """
    known = {indicator.code for indicator in instrument.iter_indicators()}
    unknown = sorted(code for code in answers if code not in known)
    if unknown:
        raise AnswerError(f"instrument {instrument.code} has no indicator(s): {', '.join(map(str, unknown))}")
    normalized: dict[str, str | None] = {}
    for indicator in instrument.iter_indicators():
        raw = answers.get(indicator.code)
        if raw is None:
            normalized[indicator.code] = None
            continue
        if not isinstance(raw, str):
            raise AnswerError(f"indicator {indicator.code}: answer must be one of a–e, got {raw!r}")
        letter = raw.strip().lower()
        if letter == "":
            normalized[indicator.code] = None
        elif letter in OPTION_LETTERS:
            normalized[indicator.code] = letter
        else:
            raise AnswerError(f"indicator {indicator.code}: answer must be one of a–e, got {raw!r}")
    return normalized


def answer_points(letter: str | None) -> int:
    """Points of one answer: a–e = 5–1, unanswered = 0."""
    return UNANSWERED_POINTS if letter is None else OPTION_POINTS[letter]


def _score_component(component: Component, answers: Mapping[str, str | None]) -> ComponentScore:
    letters = [answers[indicator.code] for indicator in component.indicators]
    points = sum(answer_points(letter) for letter in letters)
    max_points = component.max_points
    return ComponentScore(
        code=component.code,
        name=component.name,
        weight=component.weight,
        indicator_count=component.indicator_count,
        answered_count=sum(letter is not None for letter in letters),
        points=points,
        value_exact=Fraction(points, max_points) * component.weight,
    )


def score_assessment(instrument: Instrument, answers: Mapping[str, str | None]) -> ScoreResult:
    """Score answers (indicator code → "a".."e"; missing, None or "" = unanswered, 0 points)."""
    normalized = normalize_answers(instrument, answers)
    components = tuple(_score_component(component, normalized) for component in instrument.components)
    total = sum((component.value_exact for component in components), Fraction(0))
    return ScoreResult(
        instrument_code=instrument.code,
        instrument_hash=instrument.content_hash,
        components=components,
        total_exact=total,
        grade=grade_for(total),
        answered_count=sum(component.answered_count for component in components),
        indicator_count=instrument.indicator_count,
        unanswered=tuple(code for code, letter in normalized.items() if letter is None),
    )
