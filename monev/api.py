"""Monev API (DRF): dashboards for supervisors, an assessment's detail, and the form's autosave.

Thin: parse → selector/service → plain data. Permissions come from portal.accounts.permissions.
Service refusals map to 400 (bad input) or 409 (the assessment is not editable in its status).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from monev import selectors, services
from monev.exceptions import AssessmentLocked, MonevError
from monev.filters import filters_from
from monev.formatting import grade_text, plan_summary, score_text, todo_text
from monev.models import Assessment
from portal.accounts.permissions import (
    CanManageObjectLibrary,
    CanViewObjectLibraryInternals,
    IsSupervisor,
    current_library,
)
from tenants.models import Library


def _page_params(request) -> tuple[int | None, int]:
    try:
        limit = int(request.query_params["limit"]) if "limit" in request.query_params else None
        offset = int(request.query_params.get("offset", 0))
    except ValueError:
        raise serializers.ValidationError({"limit": "limit dan offset harus bilangan bulat."}) from None
    if limit is not None:
        limit = max(1, min(limit, 1000))
    return limit, max(0, offset)


class RankingApi(APIView):
    """Units ranked by score for a year: ``?tahun=&jenis=&provinsi=&instrumen=&limit=&offset=``."""

    permission_classes = [IsSupervisor]

    def get(self, request):
        filters = filters_from(request)
        limit, offset = _page_params(request)
        ranking = selectors.libraries_ranked_by_score(filters, limit=limit, offset=offset)
        return Response(
            {
                "filters": filters.as_query(),
                "count": ranking.count,
                "results": [row.as_dict() for row in ranking.rows],
            }
        )


class BreakdownApi(APIView):
    """Per-component averages and each unit's component values for a year and instrument."""

    permission_classes = [IsSupervisor]

    def get(self, request):
        filters = filters_from(request)
        limit, offset = _page_params(request)
        breakdown = selectors.component_breakdown(filters, limit=limit, offset=offset)
        return Response({"filters": filters.as_query(), **breakdown.as_dict()})


class TrendApi(APIView):
    """Scores per year of the units named by ``?unit=code`` (repeatable), and the average per year."""

    permission_classes = [IsSupervisor]

    def get(self, request):
        codes = request.query_params.getlist("unit")[:20]
        library_ids = list(Library.objects.filter(code__in=codes).values_list("pk", flat=True))
        trend = selectors.score_trend(library_ids=library_ids, filters=filters_from(request))
        return Response(
            {
                "years": trend["years"],
                "series": [
                    {
                        **series,
                        "totals": [None if total is None else str(total) for total in series["totals"]],
                    }
                    for series in trend["series"]
                ],
                "average": {str(year): str(round(total, 4)) for year, total in trend["average"].items()},
            }
        )


def assessment_payload(assessment: Assessment, *, with_answers: bool = True) -> dict:
    """What the form shows live: total, grade, progress, component values, the to-do list."""
    answers = selectors.answers_of(assessment)
    score = selectors.score_of(assessment, answers)
    plan = selectors.plan_for(assessment, answers)
    payload = {
        "id": assessment.pk,
        "library": assessment.library.code,
        "year": assessment.year,
        "instrument": assessment.instrument.code,
        "status": assessment.status,
        "status_label": assessment.get_status_display(),
        "total": str(score.total),
        "total_text": score_text(score.total_exact),
        "grade": score.grade.code,
        "grade_label": grade_text(score.grade.code),
        "answered": score.answered_count,
        "indicator_count": score.indicator_count,
        "progress_text": _("%(answered)s dari %(total)s indikator terjawab")
        % {"answered": score.answered_count, "total": score.indicator_count},
        "components": [
            {
                "code": component.code,
                "name": component.name,
                "value": str(component.value),
                "value_text": score_text(component.value_exact),
                "answered": component.answered_count,
                "indicators": component.indicator_count,
            }
            for component in score.components
        ],
        "plan": {
            "summary": plan_summary(plan),
            "target_grade": plan.target_grade.code if plan.target_grade else None,
            "steps": plan.steps,
            "todo": [
                {
                    "indicator": improvement.indicator_code,
                    "from": improvement.from_option,
                    "to": improvement.to_option,
                    "points": str(improvement.points_gained),
                    "text": todo_text(improvement),
                }
                for improvement in plan.improvements
            ],
        },
    }
    if with_answers:
        payload["answers"] = answers
    return payload


def _assessment_for(request, pk: int) -> Assessment:
    """On a library's host only that library's assessments exist (404 for another library's)."""
    queryset = Assessment.objects.select_related("instrument", "library")
    library = current_library(request)
    if library is not None:
        queryset = queryset.filter(library=library)
    return get_object_or_404(queryset, pk=pk)


class AssessmentDetailApi(APIView):
    permission_classes = [IsAuthenticated, CanViewObjectLibraryInternals]

    def get(self, request, pk: int):
        assessment = _assessment_for(request, pk)
        self.check_object_permissions(request, assessment)
        return Response(assessment_payload(assessment))


class AnswerInput(serializers.Serializer):
    indikator = serializers.CharField(max_length=16)
    opsi = serializers.CharField(max_length=1, required=False, allow_blank=True)
    catatan = serializers.CharField(max_length=services.NOTE_MAX_LENGTH, required=False, allow_blank=True)


class AnswerAutosaveApi(APIView):
    """POST ``{"indikator": "4.1", "opsi": "b", "catatan": "…"}`` (either or both of opsi/catatan)."""

    permission_classes = [IsAuthenticated, CanManageObjectLibrary]

    def post(self, request, pk: int):
        assessment = _assessment_for(request, pk)
        self.check_object_permissions(request, assessment)
        data = AnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = {}
        if "opsi" in data.validated_data:
            changes["option"] = data.validated_data["opsi"]
        if "catatan" in data.validated_data:
            changes["note"] = data.validated_data["catatan"]
        try:
            answer = services.save_answer(
                assessment=assessment,
                indicator_code=data.validated_data["indikator"],
                by=request.user,
                **changes,
            )
        except AssessmentLocked as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        except MonevError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(assessment_payload(answer.assessment, with_answers=False))
