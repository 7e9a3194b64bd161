"""Pages of cataloguing on a library's host (``/kelola/katalog/``): thin — parse, call a service or a
selector, render. Access is decided by ``catalog.cataloguing.access.staff_view``."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.cataloguing import selectors, services
from catalog.cataloguing.access import staff_view
from catalog.cataloguing.forms import BatchEditForm, RecordFormBundle, initial_from
from catalog.models import Item, Record
from tenants.models import Library

PER_PAGE = 25


def _int(value, default: int | None = None) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@require_GET
@staff_view("read")
def catalogue_list(request: HttpRequest) -> HttpResponse:
    query = selectors.StaffQuery(
        text=request.GET.get("q", "")[:200],
        hidden=request.GET.get("tersembunyi", "")
        if request.GET.get("tersembunyi") in ("ya", "tidak")
        else "",
        material_type=request.GET.get("bahan", "")[:60],
        year=request.GET.get("tahun", "")[:4] if request.GET.get("tahun", "").isdigit() else "",
        order=request.GET.get("urut", "baru") if request.GET.get("urut") in selectors.SORTS else "baru",
    )
    page = Paginator(selectors.staff_records(query), PER_PAGE).get_page(request.GET.get("halaman"))
    context = {
        "library": request.library,
        "staff_section": "katalog",
        "query": query,
        "page": page,
        "material_types": selectors.material_types_in_use(),
        "batch_form": BatchEditForm(),
        "can_edit": request.library.catalogue_managed_in_simpul and _can_edit(request),
        "querystring": urlencode({k: v for k, v in request.GET.items() if k != "halaman"}),
    }
    return render(request, "catalog/cataloguing/catalogue_list.html", context)


def _can_edit(request) -> bool:
    from portal.accounts.permissions import can_edit_library_catalogue

    return can_edit_library_catalogue(request.user, request.library)


def _record_or_404(record_id: int) -> Record:
    record = selectors.record_for_staff(record_id)
    if record is None:
        raise Http404(_("Cantuman ini tidak ada di katalog perpustakaan ini."))
    return record


@require_GET
@staff_view("read")
def record_page(request: HttpRequest, record_id: int) -> HttpResponse:
    record = _record_or_404(record_id)
    context = {
        "library": request.library,
        "staff_section": "katalog",
        "record": record,
        "copies": selectors.copies_of(record),
        "history": selectors.history_of_record(record),
        "can_edit": _can_edit(request),
        "deletion_blocker": services.deletion_blocker(record),
    }
    return render(request, "catalog/cataloguing/record_page.html", context)


@require_GET
@staff_view("read")
def copy_page(request: HttpRequest, item_id: int) -> HttpResponse:
    item = Item.objects.select_related("record").filter(pk=item_id).first()
    if item is None:
        raise Http404(_("Eksemplar ini tidak ada di perpustakaan ini."))
    context = {
        "library": request.library,
        "staff_section": "katalog",
        "item": item,
        "on_loan": item.pk in selectors.on_loan_ids(item.record),
        "history": selectors.history_of_copy(item),
        "can_edit": _can_edit(request),
    }
    return render(request, "catalog/cataloguing/copy_page.html", context)


def _bundle_for(record: Record | None, data=None, files=None) -> RecordFormBundle:
    if record is None:
        return RecordFormBundle(data, files)
    initial = {name: getattr(record, name) for name in services.RECORD_TEXT_FIELDS}
    initial.update(
        {
            "publisher": record.publisher.name if record.publisher_id else "",
            "opac_hide": record.opac_hide,
            "copied_from": record.copied_from,
        }
    )
    authors = [
        {"name": link.author.name, "role": link.role, "level": link.level}
        for link in record.record_authors.all()
    ]
    subjects = [{"name": subject.name} for subject in record.subjects.order_by("name")]
    copies = [
        {name: getattr(item, name) for name in ("id", *services.COPY_FIELDS)}
        for item in record.items.order_by("item_code")
    ]
    return RecordFormBundle(data, files, initial=initial, authors=authors, subjects=subjects, copies=copies)


def _form_page(request, bundle: RecordFormBundle, record: Record | None, *, status: int = 200, **extra):
    copies = selectors.copies_of(record) if record is not None else []
    context = {
        "library": request.library,
        "staff_section": "katalog",
        "bundle": bundle,
        "record": record,
        "on_loan_ids": {item.pk for item in copies if item.on_loan},
        "copy_codes": {item.pk: item.item_code for item in copies},
        "locations": sorted(set(Item.objects.exclude(location="").values_list("location", flat=True)))[:200],
        "collection_types": sorted(
            set(Item.objects.exclude(collection_type="").values_list("collection_type", flat=True))
        )[:200],
        **extra,
    }
    return render(request, "catalog/cataloguing/record_form.html", context, status=status)


def _save(request, record: Record | None) -> HttpResponse:
    bundle = _bundle_for(record, request.POST, request.FILES)
    if not bundle.is_valid():
        return _form_page(request, bundle, record, status=400)
    try:
        saved = services.save_record(
            record=record, data=bundle.record_data(), copies=bundle.copy_changes(), actor=request.user
        )
    except services.RecordInvalid as error:
        bundle.add_service_errors(error.errors)
        return _form_page(request, bundle, record, status=400)
    messages.success(request, _("Cantuman «%(title)s» tersimpan.") % {"title": saved.title[:80]})
    if request.POST.get("lanjut") == "baru":
        return redirect("cataloguing:record-new")
    return redirect("cataloguing:record", record_id=saved.pk)


@require_http_methods(["GET", "POST"])
@staff_view("edit")
def record_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _save(request, None)
    return _form_page(request, RecordFormBundle(), None)


@require_http_methods(["GET", "POST"])
@staff_view("edit")
def record_edit(request: HttpRequest, record_id: int) -> HttpResponse:
    record = _record_or_404(record_id)
    if request.method == "POST":
        return _save(request, record)
    return _form_page(request, _bundle_for(record), record)


@require_GET
@staff_view("edit")
def copy_from(request: HttpRequest) -> HttpResponse:
    """The record form pre-filled from another library's record (copy cataloguing). ``dari`` names the
    record ("<library code>:<id>"); ``karya`` a work of the union index, whose best holding is taken."""
    from catalog.cataloguing import union

    origin = request.GET.get("dari", "")[:80]
    work_key = request.GET.get("karya", "")[:200]
    if not origin and work_key:
        origin = union.best_holding_ref(work_key, exclude_library_code=request.library.code) or ""
    data = None
    if ":" in origin:
        code, _sep, record_id = origin.rpartition(":")
        source_library = Library.objects.filter(code=code, active=True).exclude(pk=request.library.pk).first()
        if source_library is not None and record_id.isdigit():
            data = selectors.record_data_of(source_library, int(record_id))
    if data is None:
        messages.error(
            request, _("Cantuman sumber tidak ditemukan (mungkin sudah dihapus atau disembunyikan).")
        )
        return redirect("cataloguing:copy-search")
    record_initial, authors, subjects = initial_from(data)
    bundle = RecordFormBundle(initial=record_initial, authors=authors, subjects=subjects)
    held = union.own_holding(
        library=request.library, work_key=work_key or union.work_key_of(origin), isbn_issn=data.isbn_issn
    )
    already = selectors.record_copied_from(data.copied_from or "")
    return _form_page(
        request,
        bundle,
        None,
        copy_origin=data.copied_from,
        copy_library=Library.objects.filter(code=data.copied_from.rpartition(":")[0]).first(),
        held_record_id=(already.pk if already else None) or held,
    )


@require_GET
@staff_view("edit")
def copy_search(request: HttpRequest) -> HttpResponse:
    """ "Salin dari katalog bersama": the union index searched from the library's own host."""
    from catalog.cataloguing import union

    text = request.GET.get("q", "").strip()[:300]
    result, error = (None, None)
    if text:
        result, error = union.search_for_copying(
            library=request.library, text=text, page=_int(request.GET.get("halaman"), 1)
        )
    context = {
        "library": request.library,
        "staff_section": "katalog",
        "query": text,
        "result": result,
        "error": error,
    }
    return render(request, "catalog/cataloguing/copy_search.html", context, status=503 if error else 200)


