"""Demo data: real Kemenag unit libraries (demo/data/kemenag-units.yaml, copied from the project's
reference data) with generated Indonesian catalogues, members, loans and users for every role.

Deterministic: the same call gives the same catalogues (demo.catalogue is seeded), and it
is safe to run twice — existing libraries, records and users are kept and updated, not duplicated.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import yaml
from django.db import transaction
from django_tenants.utils import tenant_context

from catalog.models import Item, Loan, Member, MemberType
from catalog.services import refresh_collection_counts, upsert_records
from demo.catalogue import generate_catalog, generate_members
from portal.accounts.models import GlobalRole, Membership, User
from tenants.models import Library
from tenants.services import create_library

UNITS_FILE = Path(__file__).resolve().parent / "data" / "kemenag-units.yaml"
DEMO_PASSWORD = "simpul-demo"  # documented in the README; demo databases only
# A mix of unit kinds and provinces; the first eight are the minimum the demo promises.
DEFAULT_DEMO_CODES = (
    "bdk-aceh",
    "bdk-medan",
    "bdk-jakarta",
    "bdk-bandung",
    "bdk-semarang",
    "bdk-surabaya",
    "bdk-makassar",
    "bla-jakarta",
    "bla-semarang",
    "lpmq",
    "uin-jakarta",
    "mtsn2-magelang",
)
SYSTEM_BY_KIND = {"ptkin": "slims", "madrasah": "slims", "lpmq": "slims", "bla": "slims", "bdk": "slims"}
# Demo libraries that have moved over from SLiMS: their catalogue and circulation are managed in Simpul.
MANAGED_DEMO_CODES = ("bdk-aceh", "bdk-jakarta", "lpmq", "mtsn2-magelang")


@dataclass
class DemoSummary:
    libraries_created: list[str] = field(default_factory=list)
    libraries_existing: list[str] = field(default_factory=list)
    records: int = 0
    users: list[str] = field(default_factory=list)


def _chunks(iterable, size: int):
    iterator = iter(iterable)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def load_units() -> dict[str, dict]:
    units = yaml.safe_load(UNITS_FILE.read_text(encoding="utf-8"))["units"]
    return {unit["code"]: unit for unit in units}


def _ensure_user(username: str, *, first_name: str, global_role: str = "", is_staff: bool = False) -> User:
    defaults = {"first_name": first_name, "global_role": global_role, "is_staff": is_staff}
    user, created = User.objects.get_or_create(username=username, defaults=defaults)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


# Loan rules of the demo's member types (items at once, loan days, renewals, fine per day in rupiah).
MEMBER_TYPE_RULES = {
    "Pegawai": {"loan_limit": 5, "loan_days": 14, "renewals_allowed": 2, "fine_per_day": 500},
    "Peserta Diklat": {"loan_limit": 3, "loan_days": 7, "renewals_allowed": 1, "fine_per_day": 500},
    "Umum": {"loan_limit": 2, "loan_days": 7, "renewals_allowed": 0, "fine_per_day": 1000},
}
MEMBERS_EXPIRE_ON = date(2027, 12, 31)


def _member_type(name: str) -> MemberType:
    rules = MEMBER_TYPE_RULES.get(name, MEMBER_TYPE_RULES["Umum"])
    member_type, _ = MemberType.objects.get_or_create(name=name, defaults=rules)
    return member_type


def _seed_loans(library_code: str, *, seed: int) -> None:
    """Open loans on some copies so availability differs from the copy count."""
    if Loan.objects.exists():
        return
    rng = random.Random(f"{seed}:{library_code}:loans")
    members = list(Member.objects.all())
    items = list(Item.objects.filter(status="").order_by("item_code").values_list("pk", flat=True))
    if not members or not items:
        return
    today = date(2026, 11, 20)
    loans = []
    for item_id in rng.sample(items, k=max(1, len(items) // 8)):
        loan_date = today - timedelta(days=rng.randint(1, 20))
        loans.append(
            Loan(
                item_id=item_id,
                member=rng.choice(members),
                loan_date=loan_date,
                due_date=loan_date + timedelta(days=14),
            )
        )
    Loan.objects.bulk_create(loans)


def seed_library_collection(
    library: Library, *, size: int, seed: int, progress: Callable[[int], None] | None = None
) -> int:
    count = 0
    with tenant_context(library):
        for batch in _chunks(generate_catalog(library.code, size=size, seed=seed), 100):
            upsert_records(batch)
            count += len(batch)
            if progress:
                progress(len(batch))
        with transaction.atomic():
            for member in generate_members(library.code, size=40, seed=seed):
                member_type = _member_type(member.pop("member_type"))
                Member.objects.update_or_create(
                    member_code=member["member_code"],
                    defaults={**member, "member_type": member_type, "expires_on": MEMBERS_EXPIRE_ON},
                )
            _seed_loans(library.code, seed=seed)
    refresh_collection_counts(library=library)
    return count


def seed_demo(
    *,
    codes: tuple[str, ...] = DEFAULT_DEMO_CODES,
    records_per_library: int = 320,
    seed: int = 2024,
    progress: Callable[[str, int], None] | None = None,
) -> DemoSummary:
    units = load_units()
    unknown = [code for code in codes if code not in units]
    if unknown:
        raise ValueError(f"Unknown unit codes (not in {UNITS_FILE.name}): {', '.join(unknown)}")
    summary = DemoSummary()
    operator = _ensure_user(
        "operator", first_name="Operator Simpul", global_role=GlobalRole.OPERATOR, is_staff=True
    )
    if not operator.is_superuser:
        operator.is_superuser = True
        operator.save(update_fields=["is_superuser"])
    _ensure_user("pembina", first_name="Pembina Balitbang Diklat", global_role=GlobalRole.SUPERVISOR)
    summary.users += ["operator", "pembina"]
    for code in codes:
        unit = units[code]
        library = Library.objects.filter(code=code).first()
        if library is None:
            library = create_library(
                code=code,
                name=unit["name"],
                kind=unit["kind"],
                city=unit["city"],
                province=unit["province"],
                latitude=unit.get("lat"),
                longitude=unit.get("lon"),
                system="simpul" if code in MANAGED_DEMO_CODES else SYSTEM_BY_KIND.get(unit["kind"], "slims"),
            )
            summary.libraries_created.append(code)
        else:
            summary.libraries_existing.append(code)
        librarian = _ensure_user(f"pustakawan-{code}", first_name=f"Pustakawan {unit['name']}")
        Membership.objects.get_or_create(user=librarian, library=library)
        summary.users.append(librarian.username)
        summary.records += seed_library_collection(
            library,
            size=records_per_library,
            seed=seed,
            progress=(lambda done, code=code: progress(code, done)) if progress else None,
        )
    _seed_cataloguing(codes)
    return summary


def _seed_cataloguing(codes: tuple[str, ...]) -> None:
    """The managed demo libraries show cataloguing: new acquisitions with their history, a record copied
    from another demo library (demo/cataloguing.py)."""
    from demo.cataloguing import seed_cataloguing

    others = [code for code in codes if code not in MANAGED_DEMO_CODES]
    copy_source = Library.objects.filter(code=others[0]).first() if others else None
    for code in codes:
        if code not in MANAGED_DEMO_CODES:
            continue
        library = Library.objects.get(code=code)
        librarian = User.objects.get(username=f"pustakawan-{code}")
        seed_cataloguing(library=library, librarian=librarian, copy_source=copy_source)
