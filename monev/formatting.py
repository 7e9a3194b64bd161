"""Scores and to-do items as people read them, in the active language (pages, API, exports).

Totals are always rounded *down* to two places (``scoring.round_for_display``): a shown score never
reaches a grade boundary that the exact total has not reached.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from math import ceil

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from monev.models import Grade
from monev.scoring import round_for_display

GRADE_LABELS = dict(Grade.choices)


def score_text(value, places: int = 2) -> str:
    """59.8499… → "59,84" in Indonesian, "59.84" in English; "–" when there is no score."""
    if value is None or value == "":
        return "–"
    return number_format(round_for_display(value, places), places)


def change_text(value) -> str:
    """A signed change since last year: "+1,25", "−0,50", "0,00"; "–" when there was no score."""
    if value is None:
        return "–"
    value = Decimal(value)
    shown = number_format(abs(value).quantize(Decimal("0.01")), 2)
    if value > 0:
        return f"+{shown}"
    if value < 0:
        return f"−{shown}"
    return shown


def grade_text(code: str) -> str:
    return str(GRADE_LABELS.get(code, code))


def todo_text(improvement) -> str:
    """ "Naikkan indikator 4.1 dari c ke b: +0,50 poin" (or "Jawab indikator …" when it is unanswered)."""
    gained = score_text(improvement.points_gained_exact)
    if improvement.from_option is None:
        return _("Jawab indikator %(code)s (minimal %(to)s): +%(points)s poin") % {
            "code": improvement.indicator_code,
            "to": improvement.to_option,
            "points": gained,
        }
    return _("Naikkan indikator %(code)s dari %(from)s ke %(to)s: +%(points)s poin") % {
        "code": improvement.indicator_code,
        "from": improvement.from_option,
        "to": improvement.to_option,
        "points": gained,
    }


def plan_summary(plan) -> str:
    """One line above the to-do list: how far the next grade is and how many steps close the gap."""
    if plan.target_grade is None:
        return _("Sudah predikat A: tidak ada predikat yang lebih tinggi.")
    return _(
        "Kurang %(gap)s poin menuju %(grade)s; paling sedikit %(steps)d langkah jawaban (hasil: %(result)s)."
    ) % {
        "gap": score_text(_ceil2(plan.gap_exact)),
        "grade": grade_text(plan.target_grade.code),
        "steps": plan.steps,
        "result": score_text(plan.resulting_total_exact),
    }


def _ceil2(value):
    """A gap is shown rounded up (0.141… → 0.15) so closing the shown gap always reaches the grade."""
    return Fraction(ceil(Fraction(value) * 100), 100)
