"""Import, export and labels on a library's site (``/kelola/impor-ekspor/``). Thin: forms validate,
services act, selectors read. Reading (export, import reports) is for the library's staff and supervisors;
importing only for the staff of a library managed in Simpul; labels for its staff."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django_tenants.utils import schema_context

from catalog.labels import barcode_sheet, spine_sheet
from catalog.models import ImportJob
from catalog.transfer import selectors
from catalog.transfer.export import EXPORT_FORMATS, export_chunks
from catalog.transfer.forms import ImportUploadForm, LabelForm
from catalog.transfer.services import (
    ImportRefused,
    create_import_job,
    discard_import,
    max_upload_bytes,
    start_import,
)
from portal.accounts.permissions import (
    LibraryInternalsRequiredMixin,
    LibraryStaffRequiredMixin,
    can_edit_library_catalogue,
    current_library,
    require,
)


def _context(request: HttpRequest, **extra) -> dict:
    library = current_library(request)
    return {
        "library": library,
        "staff_section": "impor",
        "can_import": can_edit_library_catalogue(request.user, library),
        **extra,
    }


class TransferHomeView(LibraryInternalsRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(request, ImportUploadForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        library = current_library(request)
        require(can_edit_library_catalogue(request.user, library))
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = create_import_job(
                    library=library,
                    uploaded_file=form.cleaned_data["file"],
                    user=request.user,
                    format=form.cleaned_data["format"],
                    overwrite_local_edits=form.cleaned_data["overwrite_local_edits"],
                )
            except ImportRefused as error:
                form.add_error("file", str(error))
            else:
                return redirect("transfer:import-job", job_id=job.pk)
        return self.render(request, form, status=400)

    def render(self, request: HttpRequest, form: ImportUploadForm, status: int = 200) -> HttpResponse:
        library = current_library(request)
        context = _context(
            request,
            form=form,
            jobs=selectors.recent_jobs(library),
            export_formats=EXPORT_FORMATS,
            max_upload_mb=max_upload_bytes() // (1024 * 1024),
        )
        return render(request, "transfer/home.html", context, status=status)


class ImportJobView(LibraryInternalsRequiredMixin, View):
    def get(self, request: HttpRequest, job_id: int) -> HttpResponse:
        library = current_library(request)
        job = get_object_or_404(ImportJob, pk=job_id)
        run = selectors.run_of(job, library)
        problems = (
            Paginator(selectors.problems_of(run), 50).get_page(request.GET.get("halaman")) if run else None
        )
        counts = {}
        for row in job.preview:
            counts[row["action"]] = counts.get(row["action"], 0) + 1
        context = _context(request, job=job, run=run, problems=problems, preview_counts=counts)
        return render(request, "transfer/job.html", context)


class ImportJobProgressView(LibraryInternalsRequiredMixin, View):
    def get(self, request: HttpRequest, job_id: int) -> JsonResponse:
        job = get_object_or_404(ImportJob, pk=job_id)
        return JsonResponse(selectors.progress_payload(job, selectors.run_of(job, current_library(request))))


class _JobActionView(LibraryStaffRequiredMixin, View):
    def post(self, request: HttpRequest, job_id: int) -> HttpResponse:
        library = current_library(request)
        require(can_edit_library_catalogue(request.user, library))
        job = get_object_or_404(ImportJob, pk=job_id)
        try:
            return self.act(request, job, library)
        except ImportRefused as error:
            messages.error(request, str(error))
            return redirect("transfer:import-job", job_id=job.pk)


class StartImportView(_JobActionView):
    def act(self, request, job, library):
        start_import(job=job, library=library)
        messages.success(request, _("Impor %(name)s dimulai.") % {"name": job.file_name})
        return redirect("transfer:import-job", job_id=job.pk)


class DiscardImportView(_JobActionView):
    def act(self, request, job, library):
        discard_import(job=job)
        messages.info(request, _("Impor %(name)s dibatalkan; berkasnya dihapus.") % {"name": job.file_name})
        return redirect("transfer:home")


class ImportReportView(LibraryInternalsRequiredMixin, View):
    """The problems of an import as CSV: position, identifier, reason."""

    def get(self, request: HttpRequest, job_id: int) -> StreamingHttpResponse:
        job = get_object_or_404(ImportJob, pk=job_id)
        run = selectors.run_of(job, current_library(request))
        if run is None:
            raise Http404
        problems = selectors.problems_of(run).values_list("position", "identifier", "reason")

        def rows():
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow([_("posisi"), _("identitas"), _("alasan")])
            for position, identifier, reason in problems.iterator(chunk_size=1000):
                writer.writerow([position or "", identifier, reason])
                if buffer.tell() > 32768:
                    yield buffer.getvalue().encode("utf-8")
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue().encode("utf-8")

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="laporan-impor-{job.pk}.csv"'
        return response


class ExportView(LibraryInternalsRequiredMixin, View):
    """The whole catalogue, streamed: the response starts with the first chunk of records."""

    def get(self, request: HttpRequest, format: str) -> StreamingHttpResponse:
        if format not in EXPORT_FORMATS:
            raise Http404
        library = current_library(request)
        extension, content_type = EXPORT_FORMATS[format]
        schema_name, code = library.schema_name, library.code

        def chunks():
            # The response is read after the view returned: every chunk is read in the library's schema.
            stream = export_chunks(format=format, library_code=code)
            while True:
                with schema_context(schema_name):
                    chunk = next(stream, None)
                if chunk is None:
                    return
                yield chunk

        response = StreamingHttpResponse(chunks(), content_type=content_type)
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="katalog-{code}-{stamp}.{extension}"'
        return response


class LabelView(LibraryStaffRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        record_id = request.GET.get("cantuman", "")
        initial_items = []
        if record_id.isdigit():
            initial_items = list(
                selectors.copies_for_labels(record_id=int(record_id)).values_list("pk", flat=True)
            )
        return self.render(request, LabelForm(initial={"items": initial_items}))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = LabelForm(request.POST)
        if not form.is_valid():
            return self.render(request, form, status=400)
        library = current_library(request)
        copies = selectors.label_copies(form.cleaned_data["items"])
        build = barcode_sheet if form.cleaned_data["kind"] == "barcode" else spine_sheet
        pdf = build(
            copies,
            layout=form.cleaned_data["layout"],
            start_at=form.cleaned_data["start_at"],
            library=library.name,
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="label-{form.cleaned_data["kind"]}-{library.code}.pdf"'
        )
        return response

    def render(self, request: HttpRequest, form: LabelForm, status: int = 200) -> HttpResponse:
        query = request.GET.get("q", "").strip()[:100]
        record_id = request.GET.get("cantuman", "")
        items = selectors.copies_for_labels(
            query=query, record_id=int(record_id) if record_id.isdigit() else None
        )
        page = Paginator(items, 50).get_page(request.GET.get("halaman"))
        chosen = {str(value) for value in (form["items"].value() or [])}
        context = _context(request, form=form, page=page, query=query, chosen=chosen)
        return render(request, "transfer/labels.html", context, status=status)
