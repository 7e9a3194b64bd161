from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from catalog.models import Item, Loan, Record, Reservation
from tenants.models import Library, LibrarySystem


def open_loan_exists() -> Exists:
    return Exists(Loan.objects.filter(item=OuterRef("pk"), is_lent=True, is_return=False))


def set_aside_exists() -> Exists:
    """The copy waits on the hold shelf for a member who reserved its title (a READY reservation)."""
    return Exists(Reservation.objects.filter(item=OuterRef("pk"), status=Reservation.Status.READY))


def available_items() -> QuerySet[Item]:
    """Copies on the shelf for anyone: status available, no open loan, not set aside for a reservation
    (search/indexer.py's ``_fields_sql`` counts the same in SQL)."""
    return Item.objects.filter(status="").exclude(open_loan_exists()).exclude(set_aside_exists())


def availability_is_known(library: Library) -> bool:
    """Whether Simpul knows which of ``library``'s copies are on the shelf (docs/architecture.md,
    "Availability"): only where the library's circulation runs in Simpul, so that its loans are
    ``Loan`` rows here. A harvested or imported catalogue (SLiMS, INLISLite, none) brings copies and their
    item status but never loans: its copies' availability is unknown, only their number is."""
    return library.system == LibrarySystem.SIMPUL


def public_records() -> QuerySet[Record]:
    return (
        Record.objects.filter(opac_hide=False)
        .select_related("publisher")
        .prefetch_related("record_authors__author", "subjects")
        .annotate(copies_total=Count("items", distinct=True))
        .order_by("-created_at", "-id")
    )


def availability_for(record: Record) -> tuple[int, int]:
    """(copies available, copies total) of one record."""
    total = record.items.count()
    available = available_items().filter(record=record).count()
    return available, total


def collection_counts() -> dict[str, int]:
    return {
        "records": Record.objects.count(),
        "records_public": Record.objects.filter(opac_hide=False).count(),
        "copies": Item.objects.count(),
        "copies_public": Item.objects.filter(record__opac_hide=False).count(),
        "copies_on_loan": Item.objects.filter(open_loan_exists()).count(),
    }


def records_matching(text: str) -> QuerySet[Record]:
    return public_records().filter(Q(title__icontains=text) | Q(isbn_issn__icontains=text))
