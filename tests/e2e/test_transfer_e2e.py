"""The librarian's import/export, labels and reports pages in a real browser (Playwright + Debian chromium)
on a managed library's host: upload a MARC file, see the dry-run preview, the reports with their charts and
tables, the label page — at 1280 and 360 px (nothing wider than the screen). Screenshots go to
``test-artifacts/transfer-*.png``. The import itself runs in a worker in test_import_task.py."""

from __future__ import annotations

from datetime import date

import pytest

from tests.e2e.support import committed, live_server_thread, screenshot, settle_width, wider_than_the_screen

PASSWORD = "rahasia-uji-123"
pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


def _create_world():
    from django_tenants.utils import tenant_context

    from catalog.models import Item
    from catalog.services import upsert_records
    from tenants.models import Library, LibrarySystem
    from tests.factories import make_normalized_record, make_user
    from tests.harvest.harvesting import fresh_library

    library = fresh_library("e2e-impor")
    Library.objects.filter(pk=library.pk).update(system=LibrarySystem.SIMPUL)
    make_user("e2e-pustakawan-impor", password=PASSWORD, libraries=[library])
    with tenant_context(library):
        classes = ["2X4.1", "297.4", "371.07", "899.221", "2X7.5", "080"]
        upsert_records(
            [
                make_normalized_record(
                    classification=classes[n % 6],
                    publish_year=str(2015 + n % 9),
                    language="ar" if n % 4 == 0 else "id",
                )
                for n in range(40)
            ],
            source_id=None,
        )
        for number, item in enumerate(Item.objects.order_by("pk")):
            Item.objects.filter(pk=item.pk).update(acquired_on=date(date.today().year, 1 + number % 12, 5))
    return library


def _remove_world(library) -> None:
    from portal.accounts.models import User
    from tests.harvest.harvesting import remove_library

    remove_library(library)
    User.objects.filter(username="e2e-pustakawan-impor").delete()


def test_import_preview_reports_and_labels_at_1280_and_360(browser, tmp_path):
    from tests.catalog.transfer.builders import iso2709, marc

    library = committed(_create_world)
    upload = tmp_path / "koleksi-slims.mrc"
    upload.write_bytes(
        iso2709(*(marc(f"e-{n}", f"Tafsīr Tematik Jilid {n}", copies=(f"E{n:04d}",)) for n in range(1, 30)))
    )
    try:
        with live_server_thread() as base:
            site = base.replace("localhost", f"{library.code}.localhost")
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{site}/akun/masuk/?next=/kelola/impor-ekspor/")
            page.fill("input[name=username]", "e2e-pustakawan-impor")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/kelola/impor-ekspor/")
            screenshot(page, "transfer-home-1280.png")
            page.set_input_files("input[name=file]", str(upload))
            page.click("text=Unggah dan lihat pratinjau")
            page.wait_for_selector("text=Mulai impor")
            assert "Tafsīr Tematik Jilid 1" in page.content()
            screenshot(page, "transfer-preview-1280.png")
            preview_url = page.url
            page.goto(f"{site}/kelola/laporan/")
            page.wait_for_function("document.querySelectorAll('canvas').length >= 5")
            screenshot(page, "transfer-reports-1280.png")
            page.goto(f"{site}/kelola/impor-ekspor/label/")
            screenshot(page, "transfer-labels-1280.png")

            page.set_viewport_size({"width": 360, "height": 800})
            for path, name in [
                (preview_url, "preview"),
                (f"{site}/kelola/laporan/", "reports"),
                (f"{site}/kelola/impor-ekspor/", "home"),
                (f"{site}/kelola/impor-ekspor/label/", "labels"),
            ]:
                page.goto(path)
                settle_width(page)
                assert wider_than_the_screen(page) == [], name
                screenshot(page, f"transfer-{name}-360.png")
    finally:
        committed(lambda: _remove_world(library))
