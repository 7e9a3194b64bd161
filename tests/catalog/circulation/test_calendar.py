"""catalog/circulation/calendar.py: due dates skip closing days (as SLiMS), days late count open days."""

from datetime import date

import pytest
from django_tenants.utils import tenant_context

from catalog.circulation import calendar
from catalog.models import ClosingDay


@pytest.fixture
def closed(library_a):
    with tenant_context(library_a):
        # Idul Fitri 1447 H and cuti bersama around it (dates as a library would enter them).
        for day in (date(2026, 3, 20), date(2026, 3, 21), date(2026, 3, 23)):
            ClosingDay.objects.create(date=day, description="Idul Fitri 1447 H")
        yield


def test_due_date_that_falls_on_closing_days_moves_to_the_next_open_day(closed):
    assert calendar.due_date_for(start=date(2026, 3, 13), loan_days=7) == date(2026, 3, 22)
    assert calendar.due_date_for(start=date(2026, 3, 16), loan_days=7) == date(2026, 3, 24)


def test_due_date_on_an_open_day_is_loan_date_plus_loan_days(closed):
    assert calendar.due_date_for(start=date(2026, 3, 1), loan_days=7) == date(2026, 3, 8)


def test_due_date_never_after_the_members_expiry(closed):
    assert calendar.due_date_for(start=date(2026, 3, 1), loan_days=14, expires_on=date(2026, 3, 5)) == date(
        2026, 3, 5
    )


def test_days_late_do_not_count_closing_days(closed):
    assert calendar.open_days_late(due_date=date(2026, 3, 19), returned_on=date(2026, 3, 24)) == 2
    assert calendar.open_days_late(due_date=date(2026, 3, 19), returned_on=date(2026, 3, 19)) == 0
    assert calendar.open_days_late(due_date=date(2026, 3, 19), returned_on=date(2026, 3, 18)) == 0


def test_pickup_deadline_counts_open_days(closed):
    assert calendar.add_open_days(date(2026, 3, 19), 3) == date(2026, 3, 25)
