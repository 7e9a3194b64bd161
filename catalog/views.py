from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.generic import TemplateView

from catalog import selectors
from portal.accounts.permissions import LibraryStaffRequiredMixin, current_library


def library_home(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    records = selectors.records_matching(query) if query else selectors.public_records()
    page = Paginator(records, 20).get_page(request.GET.get("page"))
    context = {"library": current_library(request), "page": page, "query": query}
    return render(request, "catalog/library_home.html", context)


def record_detail(request: HttpRequest, record_id: int) -> HttpResponse:
    record = get_object_or_404(selectors.public_records(), pk=record_id)
    library = current_library(request)
    available, total = selectors.availability_for(record)
    context = {
        "library": library,
        "record": record,
        "items": record.items.all(),
        "available": available,
        "total": total,
        "availability_known": library is not None and selectors.availability_is_known(library),
    }
    return render(request, "catalog/record_detail.html", context)


class StaffDashboardView(LibraryStaffRequiredMixin, TemplateView):
    template_name = "catalog/staff_dashboard.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "library": current_library(self.request),
            "counts": selectors.collection_counts(),
            "staff_section": "ringkasan",
        }
