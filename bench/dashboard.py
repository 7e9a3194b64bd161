"""Monev dashboard benchmark (issue 6): 1,000 libraries × 5 years of verified assessments, then the server
time of the ranking and breakdown pages and APIs. Target: < 300 ms each.

    .venv/bin/python bench/dashboard.py [--libraries 1000] [--years 5] [--requests 30] [--keep]

Runs against its own database (``simpul_bench_dashboard``, created and dropped here) on the services
started by ``scripts/services start``. Libraries are plain ``Library`` rows (monev lives in the public
schema and needs no tenant schema); every assessment has a full answer set, scored by the scoring code,
written in bulk. Requests go through Django's test client (the whole middleware stack, templates, DRF;
no network), signed in as a supervisor; each URL is warmed up twice, then timed ``--requests`` times.
Prints the median and 95th percentile per URL and the number of SQL queries of one request.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SIMPUL_ENV", "development")
BENCH_DB = "simpul_bench_dashboard"
KINDS = [("bdk", 0.45), ("bla", 0.15), ("lpmq", 0.02), ("ptkin", 0.18), ("madrasah", 0.20)]
PROVINCES = ["Aceh", "Sumatera Utara", "DKI Jakarta", "Jawa Barat", "Jawa Tengah", "Jawa Timur", "Banten",
             "Sulawesi Selatan", "Kalimantan Selatan", "Bali", "Maluku", "Papua"]  # fmt: skip


def _database(action: str) -> None:
    import psycopg

    from portal import settings as raw_settings

    db = raw_settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"], dbname="postgres",
        autocommit=True,
    ) as conn:  # fmt: skip
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        if action == "create":
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def _fill(libraries: int, years: list[int], seed: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from demo import monev as demo
    from monev import services
    from monev.models import Answer, Assessment, Instrument, Status
    from monev.scoring import score_assessment
    from monev.snapshot import core_instrument
    from portal.accounts.models import User
    from tenants.models import Library

    rng = random.Random(seed)
    services.sync_instruments()
    instruments = {row.code: row for row in Instrument.objects.all()}
    supervisor = User.objects.create_user("bench-pembina", password="bench-pembina", global_role="supervisor")
    kinds = [kind for kind, _share in KINDS]
    weights = [share for _kind, share in KINDS]
    rows = []
    for number in range(libraries):
        kind = rng.choices(kinds, weights)[0]
        rows.append(
            Library(
                code=f"bench-{number:04d}",
                schema_name=f"bench_{number:04d}",
                name=f"Perpustakaan {kind.upper()} Bench {number:04d}",
                kind=kind,
                province=rng.choice(PROVINCES),
            )
        )
    created = Library.objects.bulk_create(rows, batch_size=1000)
    started = time.perf_counter()
    verified_at = timezone.now()
    for library in created:
        level = rng.uniform(0.45, 0.92)
        with transaction.atomic():
            assessments, answer_sets = [], []
            for year in years:
                instrument = instruments[demo.instrument_code_for(library, min(year, 2024))]
                core = core_instrument(instrument)
                shares = [min(0.98, max(0.25, level + rng.uniform(-0.12, 0.12))) for _ in core.components]
                answers = demo.answers_for_points(core, demo.points_for_share(core, shares), rng)
                result = score_assessment(core, answers)
                assessments.append(
                    Assessment(
                        library=library,
                        year=year,
                        instrument=instrument,
                        status=Status.VERIFIED,
                        total=services.floor4(result.total_exact),
                        grade=result.grade.code,
                        component_values={
                            c.code: float(services.floor4(c.value_exact)) for c in result.components
                        },
                        answered_count=result.answered_count,
                        indicator_count=result.indicator_count,
                        verified_by=supervisor,
                        verified_at=verified_at,
                    )
                )
                answer_sets.append(answers)
                level = min(0.97, level + rng.uniform(-0.03, 0.04))
            Assessment.objects.bulk_create(assessments)
            Answer.objects.bulk_create(
                Answer(assessment=assessment, indicator_code=code, option=option)
                for assessment, answers in zip(assessments, answer_sets, strict=True)
                for code, option in answers.items()
            )
    print(
        f"filled {libraries} libraries × {len(years)} years = {libraries * len(years)} verified assessments, "
        f"{Answer.objects.count()} answers in {time.perf_counter() - started:.0f} s",
        flush=True,
    )


def _time(client, url: str, requests: int) -> tuple[float, float, float, int, int]:
    from django.db import connection

    started = time.perf_counter()
    response = client.get(url, HTTP_HOST="localhost")  # cold: plans of the closest units not cached yet
    first = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    client.get(url, HTTP_HOST="localhost")
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
        client.get(url, HTTP_HOST="localhost")
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url, HTTP_HOST="localhost")
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return first, statistics.median(timings), p95, len(queries), len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--libraries", type=int, default=1000)
    parser.add_argument("--years", type=int, default=5, help="years ending 2024 (default 5: 2020–2024)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per URL")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()

    os.environ["SIMPUL_PG_DB"] = BENCH_DB
    os.environ.setdefault("SIMPUL_MONEV_EVIDENCE_ROOT", "/tmp/simpul-bench-evidence")
    _database("create")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from portal.accounts.models import User

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    years = list(range(2025 - args.years, 2025))
    _fill(args.libraries, years, args.seed)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    client = Client()
    client.force_login(User.objects.get(username="bench-pembina"))
    urls = [
        ("ranking page (dashboard, 50 rows + charts)", "/monev/?tahun=2024"),
        ("ranking page 10, filtered by kind", "/monev/?tahun=2024&jenis=bdk&halaman=5"),
        ("ranking API, all units", "/monev/api/peringkat/?tahun=2024"),
        ("ranking API, 50 units", "/monev/api/peringkat/?tahun=2024&limit=50"),
        ("breakdown API, all units", "/monev/api/komponen/?tahun=2024"),
        ("breakdown API, 50 units", "/monev/api/komponen/?tahun=2024&limit=50"),
        ("trend API, 5 units", "/monev/api/tren/?" + "&".join(f"unit=bench-{n:04d}" for n in range(5))),
        ("ranking CSV export, all units", "/monev/peringkat.csv?tahun=2024"),
    ]
    print(f"{'url':<46} {'first':>9} {'median':>9} {'p95':>9} {'queries':>8} {'bytes':>9}")
    for label, url in urls:
        first, median, p95, queries, size = _time(client, url, args.requests)
        flag = "" if p95 < 300 else "  (over 300 ms)"
        print(
            f"{label:<46} {first:>7.1f}ms {median:>7.1f}ms {p95:>7.1f}ms {queries:>8} {size:>9}{flag}",
            flush=True,
        )

    connection.close()
    if not args.keep:
        _database("drop")


if __name__ == "__main__":
    main()
