"""Writers of a library's members, member types and closing days (each change audited, one transaction).

Forms validate (catalog/circulation/forms.py); these functions take clean values."""

from __future__ import annotations

import calendar as month_calendar
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from catalog.audit import record_change, snapshot
from catalog.circulation import calendar
from catalog.models import ClosingDay, Member, MemberType

MEMBER_AUDIT_FIELDS = (
    "member_code",
    "name",
    "member_type",
    "institution",
    "email",
    "phone",
    "address",
    "expires_on",
    "photo",
    "notes",
)
MEMBER_TYPE_FIELDS = (
    "name",
    "loan_limit",
    "loan_days",
    "renewals_allowed",
    "fine_per_day",
    "reservation_limit",
    "fines_limit",
    "reservation_pickup_days",
    "membership_months",
)


def _months_later(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def _apply(member: Member, values: dict) -> None:
    for name in MEMBER_AUDIT_FIELDS:
        if name in values and name != "photo":
            setattr(member, name, values[name])


def _replace_photo(member: Member, photo: ContentFile | None, remove_photo: bool) -> None:
    old_name = member.photo.name if member.photo else ""
    if photo is not None:
        member.photo.save(photo.name, photo, save=False)
    elif remove_photo:
        member.photo = ""
    if old_name and (photo is not None or remove_photo):
        storage = member.photo.storage
        transaction.on_commit(lambda: storage.delete(old_name))


@transaction.atomic
def create_member(
    *, values: dict, photo: ContentFile | None = None, actor=None, today: date | None = None
) -> Member:
    """A new member; without an expiry date the membership runs for the type's months from today."""
    member = Member()
    _apply(member, values)
    if member.expires_on is None and member.member_type is not None:
        member.expires_on = _months_later(today or calendar.today(), member.member_type.membership_months)
    _replace_photo(member, photo, remove_photo=False)
    member.save()
    record_change(
        obj=member,
        action="create",
        actor=actor,
        after=snapshot(member, MEMBER_AUDIT_FIELDS),
        summary=_("Anggota baru %(code)s") % {"code": member.member_code},
    )
    return member


@transaction.atomic
def update_member(
    *, member: Member, values: dict, photo: ContentFile | None = None, remove_photo: bool = False, actor=None
) -> Member:
    member = Member.objects.select_for_update(no_key=True, of=("self",)).get(pk=member.pk)
    before = snapshot(member, MEMBER_AUDIT_FIELDS)
    _apply(member, values)
    _replace_photo(member, photo, remove_photo)
    member.save()
    after = snapshot(member, MEMBER_AUDIT_FIELDS)
    if before != after:
        record_change(obj=member, action="update", actor=actor, before=before, after=after)
    return member


@transaction.atomic
def save_member_type(*, values: dict, member_type: MemberType | None = None, actor=None) -> MemberType:
    created = member_type is None
    member_type = MemberType() if created else MemberType.objects.select_for_update().get(pk=member_type.pk)
    before = None if created else snapshot(member_type, MEMBER_TYPE_FIELDS)
    for name in MEMBER_TYPE_FIELDS:
        if name in values:
            setattr(member_type, name, values[name])
    member_type.save()
    record_change(
        obj=member_type,
        action="create" if created else "update",
        actor=actor,
        before=before,
        after=snapshot(member_type, MEMBER_TYPE_FIELDS),
    )
    return member_type


@transaction.atomic
def add_closing_day(*, day: date, description: str, actor=None) -> ClosingDay:
    closing_day, created = ClosingDay.objects.update_or_create(
        date=day, defaults={"description": description}
    )
    record_change(
        obj=closing_day,
        action="create" if created else "update",
        actor=actor,
        after=snapshot(closing_day),
    )
    return closing_day


@transaction.atomic
def add_weekly_closing_days(*, year: int, weekdays: list[int], actor=None) -> int:
    """Close the library on every given weekday (0 = Monday … 6 = Sunday) of ``year`` (SLiMS's weekly
    holidays, as dated closing days); existing days are kept. Returns how many were added."""
    day, last = date(year, 1, 1), date(year, 12, 31)
    existing = set(ClosingDay.objects.filter(date__year=year).values_list("date", flat=True))
    names = {5: _("Sabtu"), 6: _("Minggu")}
    new = []
    while day <= last:
        if day.weekday() in weekdays and day not in existing:
            new.append(ClosingDay(date=day, description=names.get(day.weekday(), _("Libur mingguan"))))
        day += timedelta(days=1)
    ClosingDay.objects.bulk_create(new)
    if new:
        record_change(
            obj=new[0],
            action="create_weekly",
            actor=actor,
            object_id=0,
            summary=_("%(count)s hari libur mingguan %(year)s") % {"count": len(new), "year": year},
        )
    return len(new)


@transaction.atomic
def delete_closing_day(*, closing_day: ClosingDay, actor=None) -> None:
    before = snapshot(closing_day)
    pk = closing_day.pk
    closing_day.delete()
    record_change(obj=closing_day, action="delete", actor=actor, before=before, object_id=pk)
