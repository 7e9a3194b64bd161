"""Liveness of everything Simpul depends on, for ``GET /healthz`` and operators' monitoring.

Anyone may ask whether Simpul is up; only operators and monitoring that presents the health token see
the details (versions, host and cluster names, exception text), which would otherwise tell an attacker
what runs where. The Celery ping is remembered for a few seconds, so that requests, anonymous or not,
cannot turn into a stream of broadcasts on the broker.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare

from search.es import get_client

logger = logging.getLogger(__name__)
CELERY_PING_CACHE_KEY = "health:celery-ping"


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


def ping_celery_workers() -> tuple[bool, str]:
    """One broadcast ping on the broker; waits its whole timeout for the workers' replies."""
    from portal.celery import app

    replies = app.control.ping(timeout=1.0)
    if not replies:
        return False, "no Celery worker answered a ping within 1 s"
    return True, f"{len(replies)} worker(s): " + ", ".join(
        sorted(name for reply in replies for name in reply)
    )


def check_celery_workers() -> str:
    """The last ping's outcome if it is younger than HEALTH_CELERY_CACHE_SECONDS, else a new ping."""
    cache = caches["shared"]  # one entry for every host: the workers are the same for all of them
    try:
        outcome = cache.get(CELERY_PING_CACHE_KEY)
    except redis.RedisError as error:  # the cache's Redis is down: ping anyway, the Redis check reports it
        logger.warning("health: cannot read the cached Celery ping: %s", error)
        outcome = None
    if outcome is None:
        outcome = ping_celery_workers()
        try:
            cache.set(CELERY_PING_CACHE_KEY, outcome, timeout=settings.HEALTH_CELERY_CACHE_SECONDS)
        except redis.RedisError as error:
            logger.warning("health: cannot cache the Celery ping: %s", error)
    up, detail = outcome
    if not up:
        raise RuntimeError(detail)
    return detail


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


def presents_health_token(request: HttpRequest) -> bool:
    """``Authorization: Bearer <SIMPUL_HEALTH_TOKEN>``, compared in constant time; never with no token set."""
    expected = settings.HEALTH_TOKEN
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    return (
        bool(expected) and scheme.lower() == "bearer" and constant_time_compare(presented.strip(), expected)
    )
