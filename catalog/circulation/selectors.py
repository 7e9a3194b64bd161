"""The readers of circulation: the member's panel at the desk, lists (members, overdue loans, fines,
reservations) and the figures a supervisor may see (counts only, never a member)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth

from catalog.circulation import calendar
from catalog.circulation.rules import LoanRule, loan_rule_for
from catalog.models import Fine, FineTransaction, Loan, Member, MemberType, Record, Reservation

_MONEY = DecimalField(max_digits=14, decimal_places=2)


def fines_with_outstanding() -> QuerySet[Fine]:
    """Fines annotated with ``settled`` (sum of their ledger entries) and ``outstanding``."""
    settled = (
        FineTransaction.objects.filter(fine=OuterRef("pk"))
        .order_by()
        .values("fine")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Fine.objects.annotate(
        settled=Coalesce(Subquery(settled, output_field=_MONEY), Value(Decimal("0")), output_field=_MONEY)
    ).annotate(outstanding=ExpressionWrapper(F("amount") - F("settled"), output_field=_MONEY))


def outstanding_fines(member: Member) -> QuerySet[Fine]:
    return (
        fines_with_outstanding()
        .filter(member=member, status__in=Fine.OUTSTANDING)
        .select_related("loan__item__record")
        .order_by("accrued_on", "id")
    )


def outstanding_fines_total(member: Member) -> Decimal:
    total = outstanding_fines(member).aggregate(total=Sum("outstanding"))["total"]
    return max(total or Decimal("0"), Decimal("0"))


def open_loans(member: Member) -> QuerySet[Loan]:
    return (
        Loan.objects.filter(member=member, is_lent=True, is_return=False)
        .select_related("item__record")
        .order_by("due_date", "id")
    )


@dataclass(frozen=True)
class LoanLine:
    loan: Loan
    days_late: int
    fine_so_far: Decimal
    renewals_left: int


@dataclass(frozen=True)
class MemberPanel:
    """What the desk shows once a card is read."""

    member: Member
    rule: LoanRule
    expired: bool
    loans: list[LoanLine]
    quota_left: int
    fines: list[Fine]
    fines_total: Decimal
    fines_blocking: bool
    reservations: list[Reservation]

    @property
    def overdue_count(self) -> int:
        return sum(1 for line in self.loans if line.days_late)


def member_panel(member: Member, *, today: date | None = None) -> MemberPanel:
    today = today or calendar.today()
    rule = loan_rule_for(member)
    lines = []
    for loan in open_loans(member):
        days_late = calendar.open_days_late(due_date=loan.due_date, returned_on=today)
        lines.append(
            LoanLine(
                loan=loan,
                days_late=days_late,
                fine_so_far=rule.fine_per_day * days_late,
                renewals_left=max(rule.renewals_allowed - loan.renewals, 0),
            )
        )
    fines = list(outstanding_fines(member))
    total = max(sum((fine.outstanding for fine in fines), Decimal("0")), Decimal("0"))
    return MemberPanel(
        member=member,
        rule=rule,
        expired=member.expires_on is not None and member.expires_on < today,
        loans=lines,
        quota_left=max(rule.loan_limit - len(lines), 0),
        fines=fines,
        fines_total=total,
        fines_blocking=rule.fines_limit is not None and total > rule.fines_limit,
        reservations=list(active_reservations().filter(member=member)),
    )


def member_by_id(member_id) -> Member | None:
    try:
        return Member.objects.select_related("member_type").filter(pk=int(member_id)).first()
    except (TypeError, ValueError):
        return None


def members_matching(text: str) -> QuerySet[Member]:
    members = Member.objects.select_related("member_type").annotate(
        loans_open=Count("loans", filter=Q(loans__is_lent=True, loans__is_return=False))
    )
    text = text.strip()
    if text:
        members = members.filter(
            Q(member_code__iexact=text)
            | Q(name__icontains=text)
            | Q(institution__icontains=text)
            | Q(member_code__icontains=text)
        )
    return members.order_by("name", "id")


def member_types() -> QuerySet[MemberType]:
    return MemberType.objects.annotate(member_count=Count("members")).order_by("name")


def overdue_loans(*, today: date | None = None) -> QuerySet[Loan]:
    today = today or calendar.today()
    return (
        Loan.objects.filter(is_lent=True, is_return=False, due_date__lt=today)
        .select_related("member__member_type", "item__record")
        .order_by("due_date", "id")
    )


def active_reservations() -> QuerySet[Reservation]:
    return (
        Reservation.objects.filter(status__in=Reservation.ACTIVE)
        .select_related("record", "member", "item")
        .order_by("status", "created_at", "id")
    )


def queue_position(reservation: Reservation) -> int:
    return (
        Reservation.objects.filter(
            record_id=reservation.record_id,
            status=Reservation.Status.WAITING,
            created_at__lt=reservation.created_at,
        ).count()
        + 1
    )


def records_for_reservation(text: str, *, limit: int = 10) -> list[Record]:
    text = text.strip()
    if not text:
        return []
    by_copy = Record.objects.filter(items__item_code=text)
    if by_copy.exists():
        return list(by_copy.distinct()[:1])
    return list(
        Record.objects.filter(Q(title__icontains=text) | Q(isbn_issn=text))
        .annotate(copies=Count("items"))
        .filter(copies__gt=0)
        .order_by("title", "id")[:limit]
    )


@dataclass(frozen=True)
class CirculationFigures:
    """Counts only: what a supervisor may see of a library's circulation (no member, no title per loan)."""

    members: int
    members_active: int
    members_by_type: list[tuple[str, int]]
    loans_open: int
    loans_overdue: int
    reservations_waiting: int
    reservations_ready: int
    fines_outstanding: Decimal
    fines_paid_this_month: Decimal
    loans_per_month: list[tuple[date, int]]


def circulation_figures(*, today: date | None = None) -> CirculationFigures:
    today = today or calendar.today()
    month_start = today.replace(day=1)
    year_ago = (month_start - timedelta(days=335)).replace(day=1)
    open_loans_qs = Loan.objects.filter(is_lent=True, is_return=False)
    outstanding = (
        fines_with_outstanding()
        .filter(status__in=Fine.OUTSTANDING)
        .aggregate(total=Sum("outstanding"))["total"]
    )
    paid = FineTransaction.objects.filter(
        kind=FineTransaction.Kind.PAYMENT, created_at__date__gte=month_start
    ).aggregate(total=Sum("amount"))["total"]
    per_month = (
        Loan.objects.filter(loan_date__gte=year_ago)
        .annotate(month=TruncMonth("loan_date"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    by_type = Member.objects.values("member_type__name").annotate(n=Count("id")).order_by("member_type__name")
    return CirculationFigures(
        members=Member.objects.count(),
        members_active=Member.objects.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today)).count(),
        members_by_type=[(row["member_type__name"] or "–", row["n"]) for row in by_type],
        loans_open=open_loans_qs.count(),
        loans_overdue=open_loans_qs.filter(due_date__lt=today).count(),
        reservations_waiting=Reservation.objects.filter(status=Reservation.Status.WAITING).count(),
        reservations_ready=Reservation.objects.filter(status=Reservation.Status.READY).count(),
        fines_outstanding=max(outstanding or Decimal("0"), Decimal("0")),
        fines_paid_this_month=paid or Decimal("0"),
        loans_per_month=[(row["month"], row["n"]) for row in per_month],
    )
