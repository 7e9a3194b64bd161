"""The writers of circulation: the desk's scan, check-out, check-in, renewal, reservations and fines.

Every action is one transaction. The copy is locked first (``SELECT … FOR NO KEY UPDATE``: a loan or fine
row that points at it still takes its key-share lock, so two actions never deadlock on it), then checked,
then changed; the ``one_open_loan_per_item`` constraint is the last guard if anything ever slips past the
lock. A rule that refuses raises ``CirculationRefused`` with a code and an Indonesian message. Each change
is audited (``catalog.audit``) and, when availability moves, announced to the union index
(``catalog.services.record_availability_changed``) in the same transaction: only counts leave the schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.audit import record_change, snapshot
from catalog.circulation import calendar
from catalog.circulation.exceptions import CirculationRefused, Refusal
from catalog.circulation.formatting import long_date, rupiah
from catalog.circulation.rules import loan_rule_for
from catalog.circulation.selectors import outstanding_fines_total
from catalog.models import Fine, FineTransaction, Item, Loan, Member, Record, Reservation
from catalog.selectors import available_items
from catalog.services import record_availability_changed

LOAN_AUDIT_FIELDS = ("item", "member", "loan_date", "due_date", "is_return", "return_date", "renewals")
RESERVATION_AUDIT_FIELDS = ("record", "member", "status", "item", "pickup_deadline")
FINE_AUDIT_FIELDS = ("member", "loan", "reason", "amount", "days_late", "status")


@dataclass(frozen=True)
class CheckInResult:
    item: Item
    loan: Loan | None  # None: the copy was not on loan but was set aside for a waiting reservation
    fine: Fine | None
    set_aside_for: Reservation | None  # the next member in the queue, now READY with this copy


@dataclass(frozen=True)
class ScanResult:
    """What one scan at the desk did: opened a member (``member``), lent a copy (``check_out``) or took
    one back (``check_in``)."""

    kind: str
    member: Member | None = None
    loan: Loan | None = None
    check_in: CheckInResult | None = None


def _refuse(code: str, message: str) -> CirculationRefused:
    return CirculationRefused(code, message)


def _locked_member(member: Member) -> Member:
    try:
        return (
            Member.objects.select_for_update(no_key=True, of=("self",))
            .select_related("member_type")
            .get(pk=member.pk)
        )
    except Member.DoesNotExist:
        raise _refuse(Refusal.UNKNOWN_MEMBER, _("Anggota ini tidak ada di perpustakaan ini.")) from None


def _locked_item(item_code: str) -> Item:
    code = (item_code or "").strip()
    try:
        return (
            Item.objects.select_for_update(no_key=True, of=("self",))
            .select_related("record")
            .get(item_code=code)
        )
    except Item.DoesNotExist:
        raise _refuse(
            Refusal.UNKNOWN_ITEM, _("Kode eksemplar “%(code)s” tidak dikenal.") % {"code": code[:64]}
        ) from None


def _open_loan_of(item: Item) -> Loan | None:
    return (
        Loan.objects.select_for_update(of=("self",))
        .select_related("member__member_type")
        .filter(item=item, is_lent=True, is_return=False)
        .first()
    )


def _ensure_not_expired(member: Member, today: date) -> None:
    if member.expires_on is not None and member.expires_on < today:
        raise _refuse(
            Refusal.MEMBER_EXPIRED,
            _("Keanggotaan %(name)s berakhir pada %(date)s: perpanjang keanggotaannya dulu.")
            % {"name": member.name, "date": long_date(member.expires_on)},
        )


def _ensure_fines_within_limit(member: Member, limit: Decimal | None) -> None:
    if limit is None:
        return
    owed = outstanding_fines_total(member)
    if owed > limit:
        raise _refuse(
            Refusal.FINES_OVER_LIMIT,
            _("Denda %(name)s yang belum lunas %(owed)s melebihi batas %(limit)s: selesaikan dulu dendanya.")
            % {"name": member.name, "owed": rupiah(owed), "limit": rupiah(limit)},
        )


def _audit_loan(loan: Loan, action: str, actor, before: dict | None, summary: str) -> None:
    record_change(
        obj=loan,
        action=action,
        actor=actor,
        before=before,
        after=snapshot(loan, LOAN_AUDIT_FIELDS),
        summary=summary,
    )


# --- check-out -------------------------------------------------------------------------------------------


def _claim_reservation_for_checkout(*, member: Member, item: Item, now) -> list[Item]:
    """Apply the reservation queue to lending ``item`` to ``member``: refuse when the copy is set aside
    for someone else or others wait for the title; fulfil the member's own reservation. Returns copies
    set aside for the member that are now free (they pass on to the next in the queue)."""
    active = list(
        Reservation.objects.select_for_update(of=("self",))
        .filter(record_id=item.record_id, status__in=Reservation.ACTIVE)
        .order_by("created_at", "id")
    )
    set_aside_here = next((r for r in active if r.item_id == item.pk), None)
    if set_aside_here is not None and set_aside_here.member_id != member.pk:
        raise _refuse(
            Refusal.RESERVED_FOR_OTHER,
            _(
                "Eksemplar %(code)s disisihkan untuk anggota lain yang memesan judul ini "
                "(batas ambil %(date)s)."
            )
            % {"code": item.item_code, "date": long_date(set_aside_here.pickup_deadline)},
        )
    own = next((r for r in active if r.member_id == member.pk), None)
    waiting_before = [
        r
        for r in active
        if r.status == Reservation.Status.WAITING
        and r.member_id != member.pk
        and (own is None or (r.created_at, r.id) < (own.created_at, own.id))
    ]
    if set_aside_here is None and waiting_before:
        raise _refuse(
            Refusal.RESERVED_FOR_OTHER,
            _(
                "Judul ini dipesan %(count)s anggota lain yang antre lebih dulu: pindai eksemplar ini tanpa "
                "kartu anggota untuk menyisihkannya bagi antrean pertama."
            )
            % {"count": len(waiting_before)},
        )
    freed: list[Item] = []
    if own is not None:
        before = snapshot(own, RESERVATION_AUDIT_FIELDS)
        if own.item_id and own.item_id != item.pk:
            freed.append(own.item)
        own.status = Reservation.Status.FULFILLED
        own.item = item
        own.closed_at = now
        own.save(update_fields=["status", "item", "closed_at"])
        record_change(
            obj=own,
            action="fulfil",
            actor=None,
            before=before,
            after=snapshot(own, RESERVATION_AUDIT_FIELDS),
            summary=_("Reservasi terpenuhi: %(code)s dipinjam") % {"code": item.item_code},
        )
    return freed


@transaction.atomic
def check_out(*, member: Member, item_code: str, actor=None, today: date | None = None) -> Loan:
    """Lend the copy with ``item_code`` to ``member``."""
    today = today or calendar.today()
    now = timezone.now()
    member = _locked_member(member)
    _ensure_not_expired(member, today)
    item = _locked_item(item_code)
    open_loan = _open_loan_of(item)
    if open_loan is not None:
        if open_loan.member_id == member.pk:
            message = _("Eksemplar %(code)s sudah dipinjam %(name)s (jatuh tempo %(date)s).") % {
                "code": item.item_code,
                "name": member.name,
                "date": long_date(open_loan.due_date),
            }
        else:
            message = _(
                "Eksemplar %(code)s sedang dipinjam anggota lain sampai %(date)s: tidak tersedia."
            ) % {"code": item.item_code, "date": long_date(open_loan.due_date)}
        raise _refuse(Refusal.ITEM_ON_LOAN, message)
    if item.status != Item.Status.AVAILABLE:
        raise _refuse(
            Refusal.ITEM_UNAVAILABLE,
            _("Eksemplar %(code)s tidak dapat dipinjam: statusnya “%(status)s”.")
            % {"code": item.item_code, "status": item.get_status_display()},
        )
    rule = loan_rule_for(member, item)
    on_loan = Loan.objects.filter(member=member, is_return=False, is_lent=True).count()
    if on_loan >= rule.loan_limit:
        raise _refuse(
            Refusal.LOAN_LIMIT,
            _("%(name)s sudah meminjam %(count)s eksemplar; batasnya %(limit)s sekaligus.")
            % {"name": member.name, "count": on_loan, "limit": rule.loan_limit},
        )
    _ensure_fines_within_limit(member, rule.fines_limit)
    freed = _claim_reservation_for_checkout(member=member, item=item, now=now)
    loan = Loan(
        item=item,
        member=member,
        loan_date=today,
        due_date=calendar.due_date_for(start=today, loan_days=rule.loan_days, expires_on=member.expires_on),
    )
    try:
        with transaction.atomic():
            loan.save()
    except IntegrityError:  # one_open_loan_per_item: the last guard behind the lock
        raise _refuse(
            Refusal.ITEM_ON_LOAN,
            _("Eksemplar %(code)s baru saja dipinjam di meja lain: tidak tersedia.")
            % {"code": item.item_code},
        ) from None
    _audit_loan(
        loan,
        "check_out",
        actor,
        None,
        _("Dipinjam %(name)s sampai %(date)s") % {"name": member.name, "date": long_date(loan.due_date)},
    )
    for other in freed:
        _set_aside_for_next(item=other, actor=actor, today=today, now=now)
    record_availability_changed(record_id=item.record_id)
    return loan


# --- check-in and the reservation queue ------------------------------------------------------------------


def _set_aside_for_next(*, item: Item, actor, today: date, now) -> Reservation | None:
    """Give ``item`` (on the shelf, status available) to the first member waiting for its title: the
    reservation becomes READY with a pickup deadline. Announces availability (the copy is no longer on
    the shelf for everyone). None when nobody waits."""
    if item.status != Item.Status.AVAILABLE:
        return None
    waiting = (
        Reservation.objects.select_for_update(of=("self",))
        .select_related("member__member_type")
        .filter(record_id=item.record_id, status=Reservation.Status.WAITING)
        .order_by("created_at", "id")
        .first()
    )
    if waiting is None:
        record_availability_changed(record_id=item.record_id)
        return None
    before = snapshot(waiting, RESERVATION_AUDIT_FIELDS)
    rule = loan_rule_for(waiting.member, item)
    waiting.status = Reservation.Status.READY
    waiting.item = item
    waiting.ready_at = now
    waiting.pickup_deadline = calendar.add_open_days(today, rule.pickup_days)
    waiting.save(update_fields=["status", "item", "ready_at", "pickup_deadline"])
    record_change(
        obj=waiting,
        action="set_aside",
        actor=actor,
        before=before,
        after=snapshot(waiting, RESERVATION_AUDIT_FIELDS),
        summary=_("Eksemplar %(code)s disisihkan sampai %(date)s")
        % {"code": item.item_code, "date": long_date(waiting.pickup_deadline)},
    )
    record_availability_changed(record_id=item.record_id)
    return waiting


def _accrue_overdue_fine(*, loan: Loan, today: date, actor) -> Fine | None:
    days_late = calendar.open_days_late(due_date=loan.due_date, returned_on=today)
    rule = loan_rule_for(loan.member, loan.item)
    if days_late <= 0 or rule.fine_per_day <= 0:
        return None
    fine = Fine.objects.create(
        member=loan.member,
        loan=loan,
        reason=Fine.Reason.OVERDUE,
        amount=rule.fine_per_day * days_late,
        days_late=days_late,
        accrued_on=today,
    )
    record_change(
        obj=fine,
        action="accrue",
        actor=actor,
        after=snapshot(fine, FINE_AUDIT_FIELDS),
        summary=_("Terlambat %(days)s hari × %(per_day)s")
        % {"days": days_late, "per_day": rupiah(rule.fine_per_day)},
    )
    return fine


@transaction.atomic
def check_in(*, item_code: str, actor=None, today: date | None = None) -> CheckInResult:
    """Take back the copy with ``item_code``: close its loan, accrue the fine for the open days it is late
    and set it aside for the first member waiting for its title. A copy that is not on loan but whose
    title has a queue is set aside too; otherwise it is refused as not on loan."""
    today = today or calendar.today()
    now = timezone.now()
    item = _locked_item(item_code)
    loan = _open_loan_of(item)
    if loan is None:
        already_set_aside = (
            Reservation.objects.select_related("member")
            .filter(item=item, status=Reservation.Status.READY)
            .first()
        )
        if already_set_aside is not None:
            raise _refuse(
                Refusal.NOT_ON_LOAN,
                _(
                    "Eksemplar %(code)s tidak sedang dipinjam: sudah disisihkan untuk %(name)s "
                    "sampai %(date)s."
                )
                % {
                    "code": item.item_code,
                    "name": already_set_aside.member.name,
                    "date": long_date(already_set_aside.pickup_deadline),
                },
            )
        reservation = _set_aside_for_next(item=item, actor=actor, today=today, now=now)
        if reservation is None:
            raise _refuse(
                Refusal.NOT_ON_LOAN, _("Eksemplar %(code)s tidak sedang dipinjam.") % {"code": item.item_code}
            )
        return CheckInResult(item=item, loan=None, fine=None, set_aside_for=reservation)
    before = snapshot(loan, LOAN_AUDIT_FIELDS)
    loan.is_return = True
    loan.return_date = today
    loan.returned_at = now
    loan.save(update_fields=["is_return", "return_date", "returned_at"])
    _audit_loan(loan, "check_in", actor, before, _("Dikembalikan %(date)s") % {"date": long_date(today)})
    fine = _accrue_overdue_fine(loan=loan, today=today, actor=actor)
    reservation = _set_aside_for_next(item=item, actor=actor, today=today, now=now)
    return CheckInResult(item=item, loan=loan, fine=fine, set_aside_for=reservation)


def scan(*, code: str, member: Member | None, actor=None, today: date | None = None) -> ScanResult:
    """One scan at the desk. Without a member open: a member card opens the member, a copy is taken back.
    With a member open: a copy on loan is taken back (a returned book is at the desk), any other copy is
    lent to the member, another member card switches to that member. A code that is both a member's and a
    copy's is read as the copy while a member is open, as the card otherwise."""
    code = (code or "").strip()[:64]
    if not code:
        raise _refuse(Refusal.UNKNOWN_CODE, _("Pindai kartu anggota atau kode eksemplar."))
    item_exists = Item.objects.filter(item_code=code).exists()
    if member is None or not item_exists:
        found = Member.objects.select_related("member_type").filter(member_code=code).first()
        if found is not None:
            return ScanResult(kind="member", member=found)
    if not item_exists:
        raise _refuse(
            Refusal.UNKNOWN_CODE,
            _("Kode “%(code)s” tidak dikenal: bukan kartu anggota dan bukan eksemplar perpustakaan ini.")
            % {"code": code},
        )
    if member is None or Loan.objects.filter(item__item_code=code, is_lent=True, is_return=False).exists():
        return ScanResult(
            kind="check_in", member=member, check_in=check_in(item_code=code, actor=actor, today=today)
        )
    return ScanResult(
        kind="check_out",
        member=member,
        loan=check_out(member=member, item_code=code, actor=actor, today=today),
    )


