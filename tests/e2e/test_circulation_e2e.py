"""The circulation desk in a real browser (Playwright + Debian chromium), with the keyboard only, as a
barcode scanner works (it types the code and Enter): the librarian of uji-aceh (managed in Simpul) logs in,
logs in, scans a member card, scans one of a record's two copies to lend it, sees "1/2 tersedia" in the union
search within seconds (a real Celery worker drains the outbox), and scans the copy alone to take it back.
Screenshots at 1280 and 360 px go to ``test-artifacts/circulation-*.png``.

The live server, the committed data and the hosts work as in tests/e2e/test_monev_e2e.py.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.celery_worker import running_worker
from tests.e2e.support import committed, live_server_thread, screenshot, settle_width, wider_than_the_screen
from tests.search.union_index import isolated_union_index, worker_index_prefix

PASSWORD = "rahasia-uji-123"
TITLE = "Moderasi Beragama di Madrasah Aliyah Negeri"
INDEX_WAIT_SECONDS = 20

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


@pytest.fixture(scope="module")
def worker_prefix() -> Iterator[str]:
    with worker_index_prefix() as prefix:
        yield prefix


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, worker_prefix):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SIMPUL_ES_PREFIX", worker_prefix)
        with django_db_blocker.unblock(), running_worker(name="uji-meja") as process:
            yield process


def _create_world() -> dict:
    from django_tenants.utils import tenant_context

    from catalog.normalized import NormalizedCopy
    from catalog.services import upsert_record
    from tenants import hostname_cache
    from tenants.models import Library, LibrarySystem
    from tests.catalog.circulation.builders import make_member, make_member_type
    from tests.factories import make_normalized_record, make_user

    library = Library.objects.get(code="uji-aceh")
    previous_system = library.system
    Library.objects.filter(pk=library.pk).update(system=LibrarySystem.SIMPUL)
    hostname_cache.forget_all()
    make_user("e2e-meja-pustakawan", password=PASSWORD, libraries=[library])
    with tenant_context(library):
        member_type = make_member_type(name="Peserta Diklat E2E")
        member = make_member(member_type, name="Muhammad Hafidz Ramadhan", member_code="PD26-0042")
        record = upsert_record(
            normalized=make_normalized_record(
                source_key="e2e-meja",
                title=TITLE,
                copies=(NormalizedCopy(item_code="E2E-MEJA-1"), NormalizedCopy(item_code="E2E-MEJA-2")),
            )
        ).record
    return {"system": previous_system, "member": member.pk, "type": member_type.pk, "record": record.pk}


def _remove_world(world: dict) -> None:
    from django_tenants.utils import tenant_context

    from catalog.models import AuditEntry, Fine, IndexOutbox, Loan, Member, MemberType, Record, Reservation
    from oaipmh.models import Entry
    from portal.accounts.models import User
    from tenants import hostname_cache
    from tenants.models import Library

    library = Library.objects.get(code="uji-aceh")
    with tenant_context(library):
        Fine.objects.filter(member_id=world["member"]).delete()
        Reservation.objects.filter(member_id=world["member"]).delete()
        loans = list(Loan.objects.filter(member_id=world["member"]).values_list("pk", flat=True))
        Loan.objects.filter(pk__in=loans).delete()
        AuditEntry.objects.filter(object_type="loan", object_id__in=loans).delete()
        Member.objects.filter(pk=world["member"]).delete()
        MemberType.objects.filter(pk=world["type"]).delete()
        Record.objects.filter(pk=world["record"]).delete()
        IndexOutbox.objects.filter(record_id=world["record"]).delete()
    Entry.objects.filter(library_id=library.pk, record_id=world["record"]).delete()  # the OAI-PMH feed's row
    Library.objects.filter(pk=library.pk).update(system=world["system"])
    hostname_cache.forget_all()
    User.objects.filter(username__startswith="e2e-meja").delete()


@pytest.fixture
def site(settings, worker, worker_prefix):
    with isolated_union_index(settings, prefix=worker_prefix):
        world = committed(_create_world)
        try:
            with live_server_thread() as base:
                yield {"port": urlsplit(base).port, **world}
        finally:
            committed(lambda: _remove_world(world))


def _scan(page, code: str) -> None:
    """What a scanner does: type the code into the focused box, then Enter."""
    page.keyboard.type(code)
    with page.expect_navigation():  # the scan posts the desk's form; wait for the page it answers with
        page.keyboard.press("Enter")


def _availability_in_union_search(page, portal: str, wanted: str) -> float:
    """Reload the union search until the record's holding says ``wanted``; return the seconds it took."""
    started = time.monotonic()
    while True:
        page.goto(f"{portal}/cari/?q={TITLE.replace(' ', '+')}")
        holdings = page.locator(".holdings").first
        if holdings.count() and wanted in holdings.inner_text():
            return time.monotonic() - started
        if time.monotonic() - started > INDEX_WAIT_SECONDS:
            pytest.fail(f"union search did not show {wanted!r} within {INDEX_WAIT_SECONDS} s")
        time.sleep(0.3)


