"""A real worker over real Redis; /healthz with every service up, then with one really stopped."""

import shutil
import subprocess
import time

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from catalog.models import Record
from catalog.services import upsert_record
from catalog.tasks import update_collection_counts
from tenants.models import Library
from tests.celery_worker import running_worker
from tests.factories import LIBRARY_A, LIBRARY_B, make_normalized_record
from tests.ports import free_port


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), running_worker(name="uji-kesehatan") as process:
        yield process


@pytest.fixture
def committed_record_in_a(django_db_blocker):
    with django_db_blocker.unblock():
        library_a = Library.objects.get(code=LIBRARY_A["code"])
        with tenant_context(library_a):
            record = upsert_record(normalized=make_normalized_record(title="Moderasi Beragama")).record
        yield record
        with tenant_context(library_a):
            Record.objects.filter(pk=record.pk).delete()
        connection.set_schema_to_public()


def test_task_sent_for_a_runs_in_a_schema_and_sees_only_a_rows(
    worker, committed_record_in_a, django_db_blocker
):
    with django_db_blocker.unblock():
        library_a = Library.objects.get(code=LIBRARY_A["code"])
        library_b = Library.objects.get(code=LIBRARY_B["code"])
        with tenant_context(library_a):
            result_a = update_collection_counts.delay()
        with tenant_context(library_b):
            result_b = update_collection_counts.delay()

        summary_a, summary_b = result_a.get(timeout=30), result_b.get(timeout=30)

        assert summary_a == {"schema": library_a.schema_name, "records": 1, "copies": 2}
        assert summary_b == {"schema": library_b.schema_name, "records": 0, "copies": 0}
        library_a.refresh_from_db()
        assert (library_a.record_count, library_a.copy_count) == (1, 2)


def test_healthz_is_200_when_every_service_is_up(worker, client, db):
    response = client.get("/healthz", HTTP_HOST="localhost")

    body = response.json()
    assert response.status_code == 200, body
    assert body["down"] == []
    assert set(body["services"]) == {"postgresql", "redis", "elasticsearch", "celery"}
    assert "uji-kesehatan@" in body["services"]["celery"]["detail"]


@pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="redis-server is installed by scripts/services"
)
def test_healthz_is_503_naming_redis_when_redis_is_stopped(worker, client, db, settings, tmp_path):
    port = free_port()
    redis_process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    try:
        settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
        for _ in range(50):
            if client.get("/healthz", HTTP_HOST="localhost").json()["services"]["redis"]["up"]:
                break
            time.sleep(0.1)
        assert client.get("/healthz", HTTP_HOST="localhost").status_code == 200

        redis_process.terminate()
        redis_process.wait(timeout=10)
        response = client.get("/healthz", HTTP_HOST="localhost")

        assert response.status_code == 503
        assert response.json()["down"] == ["redis"]
    finally:
        if redis_process.poll() is None:
            redis_process.kill()


def test_healthz_is_503_naming_celery_when_the_worker_is_stopped(worker, client, db):
    worker.terminate()
    worker.wait(timeout=30)

    response = client.get("/healthz", HTTP_HOST="localhost")

    assert response.status_code == 503
    assert response.json()["down"] == ["celery"]
