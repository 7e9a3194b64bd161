"""How the long-lived processes start: a real gunicorn with the web settings (portal/gunicorn_conf.py, shared
by the Dockerfile, docker-compose.yml and bench/search.py) serves the portal, and web and Celery worker
processes tune their garbage collector (portal/gc_tuning.py)."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from portal import gc_tuning, gunicorn_conf
from tests.ports import free_port

REPO = Path(__file__).resolve().parents[2]


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers=headers or {}), timeout=30
        ) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:  # /healthz answers 503 when a service is down: still served
        return error.code, error.read()


@pytest.mark.django_db
def test_gunicorn_serves_the_portal_with_these_settings():
    port = free_port()
    env = {
        **os.environ,
        "SIMPUL_PG_DB": connection.settings_dict["NAME"],  # the test database, as the Celery test worker
        "SIMPUL_WEB_WORKERS": "2",
        "SIMPUL_WEB_ACCESS_LOG": "",
        "SIMPUL_HEALTH_TOKEN": "gunicorn-test-token",  # the services' detail, not only up or down
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "portal.wsgi:application",
        "-c",
        "python:portal.gunicorn_conf",
    ]
    server = subprocess.Popen([*command, "--bind", f"127.0.0.1:{port}"], cwd=REPO, env=env)
    try:
        status, body = 0, b""
        for _ in range(120):  # up to 60 s for the workers to import Django
            try:
                status, body = _get(
                    f"http://127.0.0.1:{port}/healthz", {"Authorization": "Bearer gunicorn-test-token"}
                )
                break
            except (
                urllib.error.URLError,
                ConnectionError,
                TimeoutError,
            ):  # booting: a loaded machine is slow
                assert server.poll() is None, "gunicorn exited"
                time.sleep(0.5)
        assert status in (200, 503), body[:2000]  # 503 only names a service that is down
        assert json.loads(body)["services"]["postgresql"]["up"] is True
        workers = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
        ).stdout.split()
        assert len(workers) == 2
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_sync_workers_four_per_core_by_default():
    assert gunicorn_conf.worker_class == "sync"
    assert gunicorn_conf.workers == int(os.environ.get("SIMPUL_WEB_WORKERS", 4 * (os.cpu_count() or 1)))


@pytest.fixture
def frozen_before():
    """How many objects were frozen before the test; the collector is put back as it was afterwards."""
    thresholds, frozen = gc.get_threshold(), gc.get_freeze_count()
    yield frozen
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_a_worker_freezes_its_start_up_objects_and_collects_less_often(frozen_before):
    gunicorn_conf.post_worker_init(worker=None)
    assert gc.get_threshold() == gc_tuning.THRESHOLDS
    assert gc.get_freeze_count() > frozen_before


def test_a_celery_worker_process_tunes_its_collector_when_it_starts(frozen_before):
    from celery.signals import worker_process_init

    import portal.celery  # noqa: F401  (connects the signal)

    worker_process_init.send(sender=None)
    assert gc.get_threshold() == gc_tuning.THRESHOLDS
    assert gc.get_freeze_count() > frozen_before
