"""Monev pages. Thin: check the permission module, call a selector or a service, render.

On a library's host (``/monev/`` of ``<code>.<base domain>``): the library's assessments, the
self-assessment form, evidence. On the public portal (``/monev/`` of the base domain): the supervisors'
dashboard, review, report cards and exports. Anonymous users are sent to the login page; signed-in users
without the right get 403; an assessment of another library on a library's host is 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from monev import evidence as evidence_files
from monev import exports, selectors, services
from monev.exceptions import MonevError
from monev.filters import filters_from, int_or
from monev.models import Assessment, Instrument, Status
from portal.accounts.permissions import (
    can_manage_library,
    can_supervise,
    can_view_library_internals,
    current_library,
    require,
)
from tenants.models import Library, UnitKind

RANKING_PAGE_SIZE = 50
TREND_UNITS = 5


# --- helpers --------------------------------------------------------------------------------------------


def _library_or_404(request: HttpRequest) -> Library:
    library = current_library(request)
    if library is None:
        raise Http404
    return library


def _own_assessment(request: HttpRequest, pk: int) -> Assessment:
    """An assessment of the library whose host this is (404 otherwise), visible to the user (403)."""
    library = _library_or_404(request)
    require(can_view_library_internals(request.user, library))
    return get_object_or_404(
        Assessment.objects.select_related("instrument", "library"), pk=pk, library=library
    )


def _managed_assessment(request: HttpRequest, pk: int) -> Assessment:
    """``_own_assessment`` that the user also manages (a librarian of the library; 403 otherwise)."""
    assessment = _own_assessment(request, pk)
    require(can_manage_library(request.user, assessment.library))
    return assessment


def _indicator_url(pk: int, code: str) -> str:
    """The assessment form scrolled to one indicator."""
    return reverse("monev:assessment", args=[pk]) + f"#ind-{code}"


def _fail(request: HttpRequest, error: MonevError, to: str) -> HttpResponse:
    messages.error(request, str(error))
    return redirect(to)


# --- a library's own site -------------------------------------------------------------------------------


@login_required
def library_assessments(request: HttpRequest) -> HttpResponse:
    library = _library_or_404(request)
    require(can_view_library_internals(request.user, library))
    can_edit = can_manage_library(request.user, library)
    assessments = list(selectors.assessments_of_library(library))
    instruments = Instrument.objects.filter(library_type=services.library_type_for(library)).order_by("-year")
    latest_year = max((assessment.year for assessment in assessments), default=2024)
    context = {
        "library": library,
        "assessments": assessments,
        "can_edit": can_edit,
        "instruments": instruments,
        "next_year": latest_year + 1,
        "suggested": services.suggested_instrument(library=library, year=latest_year + 1),
    }
    return render(request, "monev/library_assessments.html", context)


@login_required
@require_POST
def start_assessment(request: HttpRequest) -> HttpResponse:
    library = _library_or_404(request)
    require(can_manage_library(request.user, library))
    year = int_or(request.POST.get("tahun"))
    instrument = Instrument.objects.filter(code=request.POST.get("instrumen", "")).first()
    if year is None or not 2000 <= year <= 2100:
        messages.error(request, _("Tahun penilaian tidak sah."))
        return redirect("monev:library-assessments")
    try:
        assessment = services.start_assessment(
            library=library, year=year, instrument=instrument, by=request.user
        )
    except MonevError as error:
        return _fail(request, error, reverse("monev:library-assessments"))
    return redirect("monev:assessment", pk=assessment.pk)


@login_required
def assessment_form(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _own_assessment(request, pk)
    can_edit = can_manage_library(request.user, assessment.library) and assessment.is_editable
    view = selectors.assessment_view(assessment)
    context = {
        "assessment": assessment,
        "view": view,
        "can_edit": can_edit,
        "can_submit": can_edit and view.score.is_complete,
        "accept": evidence_files.ACCEPT_ATTRIBUTE,
        "max_mb": settings.MONEV_EVIDENCE_MAX_BYTES // (1024 * 1024),
        "autosave_url": reverse("monev:api-answer", args=[assessment.pk]),
        "evidence_url_name": "monev:evidence-file",
    }
    return render(request, "monev/assessment_form.html", context)


@login_required
@require_POST
def save_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The form without JavaScript: one indicator's option and note."""
    assessment = _managed_assessment(request, pk)
    code = request.POST.get("indikator", "")
    target = _indicator_url(pk, code)
    try:
        services.save_answer(
            assessment=assessment,
            indicator_code=code,
            option=request.POST.get("opsi", ""),
            note=request.POST.get("catatan", ""),
            by=request.user,
        )
    except MonevError as error:
        return _fail(request, error, target)
    messages.success(request, _("Jawaban indikator %(code)s tersimpan.") % {"code": code})
    return redirect(target)