# --- renewal ---------------------------------------------------------------------------------------------


@transaction.atomic
def renew(*, loan: Loan, actor=None, today: date | None = None) -> Loan:
    """Extend an open loan from today by the rule's loan days (as SLiMS does), within the renewals
    allowed; refused when it is already late or someone waits for the title."""
    today = today or calendar.today()
    try:
        loan = (
            Loan.objects.select_for_update(of=("self",))
            .select_related("member__member_type", "item")
            .get(pk=loan.pk)
        )
    except Loan.DoesNotExist:
        raise _refuse(Refusal.LOAN_CLOSED, _("Pinjaman ini tidak ada di perpustakaan ini.")) from None
    if not loan.is_open:
        raise _refuse(Refusal.LOAN_CLOSED, _("Pinjaman ini sudah dikembalikan."))
    member = loan.member
    _ensure_not_expired(member, today)
    rule = loan_rule_for(member, loan.item)
    if loan.renewals >= rule.renewals_allowed:
        raise _refuse(
            Refusal.RENEWAL_LIMIT,
            _("Pinjaman %(code)s sudah diperpanjang %(count)s kali; batasnya %(limit)s kali.")
            % {"code": loan.item.item_code, "count": loan.renewals, "limit": rule.renewals_allowed},
        )
    if loan.due_date < today:
        raise _refuse(
            Refusal.RENEWAL_OVERDUE,
            _("Pinjaman %(code)s sudah lewat jatuh tempo (%(date)s): kembalikan dulu, lalu pinjam lagi.")
            % {"code": loan.item.item_code, "date": long_date(loan.due_date)},
        )
    waiting = (
        Reservation.objects.filter(record_id=loan.item.record_id, status=Reservation.Status.WAITING)
        .exclude(member=member)
        .count()
    )
    if waiting:
        raise _refuse(
            Refusal.RENEWAL_RESERVED,
            _("Judul ini dipesan %(count)s anggota lain: pinjaman %(code)s tidak bisa diperpanjang.")
            % {"count": waiting, "code": loan.item.item_code},
        )
    _ensure_fines_within_limit(member, rule.fines_limit)
    before = snapshot(loan, LOAN_AUDIT_FIELDS)
    loan.due_date = max(
        loan.due_date,
        calendar.due_date_for(start=today, loan_days=rule.loan_days, expires_on=member.expires_on),
    )
    loan.renewals += 1
    loan.save(update_fields=["due_date", "renewals"])
    _audit_loan(
        loan, "renew", actor, before, _("Diperpanjang sampai %(date)s") % {"date": long_date(loan.due_date)}
    )
    return loan


