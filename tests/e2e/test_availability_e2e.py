"""Availability in a real browser (Playwright + Debian chromium), at 1280 and 360 px: one work held by a
Simpul-managed library (uji-aceh, copies on the shelf known) and a harvested SLiMS library (uji-medan, copy
count only). The result list, the work page and uji-medan's own record page say "ketersediaan tidak
diketahui" for uji-medan and fit the screen. Screenshots go to ``test-artifacts/``.

The data is committed (the live server reads on a connection of its own) and removed at the end; the index
is one of this test's own (tests/search/union_index.py)."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from catalog.models import IndexOutbox, Record
from catalog.normalized import NormalizedCopy
from catalog.services import upsert_record
from search.indexer import drain_outbox
from tests.e2e.support import committed, live_server_thread, screenshot, settle_width, wider_than_the_screen
from tests.factories import make_normalized_record
from tests.search.union_index import isolated_union_index, refresh_union

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

TITLE = "Panduan Ketersediaan Koleksi Peraga"
ISBN = "9786028519939"


def _store(library, prefix: str, copies: tuple[NormalizedCopy, ...]) -> int:
    with tenant_context(library):
        record = upsert_record(
            normalized=make_normalized_record(
                source_key=f"e2e-{prefix}", title=TITLE, isbn_issn=ISBN, copies=copies
            )
        ).record
        drain_outbox(library=library)
        return record.pk


def _remove(library, record_id: int) -> None:
    with tenant_context(library):
        Record.objects.filter(pk=record_id).delete()
        IndexOutbox.objects.filter(record_id=record_id).delete()


@pytest.fixture
def site(settings, library_a, library_b):
    with isolated_union_index(settings):
        shelf = committed(
            lambda: _store(library_a, "A", (NormalizedCopy("E2E-A-1"), NormalizedCopy("E2E-A-2")))
        )
        unknown = committed(
            lambda: _store(
                library_b,
                "B",
                (
                    NormalizedCopy("E2E-B-1"),
                    NormalizedCopy("E2E-B-2"),
                    NormalizedCopy("E2E-B-3", status="MIS"),
                ),
            )
        )
        refresh_union()
        try:
            with live_server_thread() as base:
                yield {"base": base, "port": base.rsplit(":", 1)[1], "unknown": unknown}
        finally:
            committed(lambda: _remove(library_a, shelf))
            committed(lambda: _remove(library_b, unknown))


@pytest.mark.parametrize("width", [1280, 360])
def test_pages_say_availability_unknown_for_a_slims_library(site, browser, library_b, width):
    page = browser.new_page(viewport={"width": width, "height": 900})

    page.goto(f"{site['base']}/cari/?q={TITLE}")
    holdings = page.locator(".holdings").inner_text()
    assert "3 eksemplar, ketersediaan tidak diketahui" in holdings and "2/2 tersedia" in holdings
    settle_width(page)
    assert wider_than_the_screen(page) == []
    screenshot(page, f"availability-results-{width}.png")

    page.locator(".hit-title a").first.click()
    page.wait_for_url("**/karya/**")
    facts = " ".join(page.locator(".availability-summary").inner_text().split())
    assert "2 dari 2 eksemplar tersedia di 1 perpustakaan" in facts
    assert "3 eksemplar lain di 1 perpustakaan: ketersediaan tidak diketahui" in facts
    settle_width(page)
    assert wider_than_the_screen(page) == []
    screenshot(page, f"availability-work-{width}.png")

    page.goto(f"http://{library_b.code}.localhost:{site['port']}/koleksi/{site['unknown']}/")
    heading = page.get_by_role("heading", name="Eksemplar (3; ketersediaan tidak diketahui)")
    assert heading.is_visible()
    assert "Tidak diketahui" in page.locator("table").inner_text()
    settle_width(page)
    assert wider_than_the_screen(page) == []
    screenshot(page, f"availability-record-{width}.png")
    page.close()
