"""``{% copy_cataloguing_button hit %}`` on the union search's result list and work page (portal host):
for a signed-in librarian of a library managed in Simpul, "Salin ke katalog saya" — a link to the record
form on the librarian's own library host, pre-filled from the work's best holding — or, when that library
already holds the work (same work key in the union index, or the same ISBN in its own schema, hidden
records too), "Sudah ada di katalog …" linking to its record. Nothing for anyone else.

What the librarian's libraries hold is looked up once per page for every work on it (one union-index
query, one query per library schema), not once per result."""

from __future__ import annotations

from django import template
from django.db.models import Q
from django_tenants.utils import schema_context

from catalog.cataloguing.selectors import records_holding_isbns
from catalog.cataloguing.validation import isbn_forms

register = template.Library()

_CACHE = "_copy_cataloguing_offers"


def _managed_libraries_of(user) -> list:
    from portal.accounts.models import LibraryRole
    from tenants.models import Library, LibrarySystem

    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Library.objects.filter(
            Q(memberships__user=user, memberships__role=LibraryRole.LIBRARIAN),
            system=LibrarySystem.SIMPUL,  # managed in Simpul
            active=True,
        )
        .distinct()
        .order_by("name")
    )


def _works_on_page(context) -> list:
    result = context.get("result")
    hits = list(getattr(result, "hits", []) or [])
    head = context.get("head")
    if head is not None:
        hits.append(head)
    return hits


def _host_url(request, library) -> str:
    domain = library.primary_domain
    port = request.get_port()
    suffix = "" if port in ("80", "443", "") else f":{port}"
    return f"{request.scheme}://{domain}{suffix}"


def _prepare(context) -> dict:
    request = context.get("request")
    if request is None:
        return {}
    cached = getattr(request, _CACHE, None)
    if cached is not None:
        return cached
    from catalog.cataloguing.union import held_works

    libraries = _managed_libraries_of(getattr(request, "user", None))
    works = _works_on_page(context)
    held: dict[tuple[str, str], int] = {}
    for library in libraries:
        for work_key, record_id in held_works(
            library_code=library.code, work_keys=[work.work_key for work in works]
        ).items():
            held[(library.code, work_key)] = record_id
        isbns = {form for work in works for isbn in (work.isbn or []) for form in isbn_forms(isbn)}
        with schema_context(library.schema_name):
            by_isbn = records_holding_isbns(isbns)
        for work in works:
            for isbn in work.isbn or []:
                found = next((by_isbn[form] for form in isbn_forms(isbn) if form in by_isbn), None)
                if found:
                    held.setdefault((library.code, work.work_key), found)
    prepared = {
        "libraries": libraries,
        "held": held,
        "hosts": {lib.code: _host_url(request, lib) for lib in libraries},
    }
    setattr(request, _CACHE, prepared)
    return prepared


@register.inclusion_tag("catalog/cataloguing/copy_button.html", takes_context=True)
def copy_cataloguing_button(context, work) -> dict:
    from urllib.parse import quote

    prepared = _prepare(context)
    offers = []
    for library in prepared.get("libraries", []):
        host = prepared["hosts"][library.code]
        held_id = prepared["held"].get((library.code, work.work_key))
        offers.append(
            {
                "library": library,
                "held_url": f"{host}/kelola/katalog/{held_id}/" if held_id else "",
                "copy_url": f"{host}/kelola/katalog/salin/?karya={quote(work.work_key, safe='')}",
            }
        )
    return {"offers": offers}


def _field_labels() -> dict[str, str]:
    from catalog.models import Item, Record

    labels = {}
    for model in (Item, Record):
        for field in model._meta.concrete_fields:
            labels.setdefault(field.name, str(field.verbose_name))
    labels.update(
        {
            "record": str(Record._meta.verbose_name),
            "publisher": str(Record._meta.get_field("publisher").verbose_name),
            "authors": str(Record._meta.get_field("authors").verbose_name),
            "subjects": str(Record._meta.get_field("subjects").verbose_name),
            "item_code": str(Item._meta.get_field("item_code").verbose_name),
            "system": "sistem otomasi",
        }
    )
    return labels


@register.filter
def audit_rows(entry) -> list[tuple[str, object, object]]:
    """An audit entry's changes as (field label, before, after), fields empty on both sides left out."""
    labels = _field_labels()
    rows = []
    for name, values in (entry.changes or {}).items():
        before, after = [*values, None, None][:2] if isinstance(values, list) else (None, values)
        if before in (None, "", []) and after in (None, "", []):
            continue
        show = [", ".join(map(str, value)) if isinstance(value, list) else value for value in (before, after)]
        rows.append((labels.get(name, name), show[0], show[1]))
    return rows
