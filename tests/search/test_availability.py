"""Availability says what is known (docs/architecture.md, "Availability"): a library whose circulation runs
in Simpul (uji-aceh) has its loans here, so its copies on the shelf are known; a harvested SLiMS library
(uji-medan) brings copies but never loans, so the union search gives their number and says that their
availability is unknown — in the index, the result list, the work page, the API, the facet, the holdings
order and the library's own record page. Real PostgreSQL and Elasticsearch."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse as _reverse
from django_tenants.utils import tenant_context

from catalog.models import Item, Loan, Member, Record
from catalog.normalized import NormalizedCopy
from catalog.services import record_availability_changed, upsert_record
from search.drift import find_drift, repair_drift
from search.indexer import drain_outbox
from search.query.filters import Filters
from search.selectors import SearchRequest, search_works
from search.union_document import Availability, document_id
from tests.factories import host_of, make_normalized_record
from tests.search.union_index import clear_outbox, isolated_union_index, refresh_union, union_documents

TITLE = "Risalah Ketersediaan Eksemplar Uji"
ISBN = "9786028519939"


def reverse(name: str, args=()) -> str:
    return _reverse(name, args=args, urlconf="portal.urls_public")


@pytest.fixture
def union(settings):
    with isolated_union_index(settings) as alias:
        yield alias


def _copies(prefix: str, count: int, *, missing: int = 0) -> tuple[NormalizedCopy, ...]:
    return tuple(
        NormalizedCopy(item_code=f"{prefix}-{number}", status="MIS" if number < missing else "")
        for number in range(count)
    )


def _lend(record: Record) -> None:
    member = Member.objects.create(member_code=f"AV-{record.pk}", name="Pemustaka Ketersediaan")
    for item in record.items.all():
        Loan.objects.create(
            item=item, member=member, loan_date=date.today(), due_date=date.today() + timedelta(7)
        )
    record_availability_changed(record_id=record.pk)


@pytest.fixture
def holdings(db, union, library_a, library_b):
    """One work (one ISBN) held three times: in uji-aceh (Simpul) once with both copies on the shelf and
    once with its one copy lent; in uji-medan (SLiMS) with three copies, one marked missing."""
    records = {}
    with tenant_context(library_a):
        clear_outbox()
        records["shelf"] = upsert_record(
            normalized=make_normalized_record(title=TITLE, isbn_issn=ISBN, copies=_copies("AV-A1", 2))
        ).record
        records["lent"] = upsert_record(
            normalized=make_normalized_record(title=TITLE, isbn_issn=ISBN, copies=_copies("AV-A2", 1))
        ).record
        _lend(records["lent"])
        drain_outbox(library=library_a)
    with tenant_context(library_b):
        clear_outbox()
        records["unknown"] = upsert_record(
            normalized=make_normalized_record(
                title=TITLE, isbn_issn=ISBN, copies=_copies("AV-B1", 3, missing=1)
            )
        ).record
        drain_outbox(library=library_b)
    refresh_union()
    return records


def test_a_slims_librarys_document_has_copies_but_no_availability(holdings, library_a, library_b):
    documents = {**union_documents(library_a.code), **union_documents(library_b.code)}
    shelf = documents[document_id(library_a.code, holdings["shelf"].pk)]
    lent = documents[document_id(library_a.code, holdings["lent"].pk)]
    unknown = documents[document_id(library_b.code, holdings["unknown"].pk)]

    assert (shelf["copies_available"], shelf["availability_known"], shelf["availability"]) == (
        2,
        True,
        Availability.AVAILABLE,
    )
    assert (lent["copies_available"], lent["availability"]) == (0, Availability.NOT_AVAILABLE)
    assert unknown["copies_total"] == 3
    assert unknown["copies_available"] is None and unknown["availability_known"] is False
    assert unknown["availability"] == Availability.UNKNOWN


def test_holdings_put_copies_on_the_shelf_first_then_unknown_then_none_on_the_shelf(
    holdings, library_a, library_b
):
    result = search_works(SearchRequest(text=TITLE))

    (hit,) = result.hits
    assert [(holding.record_id, holding.copies_available) for holding in hit.holdings] == [
        (holdings["shelf"].pk, 2),
        (holdings["unknown"].pk, None),
        (holdings["lent"].pk, 0),
    ]
    assert [holding.availability_known for holding in hit.holdings] == [True, False, True]


def test_availability_facet_counts_unknown_apart_and_filters_on_it(holdings, library_b):
    result = search_works(SearchRequest(text=TITLE))
    facet = next(group for group in result.facets if group.param == "ketersediaan")
    counts = {value.value: value.count for value in facet.values}
    labels = {value.value: str(value.label) for value in facet.values}

    only_unknown = search_works(
        SearchRequest(text=TITLE, filters=Filters({"ketersediaan": (Availability.UNKNOWN.value,)}))
    )

    assert counts == {"tersedia": 1, "tidak_tersedia": 1, "tidak_diketahui": 1}
    assert labels["tidak_diketahui"] == "Tidak diketahui"
    (hit,) = only_unknown.hits
    assert [holding.library_code for holding in hit.holdings] == [library_b.code]


def test_search_api_gives_null_copies_available_where_availability_is_unknown(client, holdings, library_b):
    body = client.get(reverse("search:api-search"), {"q": TITLE}).json()

    (hit,) = body["hits"]
    unknown = next(holding for holding in hit["holdings"] if holding["library_code"] == library_b.code)
    assert (unknown["copies_available"], unknown["copies_total"], unknown["availability_known"]) == (
        None,
        3,
        False,
    )
    assert client.get(reverse("search:api-search"), {"q": TITLE, "ketersediaan": "semua"}).status_code == 400


def test_work_api_counts_copies_of_unknown_availability_apart(client, holdings):
    work_key = f"isbn:{ISBN}"
    body = client.get(reverse("search:api-work", args=[work_key])).json()

    assert (body["copies_available"], body["copies_total"], body["copies_availability_unknown"]) == (2, 6, 3)


def test_record_api_reads_copies_live_but_no_availability_for_a_slims_library(client, holdings, library_b):
    record = holdings["unknown"]
    body = client.get(reverse("search:api-record", args=[library_b.code, record.pk])).json()

    assert body["availability_is_live"] is True
    assert (body["copies_available"], body["copies_total"], body["availability_known"]) == (None, 3, False)


def test_results_page_says_availability_unknown_with_the_copy_count(client, holdings):
    html = client.get(reverse("search:search-page"), {"q": TITLE}).content.decode()

    assert "3 eksemplar, ketersediaan tidak diketahui" in html
    assert "2/2 tersedia" in html and "0/1 tersedia" in html
    assert "3/3 tersedia" not in html and "2/3 tersedia" not in html
    assert 'name="ketersediaan" value="tidak_diketahui"' in html


def test_work_page_counts_known_copies_and_names_the_unknown_ones(client, holdings):
    html = " ".join(client.get(reverse("search:work-page", args=[f"isbn:{ISBN}"])).content.decode().split())

    assert "2 dari 3 eksemplar tersedia di 1 perpustakaan" in html
    assert "3 eksemplar lain di 1 perpustakaan: ketersediaan tidak diketahui" in html
    assert "3 eksemplar, ketersediaan tidak diketahui" in html  # the holdings table
    assert "dari 6 eksemplar" not in html


def test_librarys_own_record_page_says_availability_unknown_for_a_slims_library(client, holdings, library_b):
    html = client.get(f"/koleksi/{holdings['unknown'].pk}/", HTTP_HOST=host_of(library_b)).content.decode()

    assert "Eksemplar (3; ketersediaan tidak diketahui)" in html
    # the missing copy keeps its status
    assert "Tidak diketahui" in html and str(Item.Status.MISSING.label) in html
    assert "tersedia dari" not in html and ">Tersedia<" not in html


def test_librarys_own_record_page_counts_copies_on_the_shelf_where_loans_are_known(
    client, holdings, library_a
):
    html = client.get(f"/koleksi/{holdings['lent'].pk}/", HTTP_HOST=host_of(library_a)).content.decode()

    assert "Eksemplar (0 tersedia dari 1)" in html


def test_a_library_moved_into_simpul_shows_as_drift_and_its_repair_makes_availability_known(
    holdings, library_b
):
    library_b.system = "simpul"
    library_b.save(update_fields=["system"])

    drift = find_drift(library=library_b)
    repaired = repair_drift(library=library_b)
    document = union_documents(library_b.code)[document_id(library_b.code, holdings["unknown"].pk)]

    assert drift.stale_ids == [holdings["unknown"].pk]
    assert repaired.repaired and find_drift(library=library_b).in_sync
    assert (document["availability_known"], document["copies_available"]) == (True, 2)
