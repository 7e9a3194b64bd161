"""The library's calendar: which days it is open, when a loan falls due, how many days a return is late.

As SLiMS does (``simbio_date::getNextDate`` then ``getNextDateNotHoliday``): the due date is the loan date
plus the loan days, moved forward past closing days, and never after the member's expiry; days late count
only the days the library was open after the due date. Closing days are the library's own
(``ClosingDay``); issue 17 adds Indonesia's national holidays and cuti bersama here, in ``closed_days``.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from catalog.models import ClosingDay

# Bounds the walk past closing days: a library is never closed for longer than this.
_MAX_CLOSED_RUN = 400


def today() -> date:
    return timezone.localdate()


def closed_days(start: date, end: date) -> set[date]:
    """The days in [start, end] the library is closed."""
    if end < start:
        return set()
    return set(ClosingDay.objects.filter(date__range=(start, end)).values_list("date", flat=True))


def next_open_day(day: date) -> date:
    """``day`` itself when the library is open then, else the first open day after it."""
    closed = closed_days(day, day + timedelta(days=_MAX_CLOSED_RUN))
    for offset in range(_MAX_CLOSED_RUN + 1):
        candidate = day + timedelta(days=offset)
        if candidate not in closed:
            return candidate
    return day + timedelta(days=_MAX_CLOSED_RUN + 1)


def add_open_days(day: date, days: int) -> date:
    """The date ``days`` open days after ``day`` (a pickup deadline)."""
    closed = closed_days(day, day + timedelta(days=days + _MAX_CLOSED_RUN))
    current, counted = day, 0
    for _ in range(days + _MAX_CLOSED_RUN):
        if counted >= days:
            break
        current += timedelta(days=1)
        if current not in closed:
            counted += 1
    return current


def due_date_for(*, start: date, loan_days: int, expires_on: date | None = None) -> date:
    """When a loan made (or renewed) on ``start`` falls due."""
    due = next_open_day(start + timedelta(days=loan_days))
    if expires_on is not None and expires_on >= start:
        due = min(due, expires_on)
    return due


def open_days_late(*, due_date: date, returned_on: date) -> int:
    """Days the library was open after ``due_date`` up to and including ``returned_on``."""
    if returned_on <= due_date:
        return 0
    first = due_date + timedelta(days=1)
    span = (returned_on - due_date).days
    return span - len(closed_days(first, returned_on))
