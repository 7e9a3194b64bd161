"""Start a real Celery worker process against the test database and the real Redis broker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

REPO = Path(__file__).resolve().parent.parent


@contextmanager
def running_worker(*, name: str = "uji", timeout: float = 60.0):
    """Yield a worker process (solo pool) that uses this test run's database; stop it afterwards."""
    from portal.celery import app

    env = {**os.environ, "SIMPUL_PG_DB": connection.settings_dict["NAME"], "PYTHONUNBUFFERED": "1"}
    log_path = REPO / "test-artifacts" / f"celery-{name}.log"
    log_path.parent.mkdir(exist_ok=True)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool=solo",
                "-n",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + timeout
            while not any(
                f"{name}@" in worker for reply in app.control.ping(timeout=0.5) for worker in reply
            ):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"Celery worker did not start; see {log_path}:\n{log_path.read_text()[-3000:]}"
                    )
            yield process
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
