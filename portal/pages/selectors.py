from __future__ import annotations

from django.db.models import QuerySet, Sum

from tenants.models import Library


def libraries_for_listing(*, kind: str = "", province: str = "") -> QuerySet[Library]:
    libraries = Library.objects.active().prefetch_related("domains")
    if kind:
        libraries = libraries.filter(kind=kind)
    if province:
        libraries = libraries.filter(province=province)
    return libraries.order_by("name")


def federation_totals() -> dict[str, int]:
    totals = Library.objects.active().aggregate(records=Sum("record_count"), copies=Sum("copy_count"))
    return {
        "libraries": Library.objects.active().count(),
        "records": totals["records"] or 0,
        "copies": totals["copies"] or 0,
    }


def provinces_with_libraries() -> list[str]:
    return list(Library.objects.active().order_by("province").values_list("province", flat=True).distinct())
