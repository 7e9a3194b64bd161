"""Template filters for scores; the formatting itself is in monev.formatting (shared with the API)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from monev import formatting

register = template.Library()

register.filter("skor", formatting.score_text)
register.filter("change", formatting.change_text)
register.filter("grade_label", formatting.grade_text)
register.simple_tag(formatting.todo_text, name="todo_text")
register.simple_tag(formatting.plan_summary, name="plan_summary")


@register.filter
def change_class(value) -> str:
    if value is None:
        return ""
    return "up" if value > 0 else "down" if value < 0 else ""


@register.filter
def heat(value) -> int:
    """% of a component's weight (0–100) to a colour bucket 0..10 for the heat map."""
    if value is None:
        return 0
    return max(0, min(10, int(Decimal(value) // 10)))


@register.filter
def percent(value) -> str:
    return "–" if value is None else f"{Decimal(value):.0f}"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def get_item_index(sequence, index):
    try:
        return sequence[index]
    except (IndexError, TypeError):
        return None