@require_http_methods(["GET", "POST"])
@staff_view("edit")
def record_delete(request: HttpRequest, record_id: int) -> HttpResponse:
    record = _record_or_404(record_id)
    blocker = services.deletion_blocker(record)
    if request.method == "POST" and not blocker:
        try:
            services.remove_record(record=record, actor=request.user)
        except services.RecordNotDeletable as error:
            blocker = str(error)
        else:
            messages.success(request, _("Cantuman «%(title)s» dihapus.") % {"title": record.title[:80]})
            return redirect("cataloguing:list")
    context = {
        "library": request.library,
        "staff_section": "katalog",
        "record": record,
        "copies": selectors.copies_of(record),
        "blocker": blocker,
    }
    status = 409 if blocker and request.method == "POST" else 200
    return render(request, "catalog/cataloguing/record_delete.html", context, status=status)


@require_POST
@staff_view("edit")
def batch_edit(request: HttpRequest) -> HttpResponse:
    form = BatchEditForm(request.POST)
    back = reverse("cataloguing:list") + (
        "?" + request.POST["kembali"] if request.POST.get("kembali") else ""
    )
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
        return redirect(back)
    try:
        result = services.batch_update(
            record_ids=form.cleaned_data["ids"],
            field_name=form.cleaned_data["field"],
            value=form.cleaned_data["value"],
            actor=request.user,
        )
    except services.RecordInvalid as error:
        for field_errors in error.errors.values():
            for message in field_errors:
                messages.error(request, message)
        return redirect(back)
    text = _("%(changed)s perubahan pada %(records)s cantuman terpilih.") % {
        "changed": result.changed,
        "records": result.records,
    }
    if result.missing:
        text += " " + _("%(missing)s pilihan bukan cantuman perpustakaan ini dan diabaikan.") % {
            "missing": result.missing
        }
    messages.success(request, text)
    return redirect(back)


# --- small JSON endpoints of the record form ----------------------------------------------------------


@require_GET
@staff_view("edit", json=True)
def duplicates_json(request: HttpRequest) -> JsonResponse:
    found = selectors.duplicates_for(
        isbn=request.GET.get("isbn", "")[:40],
        title=request.GET.get("judul", "")[:500],
        author=request.GET.get("pengarang", "")[:255],
        exclude_id=_int(request.GET.get("kecuali")),
    )
    return JsonResponse(
        {
            "duplicates": [
                {
                    "id": duplicate.record_id,
                    "title": duplicate.title,
                    "authors": duplicate.authors,
                    "isbn_issn": duplicate.isbn_issn,
                    "publish_year": duplicate.publish_year,
                    "reason": duplicate.reason,
                    "url": reverse("cataloguing:record", args=[duplicate.record_id]),
                }
                for duplicate in found
            ]
        }
    )


@require_GET
@staff_view("edit", json=True)
def authority_json(request: HttpRequest, kind: str) -> JsonResponse:
    if kind not in selectors.AUTHORITY_MODELS:
        return JsonResponse({"error": _("Jenis otoritas tidak dikenal.")}, status=404)
    return JsonResponse({"results": selectors.authority_suggestions(kind, request.GET.get("q", ""))})
