"""Monev in a real browser (Playwright + Debian chromium) against a live server: the librarian of uji-aceh
fills the last indicators on the library's host (autosave, progress, evidence upload) and submits; the
supervisor returns it on the portal with a comment on indicator 1.1; the librarian sees the comment beside
1.1, fixes it and resubmits; the supervisor verifies; the dashboard ranks uji-aceh first. Screenshots
(also at 360 px) go to ``test-artifacts/monev-*.png``.

Like tests/e2e/test_search_e2e.py this starts Django's ``LiveServerThread`` itself (``live_server_thread``
in tests/e2e/support.py) instead of using the ``live_server`` fixture, whose ``transactional_db`` teardown
would flush the session's libraries. The live server reads committed data, so the data is written on a
connection of its own (``committed``, outside the test's transaction) and removed at the end.
``uji-aceh.localhost`` resolves to 127.0.0.1 in Chromium: the librarian uses the library's own host, the
supervisor ``localhost``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.e2e.support import committed, live_server_thread, screenshot, settle_width, wider_than_the_screen

PASSWORD = "rahasia-uji-123"
LAST_KOLEKSI = ("1.17", "1.18", "1.19", "1.20")  # left for the librarian to answer in the browser

# django_db: so the test database is set up (and used) even when this module runs alone; the data the
# live server reads is written by committed(), outside the test's transaction.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


def _create_world() -> dict:
    """uji-medan verified at 65.00 in 2024; uji-aceh verified at 60 in 2023 and a 2024 draft with every
    indicator answered b except the last four of koleksi."""
    from monev import services
    from tenants.models import Library
    from tests.factories import make_user
    from tests.monev import builders

    aceh = Library.objects.get(code="uji-aceh")
    medan = Library.objects.get(code="uji-medan")
    librarian = make_user("e2e-pustakawan-aceh", password=PASSWORD, libraries=[aceh])
    supervisor = make_user("e2e-pembina", password=PASSWORD, global_role="supervisor")
    operator = make_user("e2e-operator", global_role="operator")
    builders.verified(aceh, by=librarian, supervisor=supervisor, year=2023, letter="c")
    builders.verified(
        medan,
        by=operator,
        supervisor=supervisor,
        year=2024,
        letter="c",
        overrides={f"3.{n}": "b" for n in range(1, 16)},
    )
    draft = builders.start(aceh, by=librarian, year=2024)
    answers = builders.all_answers(draft, "b")
    for code in LAST_KOLEKSI:
        answers.pop(code)
    services.save_answers(assessment=draft, options=answers, by=librarian)
    return {"draft": draft.pk}


def _remove_world() -> None:
    from monev.models import Assessment, AuditEvent, HistoricScore
    from portal.accounts.models import User

    codes = ("uji-aceh", "uji-medan")
    AuditEvent.objects.filter(library__code__in=codes).delete()
    Assessment.objects.filter(library__code__in=codes).delete()
    HistoricScore.objects.filter(library__code__in=codes).delete()
    User.objects.filter(username__startswith="e2e-").delete()


@pytest.fixture
def site(settings, tmp_path):
    settings.MONEV_EVIDENCE_ROOT = tmp_path / "evidence"
    world = committed(_create_world)
    try:
        with live_server_thread() as base:
            yield {"port": urlsplit(base).port, **world}
    finally:
        committed(_remove_world)


def _login(page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/akun/masuk/?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}{next_path}")


def _indicator(page, code: str):
    return page.locator(f'[id="ind-{code}"]')


def test_librarian_submits_supervisor_returns_librarian_resubmits_supervisor_verifies(site, browser):
    library_base = f"http://uji-aceh.localhost:{site['port']}"
    portal_base = f"http://localhost:{site['port']}"
    form_path = f"/monev/{site['draft']}/"

    # The librarian answers the last four indicators; each answer is autosaved and the progress moves.
    librarian = browser.new_page(viewport={"width": 1280, "height": 900})
    _login(librarian, library_base, "e2e-pustakawan-aceh", "/monev/")
    librarian.get_by_role("link", name="2024").click()
    librarian.wait_for_url(f"{library_base}{form_path}")
    assert librarian.locator("#progress-text").inner_text() == "80 dari 84 indikator terjawab"
    assert librarian.locator("#submit-button").is_disabled()
    for answered, code in enumerate(LAST_KOLEKSI, 81):
        _indicator(librarian, code).locator('input[value="b"]').check()
        librarian.wait_for_function(
            f"document.getElementById('progress-text').textContent.startsWith('{answered} dari')"
        )
    librarian.wait_for_function("document.getElementById('save-state').textContent === 'Tersimpan'")
    assert librarian.locator("#total-text").inner_text() == "80,00"
    assert librarian.locator("#grade-text").inner_text() == "B – Baik"
    assert "Naikkan indikator" in librarian.locator("#todo-list").inner_text()

    # A note (autosaved after typing stops) and an evidence file for 1.1.
    _indicator(librarian, "1.1").locator("textarea").fill("Kebijakan disahkan Kepala Balai, 2024.")
    librarian.wait_for_timeout(1200)
    librarian.wait_for_function("document.getElementById('save-state').textContent === 'Tersimpan'")
    _indicator(librarian, "1.1").locator("summary").click()
    _indicator(librarian, "1.1").locator("input[type=file]").set_input_files(
        {"name": "kebijakan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
    )
    _indicator(librarian, "1.1").get_by_role("button", name="Unggah").click()
    librarian.wait_for_load_state()
    assert "kebijakan.pdf" in _indicator(librarian, "1.1").inner_text()
    assert "Kebijakan disahkan" in _indicator(librarian, "1.1").locator("textarea").input_value()
    screenshot(librarian, "monev-1-librarian-filled.png", full_page=False)

    librarian.locator("#submit-button").click()
    librarian.wait_for_load_state()
    assert "Diajukan" in librarian.locator(".status-badge").inner_text()
    assert librarian.locator("#submit-button").count() == 0

    # Before verification the 2024 ranking holds uji-medan only.
    supervisor = browser.new_page(viewport={"width": 1280, "height": 900})
    _login(supervisor, portal_base, "e2e-pembina", "/monev/tinjau/")
    dashboard_before = supervisor.request.get(f"{portal_base}/monev/?tahun=2024").text()
    assert 'data-library="uji-aceh"' not in dashboard_before

    # The supervisor returns it with a comment on 1.1.
    supervisor.get_by_role("link", name="Perpustakaan Uji Aceh", exact=True).click()
    supervisor.wait_for_url(f"{portal_base}/monev/penilaian/{site['draft']}/")
    supervisor.fill(
        'textarea[name="komentar-1.1"]', "Kebijakan belum ditinjau ulang; lampirkan notulen peninjauan."
    )
    screenshot(supervisor, "monev-2-supervisor-review.png", full_page=False)
    supervisor.locator("#return-button").click()
    supervisor.wait_for_load_state()
    assert "Dikembalikan" in supervisor.locator(".status-badge").inner_text()

    # The librarian sees the comment beside 1.1, answers a, resubmits.
    librarian.goto(f"{library_base}{form_path}")
    assert "Dikembalikan pembina dengan komentar" in librarian.locator(".notice").inner_text()
    comment = _indicator(librarian, "1.1").locator(".review-comment")
    assert "lampirkan notulen peninjauan" in comment.inner_text()
    screenshot(librarian, "monev-3-librarian-returned.png")
    _indicator(librarian, "1.1").locator('input[value="a"]').check()
    librarian.wait_for_function("document.getElementById('total-text').textContent === '80,20'")
    librarian.set_viewport_size({"width": 360, "height": 740})
    _indicator(librarian, "1.1").scroll_into_view_if_needed()
    settle_width(librarian)
    assert wider_than_the_screen(librarian) == []
    screenshot(librarian, "monev-3b-librarian-returned-360.png", full_page=False)
    librarian.get_by_role("button", name="Ajukan ulang ke pembina").click()
    librarian.wait_for_load_state()
    assert "Diajukan" in librarian.locator(".status-badge").inner_text()

    # The supervisor verifies; the dashboard now ranks uji-aceh first, 20.20 up on 2023.
    supervisor.goto(f"{portal_base}/monev/penilaian/{site['draft']}/")
    assert "diajukan" in supervisor.locator(".audit-list").inner_text().lower()
    supervisor.locator("#verify-button").click()
    supervisor.wait_for_load_state()
    assert "Terverifikasi" in supervisor.locator(".status-badge").inner_text()
    supervisor.goto(f"{portal_base}/monev/?tahun=2024")
    first = supervisor.locator(".ranking-table tbody tr").first
    assert first.get_attribute("data-library") == "uji-aceh"
    assert first.locator(".rank").inner_text() == "1"
    assert first.locator(".total").inner_text() == "80,20"
    assert first.locator(".change").inner_text() == "+20,20"
    assert supervisor.locator('.ranking-table tr[data-library="uji-medan"] .rank').inner_text() == "2"
    supervisor.wait_for_function("document.querySelectorAll('canvas').length >= 4")
    supervisor.wait_for_timeout(600)  # let Chart.js draw
    screenshot(supervisor, "monev-4-dashboard.png")
    supervisor.set_viewport_size({"width": 360, "height": 740})
    settle_width(supervisor)  # Chart.js redraws the canvases at the new width
    assert wider_than_the_screen(supervisor) == []
    screenshot(supervisor, "monev-4b-dashboard-360.png", full_page=False)

    # The verified assessment is read-only on the library's site.
    librarian.goto(f"{library_base}{form_path}")
    assert librarian.locator("fieldset[disabled]").count() == 84
    assert "Terverifikasi" in librarian.locator(".status-badge").inner_text()
