"""catalog/circulation/services.py: every rule of the desk, refused with its code and an Indonesian
message; fines computed on return; the reservation queue; the ledger; audit and availability."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from catalog.circulation import services
from catalog.circulation.exceptions import CirculationRefused, Refusal
from catalog.circulation.selectors import member_panel, outstanding_fines_total
from catalog.models import AuditEntry, ClosingDay, Fine, FineTransaction, IndexOutbox, Item, Loan, Reservation
from tests.catalog.circulation.builders import make_member, make_member_type, make_record_with_copies

TODAY = date(2026, 3, 2)


@pytest.fixture
def schema(library_a):
    with tenant_context(library_a):
        yield library_a


def refused(expected: str, action, **kwargs) -> CirculationRefused:
    with pytest.raises(CirculationRefused) as caught:
        action(**kwargs)
    assert caught.value.code == expected, caught.value.message
    return caught.value


def test_check_out_lends_the_copy_with_a_due_date_past_closing_days_audited_and_announced(schema):
    ClosingDay.objects.create(date=TODAY + timedelta(days=7), description="Isra Mikraj")
    member = make_member(make_member_type(loan_days=7))
    record, (copy, _) = make_record_with_copies()
    IndexOutbox.objects.all().delete()

    loan = services.check_out(member=member, item_code=copy.item_code, today=TODAY)

    assert (loan.loan_date, loan.due_date, loan.is_open) == (TODAY, TODAY + timedelta(days=8), True)
    assert IndexOutbox.objects.filter(record_id=record.pk).exists()
    entry = AuditEntry.objects.get(object_type="loan", object_id=loan.pk)
    assert entry.action == "check_out" and entry.changes["due_date"] == [None, "2026-03-10"]


def test_an_expired_member_is_refused(schema):
    member = make_member(expires_on=TODAY - timedelta(days=1))
    _, (copy, _) = make_record_with_copies()

    error = refused(
        Refusal.MEMBER_EXPIRED, services.check_out, member=member, item_code=copy.item_code, today=TODAY
    )

    assert "berakhir pada 1 Maret 2026" in error.message
    assert not Loan.objects.exists()


def test_the_loan_limit_is_refused(schema):
    member = make_member(make_member_type(loan_limit=1))
    _, (first, second) = make_record_with_copies()
    services.check_out(member=member, item_code=first.item_code, today=TODAY)

    error = refused(
        Refusal.LOAN_LIMIT, services.check_out, member=member, item_code=second.item_code, today=TODAY
    )

    assert "batasnya 1" in error.message


def test_a_copy_on_loan_is_refused_to_another_member(schema):
    _, (copy, _) = make_record_with_copies()
    services.check_out(member=make_member(), item_code=copy.item_code, today=TODAY)

    error = refused(
        Refusal.ITEM_ON_LOAN, services.check_out, member=make_member(), item_code=copy.item_code, today=TODAY
    )

    assert "sedang dipinjam" in error.message


@pytest.mark.parametrize(
    ("status", "label"),
    [
        (Item.Status.REPAIR, "Diperbaiki"),
        (Item.Status.LOST, "Hilang"),
        (Item.Status.MISSING, "Tidak ditemukan"),
        (Item.Status.NO_LOAN, "Tidak dipinjamkan"),
    ],
)
def test_a_copy_that_is_not_on_the_shelf_is_refused(schema, status, label):
    _, (copy, _) = make_record_with_copies()
    Item.objects.filter(pk=copy.pk).update(status=status)

    error = refused(
        Refusal.ITEM_UNAVAILABLE,
        services.check_out,
        member=make_member(),
        item_code=copy.item_code,
        today=TODAY,
    )

    assert label in error.message


def test_an_unknown_barcode_is_refused(schema):
    refused(
        Refusal.UNKNOWN_ITEM, services.check_out, member=make_member(), item_code="TIDAK-ADA", today=TODAY
    )
    refused(Refusal.UNKNOWN_ITEM, services.check_in, item_code="TIDAK-ADA", today=TODAY)
    error = refused(Refusal.UNKNOWN_CODE, services.scan, code="TIDAK-ADA", member=None, today=TODAY)
    assert "tidak dikenal" in error.message


def test_fines_above_the_limit_block_borrowing(schema):
    member = make_member(make_member_type(fines_limit=Decimal("2000")))
    Fine.objects.create(member=member, amount=Decimal("2500"), accrued_on=TODAY)
    _, (copy, _) = make_record_with_copies()

    error = refused(
        Refusal.FINES_OVER_LIMIT, services.check_out, member=member, item_code=copy.item_code, today=TODAY
    )

    assert "Rp2.500" in error.message and "Rp2.000" in error.message


def test_fines_at_the_limit_or_partly_paid_below_it_do_not_block(schema):
    member = make_member(make_member_type(fines_limit=Decimal("2000")))
    fine = Fine.objects.create(member=member, amount=Decimal("3000"), accrued_on=TODAY)
    services.pay_fine(fine=fine, amount=Decimal("1000"))
    _, (copy, _) = make_record_with_copies()

    assert services.check_out(member=member, item_code=copy.item_code, today=TODAY).is_open


def test_check_in_on_time_closes_the_loan_without_a_fine(schema):
    _, (copy, _) = make_record_with_copies()
    loan = services.check_out(member=make_member(), item_code=copy.item_code, today=TODAY)

    result = services.check_in(item_code=copy.item_code, today=loan.due_date)

    loan.refresh_from_db()
    assert (loan.is_return, loan.return_date, result.fine) == (True, loan.due_date, None)
    refused(Refusal.NOT_ON_LOAN, services.check_in, item_code=copy.item_code, today=loan.due_date)


def test_check_in_late_accrues_days_late_times_fine_per_day_without_closing_days(schema):
    member = make_member(make_member_type(loan_days=7, fine_per_day=Decimal("500")))
    _, (copy, _) = make_record_with_copies()
    loan = services.check_out(member=member, item_code=copy.item_code, today=TODAY)
    ClosingDay.objects.create(date=loan.due_date + timedelta(days=2), description="Hari Raya Nyepi")

    result = services.check_in(item_code=copy.item_code, today=loan.due_date + timedelta(days=5))

    assert (result.fine.days_late, result.fine.amount, result.fine.reason) == (4, Decimal("2000"), "overdue")
    assert AuditEntry.objects.filter(object_type="fine", object_id=result.fine.pk, action="accrue").exists()
    assert outstanding_fines_total(member) == Decimal("2000")


def test_renewal_extends_from_today_within_the_renewals_allowed(schema):
    member = make_member(make_member_type(loan_days=7, renewals_allowed=1))
    _, (copy, _) = make_record_with_copies()
    loan = services.check_out(member=member, item_code=copy.item_code, today=TODAY)

    renewed = services.renew(loan=loan, today=TODAY + timedelta(days=5))

    assert (renewed.renewals, renewed.due_date) == (1, TODAY + timedelta(days=12))
    refused(Refusal.RENEWAL_LIMIT, services.renew, loan=loan, today=TODAY + timedelta(days=6))


def test_renewal_of_a_late_loan_or_a_reserved_title_is_refused(schema):
    member = make_member(make_member_type(renewals_allowed=3))
    record, (first, second) = make_record_with_copies()
    loan = services.check_out(member=member, item_code=first.item_code, today=TODAY)
    refused(Refusal.RENEWAL_OVERDUE, services.renew, loan=loan, today=loan.due_date + timedelta(days=1))

    services.check_out(member=make_member(), item_code=second.item_code, today=TODAY)
    services.place_reservation(member=make_member(), record=record, today=TODAY)

    refused(Refusal.RENEWAL_RESERVED, services.renew, loan=loan, today=TODAY + timedelta(days=1))


def test_a_reservation_is_refused_while_a_copy_is_on_the_shelf(schema):
    record, _ = make_record_with_copies()

    refused(
        Refusal.RESERVATION_COPY_AVAILABLE,
        services.place_reservation,
        member=make_member(),
        record=record,
        today=TODAY,
    )


def test_check_in_of_a_reserved_title_sets_the_copy_aside_for_the_first_in_the_queue(schema):
    record, (copy,) = make_record_with_copies(copies=1)
    services.check_out(member=make_member(), item_code=copy.item_code, today=TODAY)
    first, second = make_member(make_member_type(reservation_pickup_days=2)), make_member()
    services.place_reservation(member=first, record=record, today=TODAY)
    services.place_reservation(member=second, record=record, today=TODAY)
    refused(Refusal.RESERVATION_EXISTS, services.place_reservation, member=first, record=record, today=TODAY)

    result = services.check_in(item_code=copy.item_code, today=TODAY + timedelta(days=1))

    reservation = result.set_aside_for
    assert (reservation.member, reservation.status, reservation.item) == (first, "ready", copy)
    assert reservation.pickup_deadline == TODAY + timedelta(days=3)
    assert member_panel(first, today=TODAY).reservations[0].status == "ready"
    error = refused(
        Refusal.RESERVED_FOR_OTHER, services.check_out, member=second, item_code=copy.item_code, today=TODAY
    )
    assert "disisihkan" in error.message

    loan = services.check_out(member=first, item_code=copy.item_code, today=TODAY + timedelta(days=1))

    reservation.refresh_from_db()
    assert (loan.member, reservation.status) == (first, "fulfilled")
    assert Reservation.objects.get(member=second).status == "waiting"


def test_a_copy_back_on_the_shelf_goes_to_the_queue_not_to_the_next_borrower(schema):
    record, (copy,) = make_record_with_copies(copies=1)
    Item.objects.filter(pk=copy.pk).update(status=Item.Status.REPAIR)
    waiting = make_member()
    services.place_reservation(member=waiting, record=record, today=TODAY)
    Item.objects.filter(pk=copy.pk).update(status=Item.Status.AVAILABLE)  # back from repair

    refused(
        Refusal.RESERVED_FOR_OTHER,
        services.check_out,
        member=make_member(),
        item_code=copy.item_code,
        today=TODAY,
    )
    result = services.check_in(item_code=copy.item_code, today=TODAY)  # scanned alone: set aside

    assert (result.loan, result.set_aside_for.member) == (None, waiting)
    again = refused(Refusal.NOT_ON_LOAN, services.check_in, item_code=copy.item_code, today=TODAY)
    assert waiting.name in again.message


def test_cancelling_or_expiring_a_ready_reservation_passes_the_copy_on(schema):
    record, (copy,) = make_record_with_copies(copies=1)
    services.check_out(member=make_member(), item_code=copy.item_code, today=TODAY)
    first, second, third = make_member(), make_member(), make_member()
    for member in (first, second, third):
        services.place_reservation(member=member, record=record, today=TODAY)
    ready = services.check_in(item_code=copy.item_code, today=TODAY).set_aside_for

    services.cancel_reservation(reservation=ready, today=TODAY)
    assert Reservation.objects.get(member=second).status == "ready"

    expired = services.expire_reservations(today=TODAY + timedelta(days=30))

    assert expired == 1
    assert Reservation.objects.get(member=second).status == "expired"
    assert Reservation.objects.get(member=third).status == "ready"


def test_reservation_limit(schema):
    member = make_member(make_member_type(reservation_limit=1))
    records = []
    for _ in range(2):
        record, (copy,) = make_record_with_copies(copies=1)
        services.check_out(member=make_member(), item_code=copy.item_code, today=TODAY)
        records.append(record)
    services.place_reservation(member=member, record=records[0], today=TODAY)

    refused(
        Refusal.RESERVATION_LIMIT, services.place_reservation, member=member, record=records[1], today=TODAY
    )


def test_fines_are_a_ledger_partial_payment_then_the_rest_waived_with_a_reason(schema, django_user_model):
    librarian = django_user_model.objects.create_user(username="kasir-denda", password="x")
    fine = Fine.objects.create(member=make_member(), amount=Decimal("5000"), accrued_on=TODAY)

    services.pay_fine(fine=fine, amount=Decimal("2000"), actor=librarian)
    fine.refresh_from_db()
    assert (fine.status, fine.outstanding_amount()) == ("partly_paid", Decimal("3000"))
    refused(Refusal.FINE_AMOUNT, services.pay_fine, fine=fine, amount=Decimal("3500"))
    refused(Refusal.FINE_AMOUNT, services.pay_fine, fine=fine, amount="abc")
    refused(Refusal.WAIVER_REASON, services.waive_fine, fine=fine, reason="  ")

    services.waive_fine(fine=fine, reason="Buku dikembalikan saat banjir", actor=librarian)

    fine.refresh_from_db()
    assert fine.status == "waived"
    assert list(FineTransaction.objects.filter(fine=fine).values_list("kind", "amount", "actor_name")) == [
        ("payment", Decimal("2000.00"), "kasir-denda"),
        ("waiver", Decimal("3000.00"), "kasir-denda"),
    ]
    assert list(
        AuditEntry.objects.filter(object_type="fine", object_id=fine.pk).values_list("action", flat=True)
    ) == [
        "waiver",
        "payment",
    ]
    refused(Refusal.FINE_SETTLED, services.pay_fine, fine=fine)


def test_paying_the_whole_fine_marks_it_paid(schema):
    fine = Fine.objects.create(member=make_member(), amount=Decimal("1500"), accrued_on=TODAY)

    services.pay_fine(fine=fine)

    fine.refresh_from_db()
    assert fine.status == "paid"


def test_scan_opens_a_member_lends_with_a_member_open_and_takes_back_without(schema):
    member = make_member()
    _, (copy, _) = make_record_with_copies()

    opened = services.scan(code=f"  {member.member_code} ", member=None, today=TODAY)
    lent = services.scan(code=copy.item_code, member=member, today=TODAY)
    back = services.scan(code=copy.item_code, member=None, today=TODAY)

    assert (opened.kind, opened.member) == ("member", member)
    assert (lent.kind, lent.loan.member) == ("check_out", member)
    assert back.kind == "check_in" and back.check_in.loan.pk == lent.loan.pk


def test_scan_of_a_copy_on_loan_with_a_member_open_takes_it_back(schema):
    borrower, other = make_member(), make_member()
    _, (copy, _) = make_record_with_copies()
    services.check_out(member=borrower, item_code=copy.item_code, today=TODAY)

    result = services.scan(code=copy.item_code, member=other, today=TODAY)

    assert result.kind == "check_in" and result.member == other
    assert not Loan.objects.filter(is_return=False).exists()


def test_a_copy_set_aside_is_not_available_on_the_shelf_nor_in_the_union_document(schema):
    from catalog.selectors import availability_for
    from search.indexer import index_fields_for

    record, (copy,) = make_record_with_copies(copies=1)
    services.check_out(member=make_member(), item_code=copy.item_code, today=TODAY)
    services.place_reservation(member=make_member(), record=record, today=TODAY)

    services.check_in(item_code=copy.item_code, today=TODAY)

    assert availability_for(record) == (0, 1)
    assert index_fields_for([record.pk])[record.pk][1:] == (1, 0)
