"""Cataloguing in a real browser (Playwright + Debian chromium) against a live server: a librarian of a
library managed in Simpul is warned of a duplicate while typing, catalogues a new book with two copies,
then copy-catalogues another library's record from the union search ("Salin ke katalog saya"), adds a copy
and saves it with its provenance; the same pages at 360 px. Screenshots go to ``test-artifacts/``.

Data the live server reads is committed on a connection of its own (``committed``) and removed at the end;
the union index is one of the test's own."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.e2e.support import committed, live_server_thread, screenshot, settle_width, wider_than_the_screen
from tests.search.union_index import isolated_union_index, refresh_union

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

PASSWORD = "rahasia-uji-123"
SOURCE_TITLE = "Sejarah Peradaban Islam di Nusantara"


def _create_world() -> dict:
    from django_tenants.utils import tenant_context

    from catalog.models import Record
    from catalog.normalized import NormalizedCopy
    from catalog.services import upsert_record
    from search.indexer import drain_outbox
    from tenants.models import Library, LibrarySystem
    from tests.factories import make_normalized_record, make_user

    aceh = Library.objects.get(code="uji-aceh")
    medan = Library.objects.get(code="uji-medan")
    original_system = aceh.system  # the session library may already be managed: put back what it was
    Library.objects.filter(pk=aceh.pk).update(system=LibrarySystem.SIMPUL)
    make_user("e2e-katalog-aceh", password=PASSWORD, libraries=[aceh])
    kept = {}
    for library in (aceh, medan):
        with tenant_context(library):
            kept[library.code] = max(Record.objects.values_list("pk", flat=True), default=0)
    with tenant_context(aceh):
        upsert_record(
            normalized=make_normalized_record(
                source_key="e2e-ada",
                title="Fiqih Zakat Kontemporer",
                authors=("Yusuf Qardhawi",),
                isbn_issn="",
            )
        )
    with tenant_context(medan):
        upsert_record(
            normalized=make_normalized_record(
                source_key="e2e-sumber",
                title=SOURCE_TITLE,
                authors=("Azyumardi Azra",),
                subjects=("Sejarah Islam", "Indonesia"),
                isbn_issn="9789794334607",
                publisher="Kencana",
                publish_place="Jakarta",
                publish_year="2013",
                collation="xxvi, 470 hlm. ; 23 cm",
                call_number="297.9 AZR s",
                copies=(NormalizedCopy(item_code="E2E-MDN-1"), NormalizedCopy(item_code="E2E-MDN-2")),
            )
        )
    drain_outbox(library=medan)
    drain_outbox(library=aceh)
    return {"kept": kept, "system": original_system}


def _remove_world(kept: dict, system: str) -> None:
    from django_tenants.utils import tenant_context

    from catalog.models import AuditEntry, IndexOutbox, Item, Record
    from portal.accounts.models import User
    from tenants.models import Library

    for library in Library.objects.filter(code__in=("uji-aceh", "uji-medan")):
        with tenant_context(library):
            new = Record.objects.filter(pk__gt=kept[library.code])
            Item.objects.filter(record__in=new).delete()
            new.delete()
            AuditEntry.objects.all().delete()
            IndexOutbox.objects.all().delete()
    Library.objects.filter(code="uji-aceh").update(system=system)
    User.objects.filter(username__startswith="e2e-katalog").delete()


@pytest.fixture
def site(settings):
    from tenants import hostname_cache

    with isolated_union_index(settings):
        world = committed(_create_world)
        refresh_union()
        hostname_cache.forget_all()
        try:
            with live_server_thread() as base:
                yield {"port": urlsplit(base).port, **world}
        finally:
            committed(lambda: _remove_world(world["kept"], world["system"]))
            hostname_cache.forget_all()


def _login(page, base: str, next_path: str) -> None:
    page.goto(f"{base}/akun/masuk/?next={next_path}")
    page.fill("input[name=username]", "e2e-katalog-aceh")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}{next_path}")


def test_librarian_catalogues_a_book_with_two_copies_and_copy_catalogues_another_librarys_record(
    site, browser
):
    library = f"http://uji-aceh.localhost:{site['port']}"
    portal = f"http://localhost:{site['port']}"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _login(page, library, "/kelola/katalog/baru/")

    # Typing a title the catalogue already has warns, with a link to the existing record.
    page.get_by_label("Judul", exact=True).fill("Fiqih zakat kontemporer")
    page.locator("[name=authors-0-name]").fill("Yusuf Qardhawi")
    warning = page.locator("#duplicate-warning")
    warning.wait_for(state="visible")
    assert "Fiqih Zakat Kontemporer" in warning.inner_text()
    assert warning.get_by_role("link").get_attribute("href").startswith("/kelola/katalog/")
    screenshot(page, "cataloguing-1-duplicate-warning.png", full_page=False)

    # The new book: its fields, an author from the authority list, two copies.
    page.get_by_label("Judul", exact=True).fill("Moderasi Beragama di Madrasah")
    page.locator("[name=authors-0-name]").fill("Lukman Hakim Saifuddin")
    page.get_by_label("ISBN/ISSN").fill("978-602-8519-93-9")
    page.get_by_label("Penerbit").fill("Kementerian Agama RI")
    page.get_by_label("Tahun terbit").fill("2019")
    page.get_by_label("Nomor panggil", exact=True).first.fill("297.27 LUK m")
    page.locator("[name=subjects-0-name]").fill("Moderasi beragama")
    page.locator("[name=copies-0-item_code]").fill("E2E-ACH-0001")
    page.locator("[name=copies-0-location]").fill("Rak 1")
    page.get_by_role("button", name="+ Tambah eksemplar").click()
    page.locator("[name=copies-1-item_code]").fill("E2E-ACH-0002")
    page.locator("[name=copies-1-location]").fill("Rak 1")
    screenshot(page, "cataloguing-2-new-record-form.png")
    page.get_by_role("button", name="Simpan", exact=True).click()
    page.wait_for_url(f"{library}/kelola/katalog/*/")
    assert "Cantuman «Moderasi Beragama di Madrasah» tersimpan." in page.locator(".messages").inner_text()
    assert "2 eksemplar" in page.locator("#copies-heading").inner_text()
    assert "E2E-ACH-0002" in page.locator("table").inner_text()
    assert "Cantuman dibuat" in page.locator(".history").inner_text()
    screenshot(page, "cataloguing-3-record-page.png")

    # Copy cataloguing from the union search on the portal host.
    _login(page, portal, "/")
    page.goto(f"{portal}/cari/?q=peradaban+nusantara")
    hit = page.locator(".hit", has_text=SOURCE_TITLE)
    screenshot(page, "cataloguing-4-union-search-copy-button.png", full_page=False)
    hit.get_by_role("link", name="Salin ke katalog saya").click()
    page.wait_for_url(f"{library}/kelola/katalog/salin/**")
    assert page.get_by_label("Judul", exact=True).input_value() == SOURCE_TITLE
    assert page.locator("[name=authors-0-name]").input_value() == "Azyumardi Azra"
    assert "uji-medan:" in page.locator(".provenance").inner_text()
    page.locator("[name=copies-0-item_code]").fill("E2E-ACH-0003")
    screenshot(page, "cataloguing-5-copy-form.png", full_page=False)
    page.get_by_role("button", name="Simpan", exact=True).click()
    page.wait_for_url(f"{library}/kelola/katalog/*/")
    assert "Disalin dari katalog bersama: uji-medan:" in page.locator(".provenance").inner_text()
    assert "E2E-ACH-0003" in page.locator("table").inner_text()
    record_url = page.url

    # 360 px: the form, the record page and the list fit the screen.
    small = browser.new_page(viewport={"width": 360, "height": 780})
    _login(small, library, "/kelola/katalog/baru/")
    for path, name in (
        ("/kelola/katalog/baru/", "cataloguing-6-form-360.png"),
        (urlsplit(record_url).path, "cataloguing-7-record-360.png"),
        ("/kelola/katalog/?q=E2E-ACH", "cataloguing-8-list-360.png"),
    ):
        small.goto(f"{library}{path}")
        settle_width(small)
        assert wider_than_the_screen(small) == [], path
        screenshot(small, name)
    assert small.locator(".catalogue-table tbody tr").count() == 2  # found by the copies' barcodes


def test_a_librarian_of_a_harvested_library_sees_why_and_the_move_over_step(site, browser):
    from tenants.models import Library
    from tests.factories import make_user

    committed(
        lambda: make_user(
            "e2e-katalog-medan", password=PASSWORD, libraries=[Library.objects.get(code="uji-medan")]
        )
    )
    library = f"http://uji-medan.localhost:{site['port']}"
    for width, suffix in ((1280, "1280"), (360, "360")):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{library}/akun/masuk/?next=/kelola/")
        page.fill("input[name=username]", "e2e-katalog-medan")
        page.fill("input[name=password]", PASSWORD)
        page.locator("main button[type=submit]").click()
        page.wait_for_url(f"{library}/kelola/")
        assert "dipanen dari SLiMS" in page.locator(".mode-banner").inner_text()
        screenshot(page, f"cataloguing-9-harvested-dashboard-{suffix}.png")
        page.locator(".mode-panel").get_by_role("link", name="Pindah dari SLiMS").click()
        page.wait_for_url(f"{library}/kelola/katalog/pindah-dari-slims/")
        assert page.get_by_role("button", name="Mulai pindah ke Simpul").is_visible()
        settle_width(page)
        assert wider_than_the_screen(page) == []
        screenshot(page, f"cataloguing-10-move-over-{suffix}.png")
