"""What applies to one loan: ``loan_rule_for(member, item)`` is the only place that decides it.

Today a rule is the member type's (SLiMS ``mst_member_type``). Issue 17's matrix (member type × collection
type × location, most specific row wins, a default row) replaces the body of ``loan_rule_for`` and nothing
else: every check-out, renewal, reservation and fine asks this function.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from catalog.models import Item, Member, MemberType


@dataclass(frozen=True)
class LoanRule:
    loan_limit: int  # copies on loan at once
    loan_days: int
    renewals_allowed: int
    fine_per_day: Decimal
    reservation_limit: int
    fines_limit: Decimal | None  # unpaid fines above this block borrowing; None: never
    pickup_days: int  # open days a set-aside copy waits
    source: str  # where the rule comes from, shown at the desk ("Pegawai", "aturan bawaan")


def _rule_of_type(member_type: MemberType, source: str) -> LoanRule:
    return LoanRule(
        loan_limit=member_type.loan_limit,
        loan_days=member_type.loan_days,
        renewals_allowed=member_type.renewals_allowed,
        fine_per_day=Decimal(member_type.fine_per_day),
        reservation_limit=member_type.reservation_limit,
        fines_limit=None if member_type.fines_limit is None else Decimal(member_type.fines_limit),
        pickup_days=member_type.reservation_pickup_days,
        source=source,
    )


def default_rule() -> LoanRule:
    """The rule of a member without a type: the model's defaults (what a new member type starts with)."""
    return _rule_of_type(MemberType(), source="default")


def loan_rule_for(member: Member, item: Item | None = None) -> LoanRule:
    """The rule for ``member`` borrowing ``item`` (``None``: the member's own limits, e.g. the quota shown
    at the desk or a title-level reservation)."""
    member_type = member.member_type
    if member_type is None:
        return default_rule()
    return _rule_of_type(member_type, source=member_type.name)
