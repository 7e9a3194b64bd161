from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from portal.accounts.permissions import can_see_service_details
from portal.health import check_services, presents_health_token
from portal.pages import selectors
from tenants.models import Library, UnitKind


def home(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("jenis", "")
    province = request.GET.get("provinsi", "")
    if kind not in UnitKind.values:
        kind = ""
    context = {
        "libraries": selectors.libraries_for_listing(kind=kind, province=province),
        "totals": selectors.federation_totals(),
        "kinds": UnitKind.choices,
        "provinces": selectors.provinces_with_libraries(),
        "selected_kind": kind,
        "selected_province": province,
    }
    return render(request, "pages/home.html", context)


def library_detail(request: HttpRequest, code: str) -> HttpResponse:
    library = get_object_or_404(Library.objects.active(), code=code)
    return render(request, "pages/library_detail.html", {"library": library})


def healthz(request: HttpRequest) -> JsonResponse:
    """200 or 503 for anyone; which service is down and why only for operators or the health token."""
    states = check_services()
    down = [state.name for state in states if not state.up]
    body = {"status": "ok" if not down else "down"}
    if can_see_service_details(request.user) or presents_health_token(request):
        body["down"] = down
        body["services"] = {
            state.name: {"up": state.up, "detail": state.detail, "elapsed_ms": state.elapsed_ms}
            for state in states
        }
    response = JsonResponse(body, status=200 if not down else 503)
    response["Cache-Control"] = "no-store"
    return response
