"""The union search in a real browser (Playwright + Debian chromium) against a live server over the fixed
test catalogue: search "sholat", see works spelled shalat/salat held by several libraries, pick a
province facet, open the work, export RIS; then the same pages at 360 px wide. Screenshots go to
``test-artifacts/``.

The live server is Django's ``LiveServerThread`` started here rather than pytest-django's ``live_server``
fixture: that fixture pulls in ``transactional_db``, whose teardown flushes every public table — the
session's libraries included. The server answers on "localhost", which is no library's domain, so
django-tenants serves the public site (SHOW_PUBLIC_IF_NO_TENANT_FOUND).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.test.testcases import LiveServerThread
from elasticsearch import Elasticsearch

from tests.search.catalogue import catalogue_prefix, drop_catalogue, load_catalogue
from tests.search.test_citations import parse_ris

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

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
    thread = LiveServerThread("localhost", StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait(timeout=30)
    if thread.error:
        raise thread.error
    try:
        yield f"http://localhost:{thread.port}"
    finally:
        thread.terminate()
        thread.join(timeout=10)


@pytest.fixture
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def _shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_patron_searches_sholat_filters_by_province_opens_a_work_and_exports_ris(search_site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)

    page.goto(f"{search_site}/")
    page.get_by_role("combobox", name="Cari judul").fill("sholat")
    page.wait_for_selector("#search-q-suggestions li[role=option]")
    _shot(page, "search-home-autocomplete.png")
    page.keyboard.press("Escape")
    page.get_by_role("search").get_by_role("button").click()
    page.wait_for_url(lambda url: "/cari/" in url and "q=sholat" in url)

    titles = page.locator(".hit-list").inner_text()
    assert "Shalat" in titles and "Salat" in titles
    libraries = set(page.locator(".holdings .holding-library a").all_inner_texts())
    assert len(libraries) >= 2
    _shot(page, "search-results-sholat.png")

    page.get_by_role("group", name="Provinsi").get_by_role(
        "checkbox", name="Banten"
    ).check()  # the facet form submits itself
    page.wait_for_url("**provinsi=Banten**")
    assert page.get_by_role("group", name="Provinsi").get_by_role("checkbox", name="Banten").is_checked()
    assert page.locator(".hit").count() == 1
    assert "Perpustakaan LPMQ Uji" in page.locator(".hit").inner_text()
    _shot(page, "search-results-sholat-banten.png")

    page.locator(".hit-title a").first.click()
    page.wait_for_url("**/karya/**")
    holdings = page.locator(".holdings-table").inner_text()
    assert "Tangerang Selatan" in holdings and "2X4.21 RIF t" in holdings and "Banda Aceh" in holdings
    _shot(page, "search-work-tuntunan-shalat.png")

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
    _shot(page, "search-results-sholat-360.png")

    page.locator(".facet-panel > summary").click()
    page.get_by_role("group", name="Provinsi").get_by_role("checkbox", name="Aceh").check()
    page.wait_for_url("**provinsi=Aceh**")
    assert page.locator(".facet-panel").evaluate("panel => panel.open")  # a selection keeps it open
    assert _no_horizontal_scroll(page)

    page.locator(".hit-title a").first.click()
    page.wait_for_url("**/karya/**")
    assert _no_horizontal_scroll(page)
    _shot(page, "search-work-360.png")

    page.goto(f"{search_site}/")
    page.get_by_role("combobox", name="Cari judul").fill("tafsir al")
    page.wait_for_selector("#search-q-suggestions li[role=option]")
    box = page.locator("#search-q-suggestions").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    _shot(page, "search-home-autocomplete-360.png")
