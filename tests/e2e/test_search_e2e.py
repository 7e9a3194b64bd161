"""The union search in a real browser (Playwright + Debian chromium) against a live server over the fixed
test catalogue: search "sholat", see works spelled shalat/salat held by several libraries, pick a
province facet, open the work, export RIS; then the same pages at 360 px wide. Screenshots go to
``test-artifacts/``.

The live server is Django's ``LiveServerThread``, started by ``tests.e2e.support.live_server_thread``
rather than pytest-django's ``live_server`` fixture: that fixture pulls in ``transactional_db``, whose
teardown flushes every public table — the session's libraries included. The server answers on "localhost",
which is no library's domain, so django-tenants serves the public site (SHOW_PUBLIC_IF_NO_TENANT_FOUND).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from elasticsearch import Elasticsearch

from tests.e2e.support import live_server_thread, screenshot
from tests.search.catalogue import catalogue_prefix, drop_catalogue, load_catalogue
from tests.search.test_citations import parse_ris

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


@pytest.fixture(scope="module")
def catalogue_index_prefix():
    prefix = catalogue_prefix(django_settings.ELASTICSEARCH_INDEX_PREFIX) + "-e2e"
    client = Elasticsearch(django_settings.ELASTICSEARCH_URL, request_timeout=30)
    load_catalogue(client, prefix)
    yield prefix
    drop_catalogue(client, prefix)
    client.close()


@pytest.fixture
def search_site(settings, catalogue_index_prefix):
    """Base URL of a live server (its own thread) that searches the fixed catalogue."""
    settings.ELASTICSEARCH_INDEX_PREFIX = catalogue_index_prefix
    with live_server_thread() as base:
        yield base


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_patron_searches_sholat_filters_by_province_opens_a_work_and_exports_ris(search_site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)

    page.goto(f"{search_site}/")
    page.get_by_role("combobox", name="Cari judul").fill("sholat")
    page.wait_for_selector("#search-q-suggestions li[role=option]")
    screenshot(page, "search-home-autocomplete.png")
    page.keyboard.press("Escape")
    page.get_by_role("search").get_by_role("button").click()
    page.wait_for_url(lambda url: "/cari/" in url and "q=sholat" in url)

    titles = page.locator(".hit-list").inner_text()
    assert "Shalat" in titles and "Salat" in titles
    libraries = set(page.locator(".holdings .holding-library a").all_inner_texts())
    assert len(libraries) >= 2
    screenshot(page, "search-results-sholat.png")

    page.get_by_role("group", name="Provinsi").get_by_role(
        "checkbox", name="Banten"
    ).check()  # the facet form submits itself
    page.wait_for_url("**provinsi=Banten**")
    assert page.get_by_role("group", name="Provinsi").get_by_role("checkbox", name="Banten").is_checked()
    assert page.locator(".hit").count() == 1
    assert "Perpustakaan LPMQ Uji" in page.locator(".hit").inner_text()
    screenshot(page, "search-results-sholat-banten.png")

    page.locator(".hit-title a").first.click()
    page.wait_for_url("**/karya/**")
    holdings = page.locator(".holdings-table").inner_text()
    assert "Tangerang Selatan" in holdings and "2X4.21 RIF t" in holdings and "Banda Aceh" in holdings
    screenshot(page, "search-work-tuntunan-shalat.png")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="RIS").click()
    (record,) = parse_ris(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert record["TY"] == ["BOOK"] and "Lengkap" in record["TI"][0]
    assert record["UR"][0].startswith(search_site) and "/karya/" in record["UR"][0]


def test_results_and_work_pages_fit_a_360_pixel_screen(search_site, browser):
    page = browser.new_page(viewport={"width": 360, "height": 740})

    page.goto(f"{search_site}/cari/?q=sholat")
    assert page.locator(".hit").count() >= 3
    assert _no_horizontal_scroll(page)
    assert not page.locator(".facet-panel").evaluate("panel => panel.open")  # folded away on a phone
    screenshot(page, "search-results-sholat-360.png")

    page.locator(".facet-panel > summary").click()
    page.get_by_role("group", name="Provinsi").get_by_role("checkbox", name="Aceh").check()
    page.wait_for_url("**provinsi=Aceh**")
    assert page.locator(".facet-panel").evaluate("panel => panel.open")  # a selection keeps it open
    assert _no_horizontal_scroll(page)

    page.locator(".hit-title a").first.click()
    page.wait_for_url("**/karya/**")
    assert _no_horizontal_scroll(page)
    screenshot(page, "search-work-360.png")

    page.goto(f"{search_site}/")
    page.get_by_role("combobox", name="Cari judul").fill("tafsir al")
    page.wait_for_selector("#search-q-suggestions li[role=option]")
    box = page.locator("#search-q-suggestions").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    screenshot(page, "search-home-autocomplete-360.png")
