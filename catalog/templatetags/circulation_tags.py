"""Template filters of the circulation pages: ``{{ amount|rupiah }}``, ``{{ day|long_date }}``."""

from django import template

from catalog.circulation import formatting

register = template.Library()


@register.filter
def rupiah(amount) -> str:
    return formatting.rupiah(amount)


@register.filter
def long_date(day) -> str:
    return formatting.long_date(day)
