"""Keyboard-only use, end to end, in a real browser: a patron searches, picks a facet, pages, opens a work
and exports its citation; a librarian signs in and answers a self-assessment indicator — with Tab, Enter,
Space and the arrow keys only, never the mouse. Every element the keyboard reaches on the way shows a
visible focus (an outline). Like every browser test, each page is also checked by axe (tests/e2e/axe.py).

The search runs over the fixed test catalogue (as in test_search_e2e.py); the self-assessment over the
world of test_monev_e2e.py (uji-aceh's 2024 draft with the last four koleksi indicators unanswered).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.support import committed, live_server_thread
from tests.e2e.test_monev_e2e import LAST_KOLEKSI, PASSWORD, _create_world, _remove_world
from tests.e2e.test_search_e2e import catalogue_index_prefix, search_site  # noqa: F401 (fixtures)
from tests.search.test_citations import parse_ris

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

TABS = 120  # the most Tab presses any target here needs, with room to spare


def tab_to(page, condition: str, *, key: str = "Tab") -> dict:
    """Press ``key`` until ``condition`` (JavaScript over ``el``, the focused element) holds; bounded.
    Returns what the focused element is, and asserts that its focus is visible."""
    for _ in range(TABS):
        page.keyboard.press(key)
        focused = page.evaluate(
            f"""() => {{ const el = document.activeElement; const style = getComputedStyle(el);
              return {{hit: !!({condition}), tag: el.tagName, text: (el.innerText || '').slice(0, 60),
                       outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2}}; }}"""
        )
        if focused["hit"]:
            assert focused["outline"], f"no visible focus on {focused}"
            return focused
    raise AssertionError(f"{condition} never took the focus in {TABS} presses of {key}")


def test_patron_searches_filters_pages_opens_a_work_and_exports_ris_with_the_keyboard_only(
    search_site,  # noqa: F811
    browser,
):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(f"{search_site}/")

    tab_to(page, "el.id === 'search-q'")
    page.keyboard.type("sholat")
    page.wait_for_selector("#search-q-suggestions li[role=option]")
    page.keyboard.press("Escape")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/cari/" in url and "q=sholat" in url)

    # A facet: Space on the checkbox applies it.
    tab_to(page, "el.type === 'checkbox' && el.name === 'provinsi' && el.value === 'Banten'")
    page.keyboard.press("Space")
    page.wait_for_url("**provinsi=Banten**")
    assert page.locator(".hit").count() == 1

    # Paging: two works a page (the address typed, as a keyboard user would), then the pager's next link.
    page.goto(f"{search_site}/cari/?q=sholat&per_halaman=2")
    tab_to(page, "el.getAttribute('rel') === 'next'")
    page.keyboard.press("Enter")
    page.wait_for_url("**halaman=2**")
    assert "Halaman 2" in page.locator(".pager").inner_text()

    # The record page, then its citation.
    tab_to(page, "el.closest('.hit-title') !== null")
    page.keyboard.press("Enter")
    page.wait_for_url("**/karya/**")
    assert page.locator(".holdings-table").count() == 1
    tab_to(page, "el.textContent.trim() === 'RIS'")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    (record,) = parse_ris(Path(download.value.path()).read_text(encoding="utf-8"))
    assert record["TY"] == ["BOOK"]


@pytest.fixture
def monev_site():
    world = committed(_create_world)
    try:
        with live_server_thread() as base:
            yield {"port": urlsplit(base).port, **world}
    finally:
        committed(_remove_world)


def test_librarian_signs_in_and_answers_a_self_assessment_indicator_with_the_keyboard_only(
    monev_site, browser, settings, tmp_path
):
    settings.MONEV_EVIDENCE_ROOT = tmp_path / "evidence"
    base = f"http://uji-aceh.localhost:{monev_site['port']}"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/akun/masuk/?next=/monev/")

    tab_to(page, "el.name === 'username'")
    page.keyboard.type("e2e-pustakawan-aceh")
    tab_to(page, "el.name === 'password'")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/monev/")

    tab_to(page, "el.tagName === 'A' && el.textContent.trim() === '2024'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/monev/{monev_site['draft']}/")
    assert page.locator("#progress-text").inner_text() == "80 dari 84 indikator terjawab"

    # The first option of the first unanswered indicator: Tab reaches the radio group, Space answers.
    code = LAST_KOLEKSI[0]
    tab_to(page, f"el.type === 'radio' && el.closest('[id=\"ind-{code}\"]') !== null")
    page.keyboard.press("Space")
    page.wait_for_function("document.getElementById('progress-text').textContent.startsWith('81 dari')")
    page.keyboard.press("ArrowDown")  # the next option of the same indicator: still one answer, changed
    page.wait_for_function("document.getElementById('save-state').textContent === 'Tersimpan'")
    checked = page.locator(f'[id="ind-{code}"] input[type=radio]:checked')
    assert checked.count() == 1 and checked.evaluate("el => el === document.activeElement")
    assert page.locator("#progress-text").inner_text() == "81 dari 84 indikator terjawab"
