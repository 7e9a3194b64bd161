"""Copy cataloguing: "Salin ke katalog saya" on the union search (portal host) and the staff's "Salin dari
katalog bersama" page open the record form on the librarian's own host, pre-filled from the best holding
of another library (read from its schema); the saved record keeps its provenance; a work the library
already holds links to its record instead. Real PostgreSQL and Elasticsearch (an index of the test's own)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django_tenants.utils import tenant_context

from catalog.models import Record
from catalog.normalized import NormalizedCopy
from catalog.services import upsert_record
from search.indexer import drain_outbox
from search.union_document import work_key_for
from tests.catalog.roles import managed
from tests.factories import host_of, make_normalized_record, make_user
from tests.search.union_index import isolated_union_index, refresh_union

ISBN = "9786028519939"
TITLE = "Fiqih Islam Wa Adillatuhu Jilid 3"


@pytest.fixture
def union(settings):
    with isolated_union_index(settings) as alias:
        yield alias


@pytest.fixture
def holding_in_b(library_b, union):
    with tenant_context(library_b):
        record = upsert_record(
            normalized=make_normalized_record(
                source_key="copy-src-1",
                title=TITLE,
                authors=("Wahbah az-Zuhaili", "Abdul Hayyie al-Kattani"),
                subjects=("Fiqih",),
                isbn_issn=ISBN,
                statement_of_responsibility="Wahbah az-Zuhaili ; penerjemah Abdul Hayyie al-Kattani",
                collation="xx, 512 hlm. ; 24 cm",
                copies=(NormalizedCopy(item_code="MDN-1"),),
            ),
            source_id=None,
        ).record
    drain_outbox(library=library_b)
    refresh_union()
    return record


@pytest.fixture
def librarian_a(library_a):
    managed(library_a)
    return make_user("salin-pustakawan-a", libraries=[library_a])


def library_client(library, user) -> Client:
    client = Client(HTTP_HOST=host_of(library))
    client.force_login(user)
    return client


def portal_client(user) -> Client:
    client = Client(HTTP_HOST=django_settings.BASE_DOMAIN)
    client.force_login(user)
    return client


WORK_KEY = work_key_for(isbn_issn=ISBN, title=TITLE, primary_author="Wahbah az-Zuhaili")


def test_the_form_is_prefilled_from_the_other_librarys_schema_and_the_copy_keeps_its_provenance(
    holding_in_b, librarian_a, library_a, library_b
):
    client = library_client(library_a, librarian_a)
    form = client.get("/kelola/katalog/salin/", {"karya": WORK_KEY})
    html = form.content.decode()
    assert form.status_code == 200
    assert TITLE in html and "Wahbah az-Zuhaili" in html and "xx, 512 hlm." in html
    origin = f"{library_b.code}:{holding_in_b.pk}"
    assert f'value="{origin}"' in html and "MDN-1" not in html  # never the other library's copies

    data = {
        "title": TITLE,
        "isbn_issn": ISBN,
        "copied_from": origin,
        "authors-TOTAL_FORMS": "1", "authors-INITIAL_FORMS": "0",
        "authors-0-name": "Wahbah az-Zuhaili", "authors-0-role": "author", "authors-0-level": "1",
        "subjects-TOTAL_FORMS": "0", "subjects-INITIAL_FORMS": "0",
        "copies-TOTAL_FORMS": "1", "copies-INITIAL_FORMS": "0",
        "copies-0-item_code": "ACH-001", "copies-0-status": "",
    }  # fmt: skip
    saved = client.post("/kelola/katalog/baru/", data)
    assert saved.status_code == 302
    with tenant_context(library_a):
        record = Record.objects.get(copied_from=origin)
        assert record.source_id is None and list(record.items.values_list("item_code", flat=True)) == [
            "ACH-001"
        ]
    page = client.get(saved["Location"]).content.decode()
    assert "Disalin dari katalog bersama" in page and origin in page and "disalin dari" in page.lower()


def test_the_union_search_offers_the_copy_then_says_the_library_holds_it(
    holding_in_b, librarian_a, library_a
):
    portal = portal_client(librarian_a)
    results = portal.get("/cari/", {"q": "Adillatuhu"}).content.decode()
    copy_link = f"http://{host_of(library_a)}/kelola/katalog/salin/?karya={WORK_KEY.replace(':', '%3A')}"
    assert "Salin ke katalog saya" in results and copy_link in results
    work = portal.get(f"/karya/{WORK_KEY}/").content.decode()
    assert copy_link in work

    with tenant_context(library_a):
        ours = upsert_record(
            normalized=make_normalized_record(source_key="ours", title="Judul lain", isbn_issn=ISBN),
            source_id=None,
        ).record
    drain_outbox(library=library_a)
    refresh_union()
    results = portal_client(librarian_a).get("/cari/", {"q": "Adillatuhu"}).content.decode()
    assert "Sudah ada di katalog" in results and f"/kelola/katalog/{ours.pk}/" in results


def test_a_hidden_record_of_ours_with_the_same_isbn_counts_as_held(holding_in_b, librarian_a, library_a):
    with tenant_context(library_a):
        hidden = upsert_record(
            normalized=make_normalized_record(
                source_key="hidden", title="Tersembunyi", isbn_issn=ISBN, opac_hide=True
            ),
            source_id=None,
        ).record
    results = portal_client(librarian_a).get("/cari/", {"q": "Adillatuhu"}).content.decode()
    assert f"/kelola/katalog/{hidden.pk}/" in results and "Salin ke katalog saya" not in results


def test_nobody_but_a_librarian_of_a_managed_library_sees_the_button(holding_in_b, library_a, library_b):
    harvested_librarian = make_user("salin-panen-b", libraries=[library_b])
    anonymous = Client(HTTP_HOST=django_settings.BASE_DOMAIN)
    for response in (
        anonymous.get("/cari/", {"q": "Adillatuhu"}),
        portal_client(harvested_librarian).get("/cari/", {"q": "Adillatuhu"}),
    ):
        assert response.status_code == 200 and "Salin ke katalog saya" not in response.content.decode()


def test_the_staff_copy_search_lists_works_with_their_action(holding_in_b, librarian_a, library_a):
    page = library_client(library_a, librarian_a).get(
        "/kelola/katalog/salin-dari-katalog-bersama/", {"q": "Adillatuhu"}
    )
    html = page.content.decode()
    assert page.status_code == 200 and "Adillatuhu" in html
    assert re.search(r'href="/kelola/katalog/salin/\?karya=isbn%3A9786028519939"', html)


def test_a_hidden_or_unknown_source_record_is_refused_with_a_message(
    holding_in_b, librarian_a, library_a, library_b
):
    with tenant_context(library_b):
        Record.objects.filter(pk=holding_in_b.pk).update(opac_hide=True)
    client = library_client(library_a, librarian_a)
    for params in (
        {"dari": f"{library_b.code}:{holding_in_b.pk}"},
        {"dari": "tidak-ada:1"},
        {"dari": "x"},
        {"karya": "fp:0"},
    ):
        response = client.get("/kelola/katalog/salin/", params)
        assert response.status_code == 302 and response["Location"].endswith("/salin-dari-katalog-bersama/")
    follow = client.get("/kelola/katalog/salin-dari-katalog-bersama/").content.decode()
    assert "Cantuman sumber tidak ditemukan" in follow