# --- reservations ----------------------------------------------------------------------------------------


@transaction.atomic
def place_reservation(
    *, member: Member, record: Record, actor=None, today: date | None = None
) -> Reservation:
    """Queue ``member`` for any copy of ``record`` (title level). Only when no copy is on the shelf: a copy
    there is lent at once instead."""
    today = today or calendar.today()
    member = _locked_member(member)
    _ensure_not_expired(member, today)
    if not Record.objects.filter(pk=record.pk).exists():
        raise _refuse(Refusal.RESERVATION_NO_COPIES, _("Judul ini tidak ada di perpustakaan ini."))
    rule = loan_rule_for(member)
    active = Reservation.objects.filter(member=member, status__in=Reservation.ACTIVE)
    if active.filter(record=record).exists():
        raise _refuse(
            Refusal.RESERVATION_EXISTS, _("%(name)s sudah memesan judul ini.") % {"name": member.name}
        )
    if Loan.objects.filter(member=member, item__record=record, is_lent=True, is_return=False).exists():
        raise _refuse(
            Refusal.RESERVATION_ALREADY_BORROWED,
            _("%(name)s sedang meminjam eksemplar judul ini.") % {"name": member.name},
        )
    copies = Item.objects.filter(record=record)
    if not copies.exclude(status__in=[Item.Status.LOST, Item.Status.MISSING, Item.Status.NO_LOAN]).exists():
        raise _refuse(
            Refusal.RESERVATION_NO_COPIES, _("Judul ini tidak punya eksemplar yang dapat dipinjam.")
        )
    if available_items().filter(record=record).exists():
        raise _refuse(
            Refusal.RESERVATION_COPY_AVAILABLE,
            _("Ada eksemplar judul ini di rak: pinjamkan langsung, tidak perlu dipesan."),
        )
    if active.count() >= rule.reservation_limit:
        raise _refuse(
            Refusal.RESERVATION_LIMIT,
            _("%(name)s sudah memesan %(count)s judul; batasnya %(limit)s.")
            % {"name": member.name, "count": active.count(), "limit": rule.reservation_limit},
        )
    try:
        with transaction.atomic():
            reservation = Reservation.objects.create(record=record, member=member)
    except IntegrityError:
        raise _refuse(
            Refusal.RESERVATION_EXISTS, _("%(name)s sudah memesan judul ini.") % {"name": member.name}
        ) from None
    record_change(
        obj=reservation,
        action="place",
        actor=actor,
        after=snapshot(reservation, RESERVATION_AUDIT_FIELDS),
        summary=_("Dipesan: %(title)s") % {"title": record.title[:200]},
    )
    return reservation


