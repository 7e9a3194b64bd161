from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from portal.health import check_services
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
    states = check_services()
    down = [state.name for state in states if not state.up]
    body = {
        "status": "ok" if not down else "down",
        "down": down,
        "services": {
            state.name: {"up": state.up, "detail": state.detail, "elapsed_ms": state.elapsed_ms}
            for state in states
        },
    }
    return JsonResponse(body, status=200 if not down else 503)
