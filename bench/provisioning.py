"""Provisioning benchmark (issue 3): time to create one more library at 10, 100 and 1,000 existing
libraries, and the time of ``migrate_schemas`` over all of them.

    .venv/bin/python bench/provisioning.py [--up-to 1000] [--keep]

Runs against its own database (``simpul_bench_provisioning``, created and dropped here) on the
services started by ``scripts/services start``. Prints one line per checkpoint.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SIMPUL_ENV", "development")
BENCH_DB = "simpul_bench_provisioning"


def _admin_connection():
    import psycopg

    from portal import settings as raw_settings

    db = raw_settings.DATABASES["default"]
    return psycopg.connect(
        host=db["HOST"],
        port=db["PORT"],
        user=db["USER"],
        password=db["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    )


def _drop_database() -> None:
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def _recreate_database() -> None:
    _drop_database()
    with _admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--up-to", type=int, default=1000, help="number of libraries to reach (default 1000)")
    parser.add_argument("--samples", type=int, default=5, help="libraries timed at each checkpoint")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()

    os.environ["SIMPUL_PG_DB"] = BENCH_DB
    _recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tenants.services import create_library

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    started = time.perf_counter()
    create_library(code="bench-first", name="Warm-up library")  # captures the template DDL once
    print(f"first library (migrates and captures the template): {time.perf_counter() - started:.2f} s")

    checkpoints = sorted({c for c in (10, 100, 1000, args.up_to) if c <= args.up_to})
    existing = 1
    for checkpoint in checkpoints:
        fill_started = time.perf_counter()
        while existing < checkpoint:
            create_library(code=f"bench-{existing:05d}", name=f"Perpustakaan Bench {existing}")
            existing += 1
        fill_seconds = time.perf_counter() - fill_started
        timings = []
        for sample in range(args.samples):
            started = time.perf_counter()
            library = create_library(code=f"probe-{checkpoint}-{sample}", name="Probe")
            timings.append(time.perf_counter() - started)
            existing += 1
            del library
        print(
            f"{checkpoint:>5} existing: create one more = median {statistics.median(timings) * 1000:.0f} ms, "
            f"max {max(timings) * 1000:.0f} ms (filling took {fill_seconds:.1f} s)",
            flush=True,
        )

    started = time.perf_counter()
    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0, executor="multiprocessing")
    print(
        f"migrate_schemas over {existing} schemas (multiprocessing, nothing to apply): "
        f"{time.perf_counter() - started:.1f} s"
    )
    connection.close()
    if not args.keep:
        _drop_database()


if __name__ == "__main__":
    main()