def _close_reservation(*, reservation: Reservation, status: str, actor, today: date, summary: str) -> None:
    now = timezone.now()
    before = snapshot(reservation, RESERVATION_AUDIT_FIELDS)
    item = reservation.item if reservation.status == Reservation.Status.READY else None
    reservation.status = status
    reservation.closed_at = now
    reservation.save(update_fields=["status", "closed_at"])
    record_change(
        obj=reservation,
        action=status,
        actor=actor,
        before=before,
        after=snapshot(reservation, RESERVATION_AUDIT_FIELDS),
        summary=summary,
    )
    if item is not None:
        locked = Item.objects.select_for_update(no_key=True, of=("self",)).get(pk=item.pk)
        _set_aside_for_next(item=locked, actor=actor, today=today, now=now)


@transaction.atomic
def cancel_reservation(*, reservation: Reservation, actor=None, today: date | None = None) -> Reservation:
    """Cancel an active reservation; a copy set aside for it passes on to the next in the queue."""
    today = today or calendar.today()
    try:
        reservation = (
            Reservation.objects.select_for_update(of=("self",)).select_related("item").get(pk=reservation.pk)
        )
    except Reservation.DoesNotExist:
        raise _refuse(Refusal.RESERVATION_CLOSED, _("Reservasi ini tidak ada di perpustakaan ini.")) from None
    if reservation.status not in Reservation.ACTIVE:
        raise _refuse(Refusal.RESERVATION_CLOSED, _("Reservasi ini sudah selesai."))
    _close_reservation(
        reservation=reservation,
        status=Reservation.Status.CANCELLED,
        actor=actor,
        today=today,
        summary=_("Reservasi dibatalkan"),
    )
    return reservation


