"""Two desks check out the same copy at the same moment, each on its own database connection (threads
started together on a barrier): exactly one succeeds, the other is refused; the constraint
``one_open_loan_per_item`` stands behind the lock as the last guard."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django_tenants.utils import tenant_context

from catalog.circulation import services
from catalog.circulation.exceptions import CirculationRefused, Refusal
from catalog.models import Loan
from tenants.models import Library
from tests.catalog.circulation.builders import make_member, make_member_type, make_record_with_copies
from tests.catalog.circulation.committed import committed_circulation
from tests.factories import LIBRARY_A

ROUNDS = 5


@pytest.fixture
def committed_library(django_db_blocker):
    with django_db_blocker.unblock():
        library = Library.objects.get(code=LIBRARY_A["code"])
        with committed_circulation(library) as made:
            yield library, made


def _desks_at_once(library, calls) -> list[object]:
    """Run each call in its own thread and connection, all released together; return outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def desk(index, call):
        try:
            with tenant_context(library):
                barrier.wait(timeout=10)
                outcomes[index] = call()
        except BaseException as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=desk, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_desks_checking_out_one_copy_at_once_exactly_one_succeeds(committed_library):
    library, made = committed_library
    with tenant_context(library):
        member_type = make_member_type(loan_limit=ROUNDS)
        made["types"].append(member_type)
        first, second = make_member(member_type), make_member(member_type)
        made["members"] += [first, second]
        copies = []
        for _ in range(ROUNDS):
            record, (copy,) = make_record_with_copies(copies=1)
            made["records"].append(record)
            copies.append(copy)
    connection.set_schema_to_public()

    for copy in copies:
        outcomes = _desks_at_once(
            library,
            [
                lambda member=member, code=copy.item_code: services.check_out(member=member, item_code=code)
                for member in (first, second)
            ],
        )

        loans = [outcome for outcome in outcomes if isinstance(outcome, Loan)]
        refusals = [outcome for outcome in outcomes if isinstance(outcome, CirculationRefused)]
        assert len(loans) == 1 and len(refusals) == 1, outcomes
        assert refusals[0].code == Refusal.ITEM_ON_LOAN
        with tenant_context(library):
            assert Loan.objects.filter(item_id=copy.pk, is_return=False).count() == 1


def test_the_database_refuses_a_second_open_loan_of_one_copy(library_a):
    with tenant_context(library_a):
        member = make_member()
        _, (copy, _) = make_record_with_copies()
        Loan.objects.create(item=copy, member=member, loan_date="2026-03-02", due_date="2026-03-09")

        with pytest.raises(IntegrityError), transaction.atomic():
            Loan.objects.create(item=copy, member=member, loan_date="2026-03-02", due_date="2026-03-09")
