"""Every benchmark reaches PostgreSQL, Redis and Elasticsearch through the project's SIMPUL_* settings
(bench/bench_services.py), never through ports of its own."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
SERVICE_PORTS = re.compile(r"\b(?:55432|56379|5920\d|6379|9200|5432)\b")


def load(name: str):
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location(f"bench_{name}_under_test", BENCH / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


def test_no_benchmark_names_a_service_port_in_its_code():
    for path in BENCH.glob("*.py"):
        code = "\n".join(line for line in path.read_text().splitlines() if not line.strip().startswith("#"))
        code = re.sub(r'"""(?:.|\n)*?"""', "", code)  # docstrings may show an example
        assert not SERVICE_PORTS.search(code), f"{path.name}: {SERVICE_PORTS.search(code).group(0)}"


def test_the_harvest_benchmark_uses_the_projects_redis_and_postgresql(monkeypatch):
    monkeypatch.setenv("SIMPUL_REDIS_URL", "redis://10.1.2.3:7000/4")
    monkeypatch.setenv("SIMPUL_PG_HOST", "db.internal")
    monkeypatch.setenv("SIMPUL_PG_PORT", "6543")
    harvest = load("harvest")
    services = load("bench_services")

    environment = harvest.bench_environment()

    assert environment["SIMPUL_REDIS_URL"] == "redis://10.1.2.3:7000/13"
    assert environment["SIMPUL_CACHE_URL"] == "redis://10.1.2.3:7000/14"
    assert services.postgres()["host"] == "db.internal" and services.postgres()["port"] == "6543"


def test_the_search_benchmark_defaults_to_the_projects_elasticsearch(monkeypatch):
    monkeypatch.setenv("SIMPUL_ES_URL", "http://127.0.0.1:59999")

    assert load("bench_services").elasticsearch_url() == "http://127.0.0.1:59999"