@transaction.atomic
def expire_reservations(*, actor=None, today: date | None = None) -> int:
    """Expire the set-aside reservations whose pickup deadline has passed; each copy passes on to the next
    in its queue. Returns how many expired. (Issue 17 runs this on a schedule; the desk has a button.)"""
    today = today or calendar.today()
    overdue = list(
        Reservation.objects.select_for_update(of=("self",))
        .select_related("item")
        .filter(status=Reservation.Status.READY, pickup_deadline__lt=today)
        .order_by("pickup_deadline", "id")
    )
    for reservation in overdue:
        _close_reservation(
            reservation=reservation,
            status=Reservation.Status.EXPIRED,
            actor=actor,
            today=today,
            summary=_("Tidak diambil sampai %(date)s") % {"date": long_date(reservation.pickup_deadline)},
        )
    return len(overdue)


# --- fines (a ledger) ------------------------------------------------------------------------------------


def _locked_fine(fine: Fine) -> Fine:
    try:
        return Fine.objects.select_for_update(of=("self",)).select_related("member").get(pk=fine.pk)
    except Fine.DoesNotExist:
        raise _refuse(Refusal.FINE_SETTLED, _("Denda ini tidak ada di perpustakaan ini.")) from None


def _amount(value, outstanding: Decimal) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        amount = Decimal("-1")
    if not amount.is_finite() or amount <= 0 or amount > outstanding:
        raise _refuse(
            Refusal.FINE_AMOUNT,
            _("Jumlah harus lebih dari Rp0 dan paling banyak sisa denda %(outstanding)s.")
            % {"outstanding": rupiah(outstanding)},
        )
    return amount


