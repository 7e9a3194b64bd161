"""Pages of "Pindah dari SLiMS" on a library's host: the guided start, the progress page, its JSON."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from catalog.cataloguing import move_over
from catalog.cataloguing.access import staff_view
from catalog.cataloguing.forms import MoveOverForm
from catalog.models import MoveOver, Record


@require_http_methods(["GET", "POST"])
@staff_view("manage")
def move_over_start(request: HttpRequest) -> HttpResponse:
    library = request.library
    form = (
        MoveOverForm(request.POST, request.FILES, label_suffix="")
        if request.method == "POST"
        else MoveOverForm(label_suffix="")
    )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            started = move_over.start_move_over(
                library=library,
                actor=request.user,
                uploaded_file=form.cleaned_data.get("export_file"),
                accept_problems=form.cleaned_data["accept_problems"],
            )
        except move_over.MoveOverRefused as refused:
            error = str(refused)
        else:
            return redirect("cataloguing:move-over-progress", move_over_id=started.pk)
    context = {
        "library": library,
        "staff_section": "katalog",
        "form": form,
        "error": error,
        "sources": move_over.oai_sources(library),
        "record_count": Record.objects.count(),
        "active": MoveOver.objects.filter(status__in=MoveOver.ACTIVE).first(),
        "history": MoveOver.objects.all()[:5],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "catalog/cataloguing/move_over.html", context, status=status)


def _move_over_or_404(move_over_id: int) -> MoveOver:
    found = MoveOver.objects.filter(pk=move_over_id).first()
    if found is None:
        raise Http404(_("Pemindahan ini tidak ada di perpustakaan ini."))
    return found


@require_GET
@staff_view("manage")
def move_over_page(request: HttpRequest, move_over_id: int) -> HttpResponse:
    found = _move_over_or_404(move_over_id)
    context = {
        "library": request.library,
        "staff_section": "katalog",
        "move_over": found,
        "progress": move_over.progress_of(found),
    }
    return render(request, "catalog/cataloguing/move_over_progress.html", context)


@require_GET
@staff_view("manage", json=True)
def move_over_status(request: HttpRequest, move_over_id: int) -> JsonResponse:
    return JsonResponse(move_over.progress_of(_move_over_or_404(move_over_id)))