@login_required
@require_POST
def attach_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _managed_assessment(request, pk)
    code = request.POST.get("indikator", "")
    target = _indicator_url(pk, code)
    try:
        services.attach_evidence(
            assessment=assessment,
            indicator_code=code,
            file=request.FILES.get("berkas"),
            link=request.POST.get("tautan", ""),
            by=request.user,
        )
    except MonevError as error:
        return _fail(request, error, target)
    messages.success(request, _("Bukti untuk indikator %(code)s tersimpan.") % {"code": code})
    return redirect(target)


@login_required
@require_POST
def remove_evidence(request: HttpRequest, pk: int, public_id) -> HttpResponse:
    assessment = _managed_assessment(request, pk)
    evidence = selectors.evidence_by_public_id(public_id)
    if evidence is None or evidence.answer.assessment_id != assessment.pk:
        raise Http404
    target = _indicator_url(pk, evidence.answer.indicator_code)
    try:
        services.remove_evidence(evidence=evidence, by=request.user)
    except MonevError as error:
        return _fail(request, error, target)
    return redirect(target)


@login_required
@require_POST
def submit_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _managed_assessment(request, pk)
    target = reverse("monev:assessment", args=[pk])
    try:
        if assessment.status == Status.RETURNED:
            services.resubmit_assessment(assessment=assessment, by=request.user)
            messages.success(request, _("Penilaian diajukan ulang ke pembina."))
        else:
            services.submit_assessment(assessment=assessment, by=request.user)
            messages.success(request, _("Penilaian diajukan ke pembina."))
    except MonevError as error:
        return _fail(request, error, target)
    return redirect(target)


@login_required
def evidence_file(request: HttpRequest, public_id) -> FileResponse:
    """The only way to read an evidence file: the library's staff and supervisors, on any host."""
    evidence = selectors.evidence_by_public_id(public_id)
    if evidence is None or not evidence.stored_name:
        raise Http404
    require(can_view_library_internals(request.user, evidence.library))
    file_type = evidence_files.file_type_for(evidence.content_type)
    try:
        handle = evidence_files.open_file(evidence.stored_name)
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=evidence.content_type,
        as_attachment=not (file_type and file_type.inline),
        filename=evidence.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def assessment_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """One assessment as a workbook: on the library's host for its staff, on the portal for supervisors."""
    assessment = get_object_or_404(Assessment.objects.select_related("instrument", "library"), pk=pk)
    library = current_library(request)
    if library is not None and assessment.library_id != library.pk:
        raise Http404
    require(can_view_library_internals(request.user, assessment.library))
    content = exports.assessment_xlsx(selectors.assessment_view(assessment))
    name = f"penilaian-{assessment.library.code}-{assessment.year}.xlsx"
    return exports.download(content, name, exports.XLSX_TYPE)


# --- the public portal: supervisors ---------------------------------------------------------------------


