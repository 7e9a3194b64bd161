"""Liveness of everything Simpul depends on, for ``GET /healthz`` and operators' monitoring."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import connection

from search.es import get_client


@dataclass(frozen=True)
class ServiceState:
    name: str
    up: bool
    detail: str
    elapsed_ms: float


def check_postgresql() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        return cursor.fetchone()[0].split(" on ")[0]


def check_redis() -> str:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
        return f"redis {client.info('server')['redis_version']}"
    finally:
        client.close()


def check_elasticsearch() -> str:
    health = get_client().options(request_timeout=3).cluster.health()
    if health["status"] == "red":
        raise RuntimeError(f"cluster {health['cluster_name']} is red")
    return f"cluster {health['cluster_name']} {health['status']}"


def check_celery_workers() -> str:
    from portal.celery import app

    replies = app.control.ping(timeout=1.0)
    if not replies:
        raise RuntimeError("no Celery worker answered a ping within 1 s")
    return f"{len(replies)} worker(s): " + ", ".join(sorted(name for reply in replies for name in reply))


CHECKS: dict[str, Callable[[], str]] = {
    "postgresql": check_postgresql,
    "redis": check_redis,
    "elasticsearch": check_elasticsearch,
    "celery": check_celery_workers,
}


def check_services(names: list[str] | None = None) -> list[ServiceState]:
    states = []
    for name, check in CHECKS.items():
        if names is not None and name not in names:
            continue
        started = time.perf_counter()
        try:
            detail, up = check(), True
        except Exception as error:  # each check reports its own failure; none may hide the others
            detail, up = f"{type(error).__name__}: {error}", False
        states.append(ServiceState(name, up, detail, round((time.perf_counter() - started) * 1000, 1)))
    return states
