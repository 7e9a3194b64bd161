"""A real worker over real Redis; /healthz with every service up, then with one really stopped. Anonymous
callers learn only up or down; operators and the health token see which service and why."""

import shutil
import subprocess
import time

import pytest
import redis
from django.core.cache import caches
from django.db import connection
from django_tenants.utils import tenant_context

from catalog.models import Record
from catalog.services import upsert_record
from catalog.tasks import update_collection_counts
from portal.health import CELERY_PING_CACHE_KEY
from tenants.models import Library
from tests.celery_worker import running_worker
from tests.factories import LIBRARY_A, LIBRARY_B, host_of, make_normalized_record, make_user
from tests.ports import free_port


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), running_worker(name="uji-kesehatan") as process:
        yield process


HEALTH_TOKEN = "uji-token-kesehatan"


@pytest.fixture(autouse=True)
def _no_remembered_ping():
    """Each test starts without a Celery ping remembered by an earlier one (the cache is real Redis)."""
    caches["shared"].delete(CELERY_PING_CACHE_KEY)
    yield
    caches["shared"].delete(CELERY_PING_CACHE_KEY)


@pytest.fixture
def health_token(settings):
    settings.HEALTH_TOKEN = HEALTH_TOKEN
    return {"HTTP_AUTHORIZATION": f"Bearer {HEALTH_TOKEN}"}


def healthz(client, **headers):
    return client.get("/healthz", HTTP_HOST="localhost", **headers)


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


def test_task_sent_for_a_runs_in_a_schema_and_sees_only_a_rows(committed_record_in_a, django_db_blocker):
    # A worker of its own: pytest-django runs this test (no ``db``) after the ones that stop the module's.
    with django_db_blocker.unblock(), running_worker(name="uji-tugas"):
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


def test_healthz_is_200_when_every_service_is_up(worker, client, db, health_token):
    response = healthz(client, **health_token)

    body = response.json()
    assert response.status_code == 200, body
    assert body["down"] == []
    assert set(body["services"]) == {"postgresql", "redis", "elasticsearch", "celery"}
    assert "uji-kesehatan@" in body["services"]["celery"]["detail"]


def test_anonymous_healthz_says_only_up(worker, client, db, health_token):
    response = healthz(client)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    for detail in ("PostgreSQL", "redis", "cluster", "uji-kesehatan", "worker"):
        assert detail not in response.text


@pytest.mark.parametrize(
    "authorization",
    ["Bearer salah", f"Basic {HEALTH_TOKEN}", f"Bearer {HEALTH_TOKEN}x", HEALTH_TOKEN, "Bearer "],
)
def test_a_wrong_token_gets_no_detail(worker, client, db, health_token, authorization):
    assert healthz(client, HTTP_AUTHORIZATION=authorization).json() == {"status": "ok"}


def test_no_token_is_accepted_when_none_is_set(worker, client, db, settings):
    settings.HEALTH_TOKEN = ""
    assert healthz(client, HTTP_AUTHORIZATION="Bearer ").json() == {"status": "ok"}


@pytest.mark.parametrize(("role", "sees_detail"), [("operator", True), ("supervisor", False), ("", False)])
def test_only_operators_see_the_detail_when_signed_in(worker, client, db, role, sees_detail):
    client.force_login(make_user(f"kesehatan-{role or 'biasa'}", global_role=role))

    assert ("services" in healthz(client).json()) is sees_detail


def test_a_library_host_answers_healthz_the_same_way(worker, client, library_a, health_token):
    assert client.get("/healthz", HTTP_HOST=host_of(library_a)).json() == {"status": "ok"}
    assert "services" in client.get("/healthz", HTTP_HOST=host_of(library_a), **health_token).json()


def test_many_healthz_requests_ping_the_broker_once(worker, client, db, settings):
    """The broadcast a Celery ping publishes is counted on the broker itself: kombu's Redis transport
    publishes a control broadcast on the channel ``/<db>.celery.pidbox``."""
    settings.HEALTH_CELERY_CACHE_SECONDS = 60  # nothing expires while the requests run
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    pubsub = broker.pubsub()
    try:
        pubsub.psubscribe(f"/{broker.connection_pool.connection_kwargs.get('db', 0)}.celery.pidbox*")
        assert pubsub.get_message(timeout=5)["type"] == "psubscribe"

        statuses = {healthz(client).status_code for _ in range(20)}

        broadcasts = 0
        for _ in range(100):  # bounded: the publishes happened before each ping returned
            message = pubsub.get_message(timeout=0.5)
            if message is None:
                break
            broadcasts += message["type"] == "pmessage"
    finally:
        pubsub.close()
        broker.close()
    assert statuses == {200}
    assert broadcasts == 1


@pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="redis-server is installed by scripts/services"
)
def test_healthz_is_503_naming_redis_when_redis_is_stopped(
    worker, client, db, settings, tmp_path, health_token
):
    port = free_port()
    redis_process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    try:
        settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
        for _ in range(50):
            if healthz(client, **health_token).json()["services"]["redis"]["up"]:
                break
            time.sleep(0.1)
        assert healthz(client, **health_token).status_code == 200

        redis_process.terminate()
        redis_process.wait(timeout=10)
        response = healthz(client, **health_token)
        anonymous = healthz(client)

        assert response.status_code == 503
        assert response.json()["down"] == ["redis"]
        assert "ConnectionError" in response.json()["services"]["redis"]["detail"]
        assert anonymous.status_code == 503
        assert anonymous.json() == {"status": "down"}  # neither which service nor the error's text
    finally:
        if redis_process.poll() is None:
            redis_process.kill()


def test_healthz_is_503_naming_celery_when_the_worker_is_stopped(worker, client, db, settings, health_token):
    settings.HEALTH_CELERY_CACHE_SECONDS = 1
    assert healthz(client, **health_token).status_code == 200  # the worker's "up" is now remembered

    worker.terminate()
    worker.wait(timeout=30)
    deadline = time.monotonic() + 30  # the remembered answer expires after 1 s; a ping then takes 1 s
    response = healthz(client, **health_token)
    while response.status_code != 503 and time.monotonic() < deadline:
        time.sleep(0.2)
        response = healthz(client, **health_token)

    assert response.status_code == 503
    assert response.json()["down"] == ["celery"]
    assert "no Celery worker answered" in response.json()["services"]["celery"]["detail"]
