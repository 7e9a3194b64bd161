"""Two pages of the hardening work in a real browser (Playwright + Debian chromium) against a live server:
the lockout page a visitor gets after five failed sign-ins, and the admin's page that names what deleting
a library drops, confirmed there. Both fit 1280 and 360 px; screenshots go to
``test-artifacts/hardening-*.png``. Data is committed on a connection of its own and removed (see
tests/e2e/support.py).
"""

from __future__ import annotations

import datetime
import uuid

import pytest

from tests.e2e.support import committed, live_server_thread, screenshot, settle_width, wider_than_the_screen

PASSWORD = "rahasia-uji-123"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


def _visitor() -> str:
    from tests.factories import make_user

    return make_user(f"e2e-kunci-{uuid.uuid4().hex[:8]}").username


def _remove_user(username: str) -> None:
    from axes.models import AccessAttempt, AccessLog

    from portal.accounts.models import User

    AccessAttempt.objects.filter(username=username).delete()
    AccessLog.objects.filter(username=username).delete()
    User.objects.filter(username=username).delete()


def _library_to_delete():
    """A library with a record of two copies, a member with a loan and a harvest source with a run
    (written straight into its tables: nothing here is indexed)."""
    from django_tenants.utils import tenant_context

    from catalog.models import Item, Loan, Member, Record
    from harvest.models import HarvestRun, HarvestSource
    from tests.factories import make_user
    from tests.harvest.harvesting import fresh_library

    library = fresh_library("e2e-hapus")
    with tenant_context(library):
        record = Record.objects.create(source_key="e2e-1", title="Tafsir Al-Misbah")
        first = Item.objects.create(record=record, item_code="E2E-1")
        Item.objects.create(record=record, item_code="E2E-2")
        member = Member.objects.create(member_code="M-1", name="Anggota E2E")
        Loan.objects.create(
            item=first, member=member, loan_date=datetime.date(2024, 5, 1), due_date=datetime.date(2024, 5, 8)
        )
    HarvestRun.objects.create(source=HarvestSource.objects.create(library=library, name="SLiMS E2E"))
    operator = make_user(f"e2e-operator-{uuid.uuid4().hex[:8]}", global_role="operator")
    return library, operator.username


def _sign_in(page, base: str, username: str, password: str, path: str = "/akun/masuk/") -> None:
    page.goto(f"{base}{path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form [type=submit]").last.click()
    page.wait_for_load_state()


def _fits(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    settle_width(page)
    assert wider_than_the_screen(page) == []


def test_five_failed_sign_ins_show_the_lockout_page(browser):
    username = committed(_visitor)
    try:
        with live_server_thread() as base:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            for _ in range(5):
                _sign_in(page, base, username, "keliru")

            assert page.locator("h1").inner_text() == "Masuk dikunci sementara"
            assert "15 menit" in page.locator("main").inner_text()
            screenshot(page, "hardening-lockout-1280.png")
            _fits(page, 360)
            screenshot(page, "hardening-lockout-360.png")

            _sign_in(page, base, username, PASSWORD)  # the right password no longer helps
            assert page.locator("h1").inner_text() == "Masuk dikunci sementara"
    finally:
        committed(lambda: _remove_user(username))


def test_the_admin_names_what_deleting_a_library_drops_and_deletes_on_confirmation(browser):
    from tenants.models import Library

    library, operator = committed(_library_to_delete)
    try:
        with live_server_thread() as base:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            _sign_in(page, base, operator, PASSWORD, path="/admin/login/?next=/admin/tenants/library/")
            page.goto(f"{base}/admin/tenants/library/?q={library.code}")
            page.check(f"input[name=_selected_action][value='{library.pk}']")
            page.select_option("select[name=action]", "delete_with_schema")
            page.locator("button[name=index]").click()
            page.wait_for_load_state()

            summary = page.locator(".deletion-summary").text_content()
            assert library.schema_name in summary and f"{library.code}.localhost" in summary
            for text in ("Cantuman", "Eksemplar", "Anggota", "Peminjaman", "Sumber panen", "Run panen"):
                assert text in summary
            screenshot(page, "hardening-delete-1280.png")
            _fits(page, 360)
            screenshot(page, "hardening-delete-360.png")
            assert committed(lambda: Library.objects.filter(pk=library.pk).exists())

            page.get_by_role("button", name="Ya, hapus beserta skemanya").click()
            page.wait_for_load_state()
            assert "dihapus beserta skemanya" in page.locator(".messagelist").inner_text()
            assert not committed(lambda: Library.objects.filter(pk=library.pk).exists())
    finally:
        from tests.harvest.harvesting import remove_library

        committed(lambda: remove_library(library))
        committed(lambda: _remove_user(operator))
