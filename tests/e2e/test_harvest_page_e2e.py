"""The operator's harvest page in a real browser (Playwright + Debian chromium) against a live server and a
real Celery worker: the operator registers a SLiMS endpoint (first a wrong address, whose message the form
shows), presses "Harvest sekarang", watches the progress bar move while the worker harvests a slowed
loopback SLiMS, sees the run end with its counts and the identifier of the one broken record, reconciles,
and the page works at 360 px. Screenshots go to ``test-artifacts/harvest-*.png``.

As in test_monev_e2e.py, Django's ``LiveServerThread`` is started here (``live_server_thread`` in
tests/e2e/support.py; the ``live_server`` fixture's ``transactional_db`` would flush the session's
libraries) and the data it reads is committed on a connection of its own (``committed``), then removed.
"""

from __future__ import annotations

import pytest

from tests.celery_worker import running_worker
from tests.e2e.support import committed, live_server_thread, screenshot, settle_width, wider_than_the_screen
from tests.harvest.builders import build_records
from tests.harvest.oai_server import Catalogue, Faults, OaiTestServer
from tests.ports import free_port
from tests.search.union_index import isolated_union_index, unique_prefix

PASSWORD = "rahasia-uji-123"
SIZE = 300
BROKEN = 123  # a record without a title: the run names it

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


def _create_world():
    from tests.factories import make_user
    from tests.harvest.harvesting import fresh_library

    make_user("e2e-operator-panen", password=PASSWORD, global_role="operator")
    return fresh_library("e2e-panen")


def _remove_world(library) -> None:
    from portal.accounts.models import User
    from tests.harvest.harvesting import remove_library

    remove_library(library)
    User.objects.filter(username="e2e-operator-panen").delete()


@pytest.fixture
def oai_server():
    catalogue = Catalogue(build_records(size=SIZE))
    catalogue.edit(BROKEN, title="")
    # slow enough to watch: 15 pages of 20 records, a quarter of a second each
    with OaiTestServer(catalogue, faults=Faults(slow=100_000, slow_seconds=0.25, page_size=20)) as server:
        yield server


@pytest.fixture
def site(settings, oai_server, monkeypatch):
    from portal.celery import app

    prefix = unique_prefix()
    monkeypatch.setenv("SIMPUL_ES_PREFIX", prefix)  # the worker's
    with isolated_union_index(settings, prefix=prefix):  # removes the prefix's indexes afterwards
        library = committed(_create_world)
        app.control.purge()
        try:
            with live_server_thread() as base, running_worker(name="uji-panen-e2e"):
                yield {"base": base, "library": library}
        finally:
            committed(lambda: _remove_world(library))


def test_operator_registers_harvests_watches_progress_and_reconciles(site, browser, oai_server):
    base, library = site["base"], site["library"]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/akun/masuk/?next=/operator/harvest/")
    page.fill("input[name=username]", "e2e-operator-panen")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}/operator/harvest/")

    # A wrong address: the form says why.
    page.select_option("select[name=library]", label=library.name)
    page.fill("input[name=base_url]", f"http://127.0.0.1:{free_port()}/slims/oai2.php")
    page.get_by_role("button", name="Periksa dan daftarkan").click()
    page.wait_for_load_state()
    assert "tidak dapat dihubungi" in page.locator(".form-error").inner_text()
    screenshot(page, "harvest-1-register-error.png", full_page=False)

    # The SLiMS oai.php endpoint: recognized and registered.
    page.select_option("select[name=library]", label=library.name)
    page.fill("input[name=base_url]", oai_server.oai_php_url)
    page.get_by_role("button", name="Periksa dan daftarkan").click()
    page.wait_for_load_state()
    card = page.locator(".harvest-source").filter(has_text=library.name)
    assert "SLiMS oai.php" in card.inner_text()
    assert "Belum pernah dipanen" in card.inner_text()

    # Harvest now: the worker picks it up; the bar moves without a reload.
    card.get_by_role("button", name="Harvest sekarang").click()
    page.wait_for_load_state()
    page.wait_for_function(
        """() => { const bar = document.querySelector('.harvest-source progress');
                   return bar && bar.value > 10 && bar.value < 90; }""",
        timeout=30_000,
    )
    assert "Berjalan" in card.locator("[data-field=status]").inner_text()
    assert card.get_by_role("button", name="Harvest sekarang").is_disabled()
    screenshot(page, "harvest-2-running.png", full_page=False)

    # The run ends (the page reloads itself once): counts and the broken record's identifier.
    page.wait_for_function(
        "() => document.querySelector('.harvest-source [data-field=status]')"
        ".textContent.includes('Sebagian')",
        timeout=60_000,
    )
    card = page.locator(".harvest-source").filter(has_text=library.name)
    assert card.locator("[data-field=created]").inner_text() == str(SIZE - 1)
    assert card.locator("[data-field=failed]").inner_text() == "1"
    assert f"oai:slims/{BROKEN}" in card.locator(".run-problems").inner_text()
    assert card.locator("progress").get_attribute("value") == "100"
    screenshot(page, "harvest-3-finished.png")

    # Reconcile now.
    card.get_by_role("button", name="Rekonsiliasi sekarang").click()
    page.wait_for_load_state()
    page.wait_for_function(
        """() => { const status = document.querySelector('.harvest-source [data-field=status]');
                   return status && /Berhasil|Sebagian/.test(status.textContent)
                          && document.body.textContent.includes('Rekonsiliasi'); }""",
        timeout=60_000,
    )

    # 360 px: nothing sticks out; the buttons are reachable.
    page.set_viewport_size({"width": 360, "height": 780})
    settle_width(page)
    assert wider_than_the_screen(page) == []
    assert card.get_by_role("button", name="Rekonsiliasi sekarang").is_visible()
    screenshot(page, "harvest-4-mobile-360.png")
