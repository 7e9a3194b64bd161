"""The operator's harvest page (public site, operators only): every source with its last run, live
progress, problems with record identifiers, "harvest now" / "reconcile now", and registering a source.
Thin: selectors read, services act."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from harvest import selectors
from harvest.forms import RegisterSourceForm
from harvest.models import HarvestRun, HarvestSource
from harvest.services import HarvestError, enqueue_harvest, enqueue_reconcile, register_source, source_is_busy
from portal.accounts.permissions import OperatorRequiredMixin


class HarvestDashboardView(OperatorRequiredMixin, View):
    template_name = "harvest/dashboard.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(request, RegisterSourceForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = RegisterSourceForm(request.POST)
        if form.is_valid():
            try:
                source = register_source(**form.cleaned_data)
            except HarvestError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Sumber %(source)s terdaftar (%(flavour)s).")
                    % {"source": source, "flavour": source.get_flavour_display()},
                )
                return redirect("harvest:dashboard")
        return self.render(request, form, status=400)

    def render(self, request: HttpRequest, form: RegisterSourceForm, status: int = 200) -> HttpResponse:
        overviews = selectors.source_overviews()
        context = {
            "overviews": overviews,
            "form": form,
            "any_active": any(overview.active for overview in overviews),
        }
        return render(request, self.template_name, context, status=status)


class ProgressView(OperatorRequiredMixin, View):
    def get(self, request: HttpRequest) -> JsonResponse:
        return JsonResponse(selectors.progress_payload())


class _EnqueueView(OperatorRequiredMixin, View):
    def post(self, request: HttpRequest, source_id: int) -> HttpResponse:
        source = get_object_or_404(HarvestSource.objects.select_related("library"), pk=source_id)
        if source_is_busy(source):
            messages.warning(
                request, _("Sumber %(source)s sedang dipanen; tunggu sampai selesai.") % {"source": source}
            )
            return redirect("harvest:dashboard")
        try:
            run = self.enqueue(source)
        except HarvestError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, self.message % {"source": source, "run": run.pk})
        return redirect("harvest:dashboard")


class HarvestNowView(_EnqueueView):
    message = _("Panen %(source)s masuk antrean (run #%(run)s).")

    def enqueue(self, source: HarvestSource) -> HarvestRun:
        return enqueue_harvest(source=source, mode=HarvestRun.Mode.INCREMENTAL)


class ReconcileNowView(_EnqueueView):
    message = _("Rekonsiliasi %(source)s masuk antrean (run #%(run)s).")

    def enqueue(self, source: HarvestSource) -> HarvestRun:
        return enqueue_reconcile(source=source)


class RunDetailView(OperatorRequiredMixin, View):
    def get(self, request: HttpRequest, run_id: int) -> HttpResponse:
        run = get_object_or_404(HarvestRun.objects.select_related("source__library"), pk=run_id)
        page = Paginator(run.problems.order_by("id"), 100).get_page(request.GET.get("halaman"))
        return render(request, "harvest/run_detail.html", {"run": run, "page": page})
