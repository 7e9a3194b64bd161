"""The circulation desk and its lists (thin: parse → a service or selector → render or redirect).

The desk works with a barcode scanner, which types a code and Enter: every scan is one POST to ``scan``,
answered by a redirect back to the desk (with the member open, if any) where the scan box has the focus
again. What the scan did is kept in the session for the next page ("last scan") and shown next to the box.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from catalog.audit import trail_for
from catalog.circulation import calendar, selectors, services
from catalog.circulation.access import figures_readers, staff_only
from catalog.circulation.exceptions import CirculationRefused
from catalog.circulation.formatting import long_date, rupiah
from catalog.circulation.forms import PaymentForm, ScanForm, WaiverForm
from catalog.circulation.pdf import OverdueNotice, overdue_letter_pdf
from catalog.circulation.rules import loan_rule_for
from catalog.models import Fine, Loan, Record, Reservation
from portal.accounts.permissions import can_manage_library, can_read_library_catalogue, current_library

LAST_SCAN = "circulation-last-scan"


def _remember(request: HttpRequest, *, ok: bool, text: str, detail: str = "", code: str = "") -> None:
    request.session[LAST_SCAN] = {"ok": ok, "text": text, "detail": detail, "code": code}


def _desk_url(member_id: int | None) -> str:
    if member_id:
        return reverse("circulation:desk-member", args=[member_id])
    return reverse("circulation:desk")


def _context(request: HttpRequest, **extra) -> dict:
    return {"library": request.library, "staff_section": "sirkulasi", **extra}


def desk(request: HttpRequest, member_id: int | None = None) -> HttpResponse:
    library = current_library(request)
    # A supervisor reads the figures, never the desk with its members.
    if (
        request.user.is_authenticated
        and not can_manage_library(request.user, library)
        and can_read_library_catalogue(request.user, library)
    ):
        return redirect("circulation:figures")
    return _desk(request, member_id=member_id)


@require_GET
@staff_only
def _desk(request: HttpRequest, member_id: int | None = None) -> HttpResponse:
    panel = None
    if member_id is not None:
        member = selectors.member_by_id(member_id)
        if member is None:
            raise Http404
        panel = selectors.member_panel(member)
    context = _context(
        request,
        panel=panel,
        last_scan=request.session.pop(LAST_SCAN, None),
        today=calendar.today(),
    )
    return render(request, "catalog/circulation/desk.html", context)


def _check_in_text(result: services.CheckInResult) -> tuple[str, str]:
    item = result.item
    if result.loan is None:
        text = _("%(code)s disisihkan untuk reservasi") % {"code": item.item_code}
    else:
        text = _("Dikembalikan: %(code)s — %(title)s") % {
            "code": item.item_code,
            "title": item.record.title[:120],
        }
    details = []
    if result.loan is not None:
        details.append(_("Peminjam: %(name)s") % {"name": result.loan.member.name})
    if result.fine is not None:
        details.append(
            _("Terlambat %(days)s hari: denda %(amount)s")
            % {"days": result.fine.days_late, "amount": rupiah(result.fine.amount)}
        )
    if result.set_aside_for is not None:
        reservation = result.set_aside_for
        details.append(
            _("Sisihkan untuk %(name)s (%(code)s), batas ambil %(date)s")
            % {
                "name": reservation.member.name,
                "code": reservation.member.member_code,
                "date": long_date(reservation.pickup_deadline),
            }
        )
    return text, " · ".join(details)


@require_POST
@staff_only
def scan(request: HttpRequest) -> HttpResponse:
    form = ScanForm(request.POST)
    form.is_valid()
    code = (form.cleaned_data.get("code") or "").strip()
    member_id = form.cleaned_data.get("member")
    member = selectors.member_by_id(member_id) if member_id else None
    try:
        result = services.scan(code=code, member=member, actor=request.user)
    except CirculationRefused as refusal:
        _remember(request, ok=False, text=refusal.message, code=refusal.code)
        return redirect(_desk_url(member.pk if member else None))
    if result.kind == "member":
        return redirect(_desk_url(result.member.pk))
    if result.kind == "check_out":
        loan = result.loan
        _remember(
            request,
            ok=True,
            text=_("Dipinjam: %(code)s — %(title)s")
            % {"code": loan.item.item_code, "title": loan.item.record.title[:120]},
            detail=_("Jatuh tempo %(date)s") % {"date": long_date(loan.due_date)},
        )
    else:
        text, detail = _check_in_text(result.check_in)
        _remember(request, ok=True, text=text, detail=detail)
    return redirect(_desk_url(member.pk if member else None))


@require_POST
@staff_only
def renew(request: HttpRequest, loan_id: int) -> HttpResponse:
    loan = get_object_or_404(Loan, pk=loan_id)
    try:
        loan = services.renew(loan=loan, actor=request.user)
        _remember(
            request,
            ok=True,
            text=_("Diperpanjang: %(code)s sampai %(date)s")
            % {"code": loan.item.item_code, "date": long_date(loan.due_date)},
        )
    except CirculationRefused as refusal:
        _remember(request, ok=False, text=refusal.message, code=refusal.code)
    return redirect(_desk_url(loan.member_id))


@require_GET
@staff_only
def loan_detail(request: HttpRequest, loan_id: int) -> HttpResponse:
    loan = get_object_or_404(Loan.objects.select_related("member", "item__record"), pk=loan_id)
    context = _context(request, loan=loan, trail=trail_for(loan), fines=loan.fines.all())
    return render(request, "catalog/circulation/loan_detail.html", context)


# --- reservations ----------------------------------------------------------------------------------------


@require_GET
@staff_only
def reservations(request: HttpRequest) -> HttpResponse:
    active = list(selectors.active_reservations())
    ready = [reservation for reservation in active if reservation.status == Reservation.Status.READY]
    waiting = [reservation for reservation in active if reservation.status == Reservation.Status.WAITING]
    positions = {reservation.pk: selectors.queue_position(reservation) for reservation in waiting}
    context = _context(request, ready=ready, waiting=waiting, positions=positions, today=calendar.today())
    return render(request, "catalog/circulation/reservations.html", context)


@staff_only
def reservation_new(request: HttpRequest, member_id: int) -> HttpResponse:
    member = selectors.member_by_id(member_id)
    if member is None:
        raise Http404
    if request.method == "POST":
        record = Record.objects.filter(pk=_int(request.POST.get("record"))).first()
        if record is None:
            _remember(request, ok=False, text=_("Judul itu tidak ada di katalog perpustakaan ini."))
            return redirect(_desk_url(member.pk))
        try:
            services.place_reservation(member=member, record=record, actor=request.user)
            _remember(request, ok=True, text=_("Dipesan: %(title)s") % {"title": record.title[:120]})
        except CirculationRefused as refusal:
            _remember(request, ok=False, text=refusal.message, code=refusal.code)
        return redirect(_desk_url(member.pk))
    query = request.GET.get("q", "").strip()[:200]
    context = _context(request, member=member, query=query, records=selectors.records_for_reservation(query))
    return render(request, "catalog/circulation/reservation_new.html", context)


@require_POST
@staff_only
def reservation_cancel(request: HttpRequest, reservation_id: int) -> HttpResponse:
    reservation = get_object_or_404(Reservation, pk=reservation_id)
    try:
        services.cancel_reservation(reservation=reservation, actor=request.user)
        messages.success(request, _("Reservasi dibatalkan."))
    except CirculationRefused as refusal:
        messages.error(request, refusal.message)
    target = request.POST.get("next", "")
    if target == "desk":
        return redirect(_desk_url(reservation.member_id))
    return redirect("circulation:reservations")


@require_POST
@staff_only
def reservations_expire(request: HttpRequest) -> HttpResponse:
    count = services.expire_reservations(actor=request.user)
    messages.success(request, _("%(count)s reservasi lewat batas ambil ditutup.") % {"count": count})
    return redirect("circulation:reservations")


# --- overdue loans and the letter ------------------------------------------------------------------------


@require_GET
@staff_only
def overdue(request: HttpRequest) -> HttpResponse:
    today = calendar.today()
    rows = []
    for loan in selectors.overdue_loans(today=today)[:500]:
        days = calendar.open_days_late(due_date=loan.due_date, returned_on=today)
        rows.append((loan, days, loan_rule_for(loan.member, loan.item).fine_per_day * days))
    return render(request, "catalog/circulation/overdue.html", _context(request, rows=rows, today=today))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_GET
@staff_only
def overdue_letter(request: HttpRequest) -> HttpResponse:
    today = calendar.today()
    wanted = {number for value in request.GET.getlist("anggota") if (number := _int(value)) is not None}
    loans = selectors.overdue_loans(today=today)
    if wanted:
        loans = loans.filter(member_id__in=wanted)
    by_member: dict[int, list[Loan]] = {}
    for loan in loans[:2000]:
        by_member.setdefault(loan.member_id, []).append(loan)
    notices = [
        OverdueNotice(
            member=member_loans[0].member,
            loans=member_loans,
            days_late={
                loan.pk: calendar.open_days_late(due_date=loan.due_date, returned_on=today)
                for loan in member_loans
            },
            fine_per_day=loan_rule_for(member_loans[0].member).fine_per_day,
        )
        for member_loans in sorted(by_member.values(), key=lambda group: group[0].member.name)
    ]
    if wanted and not notices:
        raise Http404
    content = overdue_letter_pdf(notices=notices, library_name=request.library.name, today=today)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="surat-keterlambatan-{today:%Y%m%d}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- fines -----------------------------------------------------------------------------------------------


@require_GET
@staff_only
def fines(request: HttpRequest) -> HttpResponse:
    outstanding = (
        selectors.fines_with_outstanding()
        .filter(status__in=Fine.OUTSTANDING)
        .select_related("member", "loan__item__record")
        .order_by("accrued_on", "id")
    )
    query = request.GET.get("q", "").strip()[:100]
    if query:
        outstanding = outstanding.filter(
            Q(member__name__icontains=query) | Q(member__member_code__iexact=query)
        )
    context = _context(request, fines=outstanding[:500], query=query)
    return render(request, "catalog/circulation/fines.html", context)


def _fine_page(
    request: HttpRequest, fine: Fine, *, payment=None, waiver=None, status: int = 200
) -> HttpResponse:
    fine = selectors.fines_with_outstanding().select_related("member", "loan__item__record").get(pk=fine.pk)
    context = _context(
        request,
        fine=fine,
        entries=fine.transactions.all(),
        trail=trail_for(fine),
        payment_form=payment or PaymentForm(initial={"amount": fine.outstanding.quantize(Decimal("1"))}),
        waiver_form=waiver or WaiverForm(),
    )
    return render(request, "catalog/circulation/fine_detail.html", context, status=status)


@require_GET
@staff_only
def fine_detail(request: HttpRequest, fine_id: int) -> HttpResponse:
    return _fine_page(request, get_object_or_404(Fine, pk=fine_id))


@require_POST
@staff_only
def fine_pay(request: HttpRequest, fine_id: int) -> HttpResponse:
    fine = get_object_or_404(Fine, pk=fine_id)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        return _fine_page(request, fine, payment=form, status=400)
    try:
        services.pay_fine(fine=fine, amount=form.cleaned_data["amount"], actor=request.user)
    except CirculationRefused as refusal:
        form.add_error("amount", refusal.message)
        return _fine_page(request, fine, payment=form, status=400)
    messages.success(
        request, _("Pembayaran %(amount)s dicatat.") % {"amount": rupiah(form.cleaned_data["amount"])}
    )
    return redirect("circulation:fine-detail", fine_id=fine.pk)


@require_POST
@staff_only
def fine_waive(request: HttpRequest, fine_id: int) -> HttpResponse:
    fine = get_object_or_404(Fine, pk=fine_id)
    form = WaiverForm(request.POST)
    if not form.is_valid():
        return _fine_page(request, fine, waiver=form, status=400)
    try:
        services.waive_fine(
            fine=fine,
            reason=form.cleaned_data["reason"],
            amount=form.cleaned_data["amount"],
            actor=request.user,
        )
    except CirculationRefused as refusal:
        form.add_error(None, refusal.message)
        return _fine_page(request, fine, waiver=form, status=400)
    messages.success(request, _("Denda dibebaskan."))
    return redirect("circulation:fine-detail", fine_id=fine.pk)


# --- figures (supervisors too) ---------------------------------------------------------------------------


@require_GET
@figures_readers
def figures(request: HttpRequest) -> HttpResponse:
    figures = selectors.circulation_figures()
    peak = max((count for _, count in figures.loans_per_month), default=0)
    context = _context(
        request,
        figures=figures,
        peak=peak,
        can_manage=can_manage_library(request.user, request.library),
        today=date.today(),
    )
    return render(request, "catalog/circulation/figures.html", context)
