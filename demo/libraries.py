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

from catalog.circulation import services as circulation
from catalog.circulation.exceptions import CirculationRefused
from catalog.circulation.member_services import add_weekly_closing_days
from catalog.models import ClosingDay, Item, Loan, Member, MemberType
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


# Loan rules of the demo's member types (items at once, loan days, renewals, fine per day in rupiah, the
# unpaid fines above which borrowing is refused, reservations at once).
MEMBER_TYPE_RULES = {
    "Pegawai": {
        "loan_limit": 5,
        "loan_days": 14,
        "renewals_allowed": 2,
        "fine_per_day": 500,
        "fines_limit": 20000,
        "reservation_limit": 3,
        "membership_months": 36,
    },
    "Peserta Diklat": {
        "loan_limit": 3,
        "loan_days": 7,
        "renewals_allowed": 1,
        "fine_per_day": 500,
        "fines_limit": 10000,
        "reservation_limit": 2,
        "membership_months": 3,
    },
    "Umum": {
        "loan_limit": 2,
        "loan_days": 7,
        "renewals_allowed": 0,
        "fine_per_day": 1000,
        "fines_limit": 10000,
        "reservation_limit": 1,
        "membership_months": 12,
    },
}
MEMBERS_EXPIRE_ON = date(2027, 12, 31)
# The demo's circulation happens around this day (fixed, so the demo is the same on every run).
DEMO_CIRCULATION_DAY = date(2026, 11, 20)
# 2026 national holidays and cuti bersama as the SKB of three ministers published them (an operator
# corrects a library's list on its closing-days page); the library is closed on Saturdays and Sundays too.
CLOSING_DAYS_2026 = {
    date(2026, 1, 1): "Tahun Baru 2026 Masehi",
    date(2026, 1, 16): "Isra Mikraj Nabi Muhammad SAW",
    date(2026, 2, 16): "Cuti bersama Tahun Baru Imlek",
    date(2026, 2, 17): "Tahun Baru Imlek 2577 Kongzili",
    date(2026, 3, 18): "Cuti bersama Hari Suci Nyepi",
    date(2026, 3, 19): "Hari Suci Nyepi (Tahun Baru Saka 1948)",
    date(2026, 3, 20): "Cuti bersama Idul Fitri 1447 H",
    date(2026, 3, 21): "Idul Fitri 1447 H",
    date(2026, 3, 22): "Idul Fitri 1447 H",
    date(2026, 3, 23): "Cuti bersama Idul Fitri 1447 H",
    date(2026, 3, 24): "Cuti bersama Idul Fitri 1447 H",
    date(2026, 4, 3): "Wafat Yesus Kristus",
    date(2026, 4, 5): "Kebangkitan Yesus Kristus (Paskah)",
    date(2026, 5, 1): "Hari Buruh Internasional",
    date(2026, 5, 14): "Kenaikan Yesus Kristus",
    date(2026, 5, 15): "Cuti bersama Kenaikan Yesus Kristus",
    date(2026, 5, 27): "Idul Adha 1447 H",
    date(2026, 5, 28): "Cuti bersama Idul Adha 1447 H",
    date(2026, 5, 31): "Hari Raya Waisak 2570 BE",
    date(2026, 6, 1): "Hari Lahir Pancasila",
    date(2026, 6, 16): "Tahun Baru Islam 1448 H",
    date(2026, 8, 17): "Hari Kemerdekaan Republik Indonesia",
    date(2026, 8, 25): "Maulid Nabi Muhammad SAW",
    date(2026, 12, 24): "Cuti bersama Hari Raya Natal",
    date(2026, 12, 25): "Hari Raya Natal",
}
INSTITUTIONS = {
    "Pegawai": "{library}",
    "Peserta Diklat": "Peserta pelatihan, {city}",
    "Umum": "Masyarakat umum, {city}",
}


def _member_type(name: str) -> MemberType:
    rules = MEMBER_TYPE_RULES.get(name, MEMBER_TYPE_RULES["Umum"])
    member_type, _ = MemberType.objects.get_or_create(name=name, defaults=rules)
    return member_type


def _seed_closing_days() -> None:
    for day, description in CLOSING_DAYS_2026.items():
        ClosingDay.objects.get_or_create(date=day, defaults={"description": description})
    add_weekly_closing_days(year=2026, weekdays=[5, 6])


def _seed_members(library: Library, *, seed: int) -> None:
    rng = random.Random(f"{seed}:{library.code}:member-details")
    for number, member in enumerate(generate_members(library.code, size=40, seed=seed)):
        type_name = member.pop("member_type")
        member_type = _member_type(type_name)
        # Two members whose membership ran out: the desk refuses them.
        expires_on = date(2026, 6, 30) if number in (7, 23) else MEMBERS_EXPIRE_ON
        institution = INSTITUTIONS.get(type_name, INSTITUTIONS["Umum"]).format(
            library=library.name, city=library.city or library.province
        )
        phone = f"08{rng.choice((11, 12, 13, 52, 53, 57, 81, 85))}{rng.randint(10_000_000, 99_999_999)}"
        Member.objects.update_or_create(
            member_code=member["member_code"],
            defaults={
                **member,
                "member_type": member_type,
                "expires_on": expires_on,
                "institution": institution,
                "phone": phone,
            },
        )


def _seed_loans(library_code: str, *, seed: int) -> None:
    """Loans made at the desk in the weeks before ``DEMO_CIRCULATION_DAY`` through the circulation services
    (due dates skip closing days, fines accrue on late returns): some returned, some returned late with a
    fine (one paid in part, one waived), some still out and overdue."""
    if Loan.objects.exists():
        return
    rng = random.Random(f"{seed}:{library_code}:loans")
    members = list(
        Member.objects.filter(expires_on__gte=DEMO_CIRCULATION_DAY)
        .select_related("member_type")
        .order_by("pk")
    )
    items = list(Item.objects.filter(status="").order_by("item_code").values_list("item_code", flat=True))
    if not members or not items:
        return
    returned_late = []
    for item_code in rng.sample(items, k=max(1, len(items) // 8)):
        member = rng.choice(members)
        loan_date = DEMO_CIRCULATION_DAY - timedelta(days=rng.randint(1, 30))
        try:
            circulation.check_out(member=member, item_code=item_code, today=loan_date)
        except CirculationRefused:
            continue  # the member's limit: the desk would have refused too
        back_on = loan_date + timedelta(days=rng.randint(2, 25))
        if rng.random() < 0.35 and back_on < DEMO_CIRCULATION_DAY:
            result = circulation.check_in(item_code=item_code, today=back_on)
            if result.fine is not None:
                returned_late.append(result.fine)
    if returned_late:
        circulation.pay_fine(fine=returned_late[0], amount=returned_late[0].amount / 2)
    if len(returned_late) > 1:
        circulation.waive_fine(fine=returned_late[1], reason="Terlambat karena banjir di jalan menuju kantor")


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
        if library.catalogue_managed_in_simpul:
            # Only a library managed in Simpul circulates here; a harvested one does it in its SLiMS.
            with transaction.atomic():
                _seed_closing_days()
                _seed_members(library, seed=seed)
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
