"""The import page end to end with a real Celery worker: upload → dry-run preview → start → the task runs in
the library's schema → progress says finished → the problem report downloads as CSV."""

from __future__ import annotations

import time

import pytest

from catalog.models import ImportJob
from harvest.models import HarvestRun
from tests.catalog.roles import managed
from tests.catalog.transfer.builders import iso2709, marc, named
from tests.celery_worker import running_worker
from tests.factories import host_of, make_user
from tests.search.union_index import worker_index_prefix


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    from portal.celery import app

    with worker_index_prefix() as prefix, pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock():
        patch.setenv("SIMPUL_ES_PREFIX", prefix)
        app.control.purge()
        with running_worker(name="uji-impor") as process:
            yield process


def test_upload_preview_start_progress_and_report(worker, library):
    from django.test import Client

    from tenants.models import Library, LibrarySystem

    Library.objects.filter(pk=library.pk).update(system=LibrarySystem.SIMPUL)
    managed(library)
    user = make_user(f"pustakawan-{library.code}", libraries=[library])
    client = Client()
    client.force_login(user)
    host = host_of(library)
    broken = bytearray(iso2709(marc("t-2", "Rusak")))
    broken[12:17] = b"00000"
    data = (
        iso2709(marc("t-1", "Fiqih Ibadah"))
        + bytes(broken)
        + iso2709(*(marc(f"t-{n}", f"Hadis {n}") for n in range(3, 160)))
    )
    try:
        upload = client.post(
            "/kelola/impor-ekspor/", {"file": named(data, "koleksi.mrc"), "format": "auto"}, HTTP_HOST=host
        )
        assert upload.status_code == 302
        job_url = upload["Location"]
        preview = client.get(job_url, HTTP_HOST=host).content.decode()
        assert "Pratinjau" in preview and "Fiqih Ibadah" in preview and "BaseAddressNotFound" in preview

        started = client.post(f"{job_url}mulai/", HTTP_HOST=host)
        assert started.status_code == 302
        deadline = time.monotonic() + 60
        while (progress := client.get(f"{job_url}progres.json", HTTP_HOST=host).json()).get("active", True):
            assert time.monotonic() < deadline, progress
            time.sleep(0.2)

        assert (progress["status"], progress["created"], progress["failed"]) == ("partial", 158, 1)
        assert progress["total"] == 159 and progress["percent"] == 100
        report = client.get(f"{job_url}laporan.csv", HTTP_HOST=host)
        lines = b"".join(report.streaming_content).decode().splitlines()
        assert lines[0] == "posisi,identitas,alasan" and lines[1].startswith("2,rekaman #2,")
    finally:
        from django_tenants.utils import tenant_context

        with tenant_context(library):
            run_ids = list(ImportJob.objects.values_list("run_id", flat=True))
        HarvestRun.objects.filter(pk__in=[pk for pk in run_ids if pk]).delete()
        user.delete()