def test_librarian_lends_and_takes_back_a_copy_with_the_keyboard_only(site, browser):
    library = f"http://uji-aceh.localhost:{site['port']}"
    portal = f"http://localhost:{site['port']}"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    search = browser.new_page(viewport={"width": 1280, "height": 900})
    _availability_in_union_search(search, portal, "2/2 tersedia")  # indexed before anything is lent

    page.goto(f"{library}/kelola/sirkulasi/")  # → the login page
    page.fill("input[name=username]", "e2e-meja-pustakawan")
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{library}/kelola/sirkulasi/")
    # From here on only the keyboard, as the scanner: the scan box has the focus on every page.
    assert page.evaluate("document.activeElement.id") == "scan-code"

    _scan(page, "PD26-0042")
    assert "Muhammad Hafidz Ramadhan" in page.locator(".member-panel").inner_text()
    _scan(page, "E2E-MEJA-1")
    assert "Dipinjam: E2E-MEJA-1" in page.locator("#scan-result").inner_text()
    assert TITLE in page.locator(".loans-table").inner_text()
    assert page.evaluate("document.activeElement.id") == "scan-code"
    screenshot(page, "circulation-desk-1280.png")

    seconds = _availability_in_union_search(search, portal, "1/2 tersedia")
    screenshot(search, "circulation-union-search-1-of-2.png", full_page=False)
    assert seconds < INDEX_WAIT_SECONDS

    page.set_viewport_size({"width": 360, "height": 800})
    settle_width(page)
    assert wider_than_the_screen(page) == []
    screenshot(page, "circulation-desk-360.png")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.keyboard.press("Escape")  # close the member: the desk without anyone open
    page.wait_for_url(f"{library}/kelola/sirkulasi/")
    _scan(page, "E2E-MEJA-1")  # a copy scanned alone is taken back
    assert "Dikembalikan: E2E-MEJA-1" in page.locator("#scan-result").inner_text()
    screenshot(page, "circulation-desk-check-in-1280.png")

    _scan(page, "TIDAK-ADA-99")
    assert "tidak dikenal" in page.locator("#scan-result").inner_text()
    page.set_viewport_size({"width": 360, "height": 800})
    settle_width(page)
    assert wider_than_the_screen(page) == []
    screenshot(page, "circulation-desk-refused-360.png")

    _availability_in_union_search(search, portal, "2/2 tersedia")


def _overdue_loan_and_fine(world: dict) -> int:
    from datetime import timedelta
    from decimal import Decimal

    from django_tenants.utils import tenant_context

    from catalog.circulation import calendar
    from catalog.models import Fine, Item, Loan
    from tenants.models import Library

    with tenant_context(Library.objects.get(code="uji-aceh")):
        today = calendar.today()
        item = Item.objects.get(item_code="E2E-MEJA-2")
        loan = Loan.objects.create(
            item=item,
            member_id=world["member"],
            loan_date=today - timedelta(days=21),
            due_date=today - timedelta(days=9),
        )
        return Fine.objects.create(
            member_id=world["member"], loan=loan, amount=Decimal("4500"), days_late=9, accrued_on=today
        ).pk


def test_every_circulation_page_fits_a_360_px_screen(site, browser):
    fine_id = committed(lambda: _overdue_loan_and_fine(site))
    library = f"http://uji-aceh.localhost:{site['port']}"
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(f"{library}/kelola/sirkulasi/")
    page.fill("input[name=username]", "e2e-meja-pustakawan")
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{library}/kelola/sirkulasi/")
    member = site["member"]
    pages = {
        "members": "/kelola/sirkulasi/anggota/",
        "member": f"/kelola/sirkulasi/anggota/{member}/",
        "member-form": f"/kelola/sirkulasi/anggota/{member}/ubah/",
        "desk-member": f"/kelola/sirkulasi/meja/{member}/",
        "overdue": "/kelola/sirkulasi/terlambat/",
        "fines": "/kelola/sirkulasi/denda/",
        "fine": f"/kelola/sirkulasi/denda/{fine_id}/",
        "reservations": "/kelola/sirkulasi/reservasi/",
        "member-types": "/kelola/sirkulasi/jenis-anggota/",
        "closing-days": "/kelola/sirkulasi/hari-libur/",
        "figures": "/kelola/sirkulasi/statistik/",
    }
    too_wide = {}
    for name, path in pages.items():
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 800})
            response = page.goto(f"{library}{path}")
            assert response.status == 200, path
            settle_width(page)
            if wider_than_the_screen(page):
                too_wide[f"{name}@{width}"] = wider_than_the_screen(page)
            screenshot(page, f"circulation-{name}-{width}.png")
    assert too_wide == {}
    page.goto(f"{library}/kelola/sirkulasi/meja/{member}/")
    assert "terlambat 9 hari" in page.locator(".loans-table").inner_text()