def _settle(*, fine: Fine, kind: str, amount, reason: str, actor, settled_status: str) -> FineTransaction:
    if fine.status not in Fine.OUTSTANDING:
        raise _refuse(
            Refusal.FINE_SETTLED,
            _("Denda ini sudah %(status)s.") % {"status": fine.get_status_display().lower()},
        )
    outstanding = fine.outstanding_amount()
    amount = _amount(outstanding if amount is None else amount, outstanding)
    before = snapshot(fine, FINE_AUDIT_FIELDS)
    authenticated = bool(actor is not None and getattr(actor, "is_authenticated", False))
    entry = FineTransaction.objects.create(
        fine=fine,
        kind=kind,
        amount=amount,
        reason=reason[:300],
        actor_id=actor.pk if authenticated else None,
        actor_name=(actor.get_username() if authenticated else "sistem")[:150],
    )
    fine.status = settled_status if amount == outstanding else Fine.Status.PARTLY_PAID
    fine.save(update_fields=["status"])
    record_change(
        obj=fine,
        action=kind,
        actor=actor,
        before=before,
        after=snapshot(fine, FINE_AUDIT_FIELDS),
        summary=f"{entry.get_kind_display()} {rupiah(amount)}" + (f": {reason}" if reason else ""),
    )
    return entry


@transaction.atomic
def pay_fine(*, fine: Fine, amount: Decimal | None = None, actor=None) -> FineTransaction:
    """Record a payment (the whole outstanding amount, or part of it)."""
    fine = _locked_fine(fine)
    return _settle(
        fine=fine,
        kind=FineTransaction.Kind.PAYMENT,
        amount=amount,
        reason="",
        actor=actor,
        settled_status=Fine.Status.PAID,
    )


@transaction.atomic
def waive_fine(*, fine: Fine, reason: str, amount: Decimal | None = None, actor=None) -> FineTransaction:
    """Waive what is outstanding (or part of it), with the reason written down."""
    reason = (reason or "").strip()
    if not reason:
        raise _refuse(Refusal.WAIVER_REASON, _("Tulis alasan pembebasan denda."))
    fine = _locked_fine(fine)
    return _settle(
        fine=fine,
        kind=FineTransaction.Kind.WAIVER,
        amount=amount,
        reason=reason,
        actor=actor,
        settled_status=Fine.Status.WAIVED,
    )
