"""Builders for circulation tests: member types, members and records with copies (in the active schema)."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from catalog.models import Item, Member, MemberType, Record
from catalog.normalized import NormalizedCopy
from catalog.services import upsert_record
from tests.factories import make_normalized_record

_numbers = itertools.count(1)


def make_member_type(name: str | None = None, **rules) -> MemberType:
    values = {
        "loan_limit": 2,
        "loan_days": 7,
        "renewals_allowed": 1,
        "fine_per_day": Decimal("500"),
        "reservation_limit": 2,
        "fines_limit": Decimal("10000"),
        "reservation_pickup_days": 3,
    }
    values.update(rules)
    return MemberType.objects.create(name=name or f"Jenis {next(_numbers)}", **values)


def make_member(member_type: MemberType | None = None, **fields) -> Member:
    number = next(_numbers)
    values = {
        "member_code": f"AGT{number:05d}",
        "name": f"Siti Rahmawati {number}",
        "member_type": member_type if member_type is not None else make_member_type(),
        "institution": "Balai Diklat Keagamaan Aceh",
        "expires_on": date(2030, 12, 31),
    }
    values.update(fields)
    return Member.objects.create(**values)


def make_record_with_copies(copies: int = 2, **overrides) -> tuple[Record, list[Item]]:
    number = next(_numbers)
    normalized = make_normalized_record(
        copies=tuple(NormalizedCopy(item_code=f"B{number:05d}-{n}") for n in range(1, copies + 1)),
        **overrides,
    )
    record = upsert_record(normalized=normalized).record
    return record, list(record.items.order_by("item_code"))
