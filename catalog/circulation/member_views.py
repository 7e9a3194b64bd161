"""Members, member types and closing days: list, search, create, edit, the card PDF and the photo (thin)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from catalog.audit import trail_for
from catalog.circulation import member_services, selectors
from catalog.circulation.access import staff_only
from catalog.circulation.forms import ClosingDayForm, MemberForm, MemberTypeForm, WeeklyClosingForm
from catalog.circulation.pdf import member_card_pdf
from catalog.models import ClosingDay, Member, MemberType


def _context(request: HttpRequest, **extra) -> dict:
    return {"library": request.library, "staff_section": "anggota", **extra}


@require_GET
@staff_only
def member_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.members_matching(query), 25).get_page(request.GET.get("halaman"))
    return render(request, "catalog/circulation/member_list.html", _context(request, page=page, query=query))


def _member_form_page(request: HttpRequest, form: MemberForm, member: Member | None, status: int = 200):
    context = _context(request, form=form, member=member, has_types=MemberType.objects.exists())
    return render(request, "catalog/circulation/member_form.html", context, status=status)


@staff_only
def member_create(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _member_form_page(request, MemberForm(), None)
    form = MemberForm(request.POST, request.FILES)
    if not form.is_valid():
        return _member_form_page(request, form, None, status=400)
    member = member_services.create_member(
        values=form.values(), photo=form.prepared_photo, actor=request.user
    )
    messages.success(request, _("Anggota %(name)s disimpan.") % {"name": member.name})
    return redirect("circulation:member-detail", member_id=member.pk)


@staff_only
def member_edit(request: HttpRequest, member_id: int) -> HttpResponse:
    member = get_object_or_404(Member, pk=member_id)
    if request.method != "POST":
        return _member_form_page(request, MemberForm(instance=member), member)
    form = MemberForm(request.POST, request.FILES, instance=Member.objects.get(pk=member.pk))
    if not form.is_valid():
        return _member_form_page(request, form, member, status=400)
    member_services.update_member(
        member=member,
        values=form.values(),
        photo=form.prepared_photo,
        remove_photo=form.cleaned_data.get("remove_photo", False),
        actor=request.user,
    )
    messages.success(request, _("Data anggota disimpan."))
    return redirect("circulation:member-detail", member_id=member.pk)


@require_GET
@staff_only
def member_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    member = selectors.member_by_id(member_id)
    if member is None:
        raise Http404
    loans = member.loans.select_related("item__record").order_by("-loan_date", "-id")[:50]
    context = _context(
        request, panel=selectors.member_panel(member), member=member, loans=loans, trail=trail_for(member)
    )
    return render(request, "catalog/circulation/member_detail.html", context)


@require_GET
@staff_only
def member_photo(request: HttpRequest, member_id: int) -> FileResponse:
    """The only way to see a member's photo: the library's staff, from private storage."""
    member = get_object_or_404(Member, pk=member_id)
    if not member.photo:
        raise Http404
    try:
        handle = member.photo.storage.open(member.photo.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@staff_only
def member_card(request: HttpRequest, member_id: int) -> HttpResponse:
    member = selectors.member_by_id(member_id)
    if member is None:
        raise Http404
    content = member_card_pdf(member=member, library_name=request.library.name)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kartu-{member.member_code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- member types ----------------------------------------------------------------------------------------


def _types_page(request: HttpRequest, form: MemberTypeForm, editing: MemberType | None, status: int = 200):
    context = _context(request, types=selectors.member_types(), form=form, editing=editing)
    return render(request, "catalog/circulation/member_types.html", context, status=status)


@staff_only
def member_types(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _types_page(request, MemberTypeForm(), None)
    form = MemberTypeForm(request.POST)
    if not form.is_valid():
        return _types_page(request, form, None, status=400)
    member_services.save_member_type(values=form.cleaned_data, actor=request.user)
    messages.success(request, _("Jenis anggota disimpan."))
    return redirect("circulation:member-types")


@staff_only
def member_type_edit(request: HttpRequest, type_id: int) -> HttpResponse:
    member_type = get_object_or_404(MemberType, pk=type_id)
    if request.method != "POST":
        return _types_page(request, MemberTypeForm(instance=member_type), member_type)
    form = MemberTypeForm(request.POST, instance=MemberType.objects.get(pk=member_type.pk))
    if not form.is_valid():
        return _types_page(request, form, member_type, status=400)
    member_services.save_member_type(values=form.cleaned_data, member_type=member_type, actor=request.user)
    messages.success(request, _("Jenis anggota disimpan."))
    return redirect("circulation:member-types")


# --- closing days ----------------------------------------------------------------------------------------


def _closing_page(request: HttpRequest, form=None, weekly=None, status: int = 200):
    year = request.GET.get("tahun", "")
    days = ClosingDay.objects.all()
    if year.isdigit():
        days = days.filter(date__year=int(year))
    context = _context(
        request,
        days=days[:400],
        form=form or ClosingDayForm(),
        weekly_form=weekly or WeeklyClosingForm(),
        years=ClosingDay.objects.dates("date", "year"),
        year=year,
        staff_section="sirkulasi",
    )
    return render(request, "catalog/circulation/closing_days.html", context, status=status)


@staff_only
def closing_days(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _closing_page(request)
    form = ClosingDayForm(request.POST)
    if not form.is_valid():
        return _closing_page(request, form=form, status=400)
    member_services.add_closing_day(
        day=form.cleaned_data["date"], description=form.cleaned_data["description"], actor=request.user
    )
    messages.success(request, _("Hari libur disimpan."))
    return redirect("circulation:closing-days")


@require_POST
@staff_only
def closing_days_weekly(request: HttpRequest) -> HttpResponse:
    form = WeeklyClosingForm(request.POST)
    if not form.is_valid():
        return _closing_page(request, weekly=form, status=400)
    added = member_services.add_weekly_closing_days(
        year=form.cleaned_data["year"], weekdays=form.cleaned_data["weekdays"], actor=request.user
    )
    messages.success(request, _("%(count)s hari libur mingguan ditambahkan.") % {"count": added})
    return redirect("circulation:closing-days")


@require_POST
@staff_only
def closing_day_delete(request: HttpRequest, day_id: int) -> HttpResponse:
    closing_day = get_object_or_404(ClosingDay, pk=day_id)
    member_services.delete_closing_day(closing_day=closing_day, actor=request.user)
    messages.success(request, _("Hari libur dihapus."))
    return redirect("circulation:closing-days")