def _require_supervisor(request: HttpRequest) -> None:
    require(can_supervise(request.user))


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_supervisor(request)
    years = selectors.years_with_scores()
    filters = filters_from(request, years)
    page_number = max(1, int_or(request.GET.get("halaman"), 1))
    ranking = selectors.libraries_ranked_by_score(
        filters, limit=RANKING_PAGE_SIZE, offset=(page_number - 1) * RANKING_PAGE_SIZE
    )
    page_count = max(1, -(-ranking.count // RANKING_PAGE_SIZE))
    library_ids = [row.library_id for row in ranking.rows]
    breakdown = selectors.component_breakdown(filters, library_ids=library_ids)
    trend_ids = library_ids[:TREND_UNITS]
    trend = selectors.score_trend(library_ids=trend_ids, filters=filters)
    radar_code = request.GET.get("unit", "")
    radar_library = Library.objects.filter(code=radar_code).first() if radar_code else None
    if radar_library is None:
        first = next((row for row in ranking.rows if row.assessment_id), None)
        radar_library = Library.objects.filter(pk=first.library_id).first() if first else None
    radar = (
        selectors.unit_against_average(library=radar_library, filters=filters, breakdown=breakdown)
        if radar_library
        else None
    )
    distribution = selectors.grade_distribution(filters)
    chart_data = {
        "distribution": {
            "labels": [grade for grade, _count in distribution],
            "counts": [c for _g, c in distribution],
        },
        "components": {
            "labels": [column.name for column in breakdown.components],
            "average": [
                None if column.average_percent is None else round(float(column.average_percent), 2)
                for column in breakdown.components
            ],
        },
        "trend": {
            "years": trend["years"],
            "series": [
                {"label": series["name"], "data": [None if t is None else float(t) for t in series["totals"]]}
                for series in trend["series"]
            ],
            "average": [
                None if trend["average"].get(year) is None else round(float(trend["average"][year]), 2)
                for year in trend["years"]
            ],
        },
        "radar": radar,
        "labels": {
            "average": _("Rata-rata"),
            "units": _("Jumlah unit"),
            "percent": _("% dari bobot"),
        },
    }
    context = {
        "filters": filters,
        "query": filters.as_query(),
        "query_string": urlencode(filters.as_query()),
        "years": years,
        "kinds": UnitKind.choices,
        "provinces": selectors.provinces_with_libraries(),
        "instruments": Instrument.objects.order_by("library_type", "-year"),
        "ranking": ranking,
        "page_number": page_number,
        "page_count": page_count,
        "breakdown": breakdown,
        "distribution": distribution,
        "closest": selectors.closest_to_next_grade(filters),
        "radar_library": radar_library,
        "trend": trend,
        "awaiting": selectors.assessments_awaiting_review().count(),
        "chart_data": chart_data,
    }
    return render(request, "monev/dashboard.html", context)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    _require_supervisor(request)
    context = {
        "awaiting": selectors.assessments_awaiting_review(),
        "recent": selectors.recent_assessments(),
    }
    return render(request, "monev/review_queue.html", context)


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervisor(request)
    assessment = get_object_or_404(Assessment.objects.select_related("instrument", "library"), pk=pk)
    context = {
        "assessment": assessment,
        "view": selectors.assessment_view(assessment),
        "audit": selectors.audit_trail(assessment),
        "can_review": assessment.status == Status.SUBMITTED,
    }
    return render(request, "monev/review.html", context)


@login_required
@require_POST
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervisor(request)
    assessment = get_object_or_404(Assessment, pk=pk)
    try:
        services.verify_assessment(assessment=assessment, by=request.user)
    except MonevError as error:
        return _fail(request, error, reverse("monev:review", args=[pk]))
    messages.success(request, _("Penilaian diverifikasi."))
    return redirect("monev:review", pk=pk)


@login_required
@require_POST
def return_for_changes(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervisor(request)
    assessment = get_object_or_404(Assessment, pk=pk)
    prefix = "komentar-"
    comments = {key[len(prefix) :]: value for key, value in request.POST.items() if key.startswith(prefix)}
    try:
        services.return_assessment(assessment=assessment, by=request.user, comments=comments)
    except MonevError as error:
        return _fail(request, error, reverse("monev:review", args=[pk]))
    messages.success(request, _("Penilaian dikembalikan ke pustakawan dengan komentar."))
    return redirect("monev:review", pk=pk)


def _card_library(request: HttpRequest, code: str) -> Library:
    library = get_object_or_404(Library, code=code)
    require(can_view_library_internals(request.user, library))
    return library


@login_required
def report_card(request: HttpRequest, code: str) -> HttpResponse:
    library = _card_library(request, code)
    card = selectors.report_card(library)
    chart_data = {
        "history": {
            "years": [entry["year"] for entry in card.history],
            "totals": [float(entry["total"]) for entry in card.history],
        },
        "radar": card.radar,
        "labels": {"average": _("Rata-rata"), "score": _("Nilai"), "percent": _("% dari bobot")},
    }
    return render(request, "monev/report_card.html", {"card": card, "chart_data": chart_data})


@login_required
def report_card_pdf(request: HttpRequest, code: str) -> HttpResponse:
    library = _card_library(request, code)
    content = exports.report_card_pdf(selectors.report_card(library))
    return exports.download(content, f"rapor-monev-{library.code}.pdf", exports.PDF_TYPE)


@login_required
def ranking_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _require_supervisor(request)
    filters = filters_from(request)
    ranking = selectors.libraries_ranked_by_score(filters)
    name = f"peringkat-monev-{filters.year}"
    if fmt == "xlsx":
        return exports.download(
            exports.ranking_xlsx(ranking.rows, filters), f"{name}.xlsx", exports.XLSX_TYPE
        )
    if fmt == "csv":
        return exports.download(exports.ranking_csv(ranking.rows), f"{name}.csv", exports.CSV_TYPE)
    if fmt == "pdf":
        return exports.download(exports.ranking_pdf(ranking.rows, filters), f"{name}.pdf", exports.PDF_TYPE)
    raise Http404
