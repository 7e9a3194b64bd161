"""Import benchmark (issue 12): N MARC 21 records (ISO 2709, UTF-8, two copies each) from a file into one
library along the librarian's import road (``catalog.transfer.importing.import_stream``: streamed reading,
matching against the catalogue, one transaction per 100 records), into PostgreSQL with its outbox rows.

Each size runs in a process of its own, into a fresh library, and reports records/s and its own peak RSS
(``VmHWM``) — flat in the file's size is the target, as is ≥ 3,000 records/s. Beside them, what bounds the
rate on a busy machine: the CPU seconds the import process and its PostgreSQL backend used (as records
per CPU second: a machine whose other work takes the cores lowers records/s, not these) and the rate of
reading and mapping the file alone, no database (parse-only, files under 64 MB). Own database
(``simpul_bench_import``, created and dropped), own Redis databases (13/14, as the harvest bench).

    .venv/bin/python bench/import.py                      # 10,000 and 100,000 records
    .venv/bin/python bench/import.py --sizes 1000 10000
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
import bench_services  # noqa: E402  (bench/ is the script's own folder)

BENCH_DB = "simpul_bench_import"


def bench_environment() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "SIMPUL_PG_DB": BENCH_DB,
        "SIMPUL_ES_PREFIX": "simpulbench-import",
        "SIMPUL_REDIS_URL": bench_services.redis_url(13),
        "SIMPUL_CACHE_URL": bench_services.redis_url(14),
        "SIMPUL_DEBUG": "0",
        "SIMPUL_SECRET_KEY": "bench-only-secret-key",
        "SIMPUL_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


def peak_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def recreate_database(*, drop_only: bool = False) -> None:
    with psycopg.connect(**bench_services.postgres(), dbname="postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{BENCH_DB}"')


def write_file(path: Path, size: int) -> int:
    """``size`` records of varied, realistic shape, written one at a time (the generator holds none)."""
    from tests.catalog.transfer.builders import marc

    words = [
        "Fiqih",
        "Ibadah",
        "Tafsir",
        "Hadis",
        "Akhlak",
        "Sejarah",
        "Pendidikan",
        "Islam",
        "Moderasi",
        "Beragama",
        "Zakat",
        "Wakaf",
        "Dakwah",
        "Madrasah",
        "Pesantren",
        "Nusantara",
    ]
    with path.open("wb") as out:
        for number in range(size):
            title = " ".join(words[(number * k) % len(words)] for k in (1, 3, 7)) + f" jilid {number}"
            record = marc(
                f"b-{number}",
                title,
                author=f"Penulis {number % 997}",
                subtitle="kajian tematik",
                copies=(f"BI{number:07d}-1", f"BI{number:07d}-2"),
            )
            out.write(record.as_marc())
    return path.stat().st_size


def backend_cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) of the PostgreSQL backend ``pid`` so far; None when it is not a local
    process this user can read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def parse_only_rate(path: str) -> tuple[float, float]:
    """The reading and mapping alone (no database): the ceiling of the import in this process, as
    records/s and as records per CPU second (what a busy machine does not lower)."""
    from harvest.adapters.files import read_records

    started, cpu_started = time.perf_counter(), time.process_time()
    with open(path, "rb") as stream:
        count = sum(1 for _ in read_records(stream, "marc"))
    return count / (time.perf_counter() - started), count / (time.process_time() - cpu_started)


def phase_import(path: str, code: str) -> dict:
    os.environ.update(bench_environment())
    import django

    django.setup()
    from django.db import connection

    from catalog.transfer.importing import import_stream
    from tenants.services import create_library

    parse_rate, parse_cpu_rate = (
        parse_only_rate(path) if os.path.getsize(path) < 64 * 1024 * 1024 else (None, None)
    )
    # A worker has imported before: its modules, cache and broker connections are warm. A few records into
    # another library do that here, so the first batch's one-time costs are not counted as the import's.
    warm_up = create_library(
        code=f"{code}-w", name="Warm-up", kind="bdk", city="Bogor", province="Jawa Barat"
    )
    with open(path, "rb") as stream:
        import_stream(library=warm_up, stream=io.BytesIO(stream.read(16 * 1024)), format="marc", name="w.mrc")
    library = create_library(code=code, name=f"Bench {code}", kind="bdk", city="Bogor", province="Jawa Barat")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    backend_before = backend_cpu_seconds(backend)
    started, cpu_started = time.perf_counter(), time.process_time()
    with open(path, "rb") as stream:
        run = import_stream(library=library, stream=stream, format="marc", name=Path(path).name)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    backend_after = backend_cpu_seconds(backend)
    return {
        "status": run.status,
        "records": run.created_count,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "backend_cpu_seconds": None if backend_before is None else backend_after - backend_before,
        "parse_rate": parse_rate,
        "parse_cpu_rate": parse_cpu_rate,
        "rss_mb": peak_rss_mb(),
    }


def report_line(result: dict) -> str:
    """records/s; then what bounds it on this machine: the import's own CPU time and its PostgreSQL
    backend's (records per CPU second of each, from /proc), and reading and mapping alone (parse-only)."""
    records = result["records"]
    line = (
        f"{result['size']:>8,} records ({result['file_mb']:.0f} MB): {result['status']}, "
        f"{records / result['seconds']:,.0f} records/s, peak RSS {result['rss_mb']:.0f} MB; "
        f"import process {records / result['cpu_seconds']:,.0f} records per CPU second"
    )
    if result["backend_cpu_seconds"]:
        both = result["cpu_seconds"] + result["backend_cpu_seconds"]
        line += (
            f", PostgreSQL backend {records / result['backend_cpu_seconds']:,.0f} records per CPU second"
            f" (both: {records / both:,.0f} records per CPU second, the rate with one free core)"
        )
    if result["parse_rate"]:
        line += (
            f"; parse-only {result['parse_rate']:,.0f} records/s"
            f" ({result['parse_cpu_rate']:,.0f} records per CPU second)"
        )
    return line


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--arguments", default="{}", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.phase == "import":
        print(json.dumps(phase_import(**json.loads(options.arguments))))
        return

    recreate_database()
    os.environ.update(bench_environment())
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    results = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            for size in options.sizes:
                path = Path(folder) / f"bench-{size}.mrc"
                file_bytes = write_file(path, size)
                arguments = json.dumps({"path": str(path), "code": f"bench-impor-{size}"})
                output = (
                    subprocess.run(
                        [sys.executable, __file__, "--phase", "import", "--arguments", arguments],
                        env=bench_environment(),
                        cwd=REPO,
                        capture_output=True,
                        text=True,
                        check=True,
                    )
                    .stdout.strip()
                    .splitlines()[-1]
                )
                result = {"size": size, "file_mb": file_bytes / 1024 / 1024, **json.loads(output)}
                results.append(result)
                print(report_line(result), flush=True)
    finally:
        from django.db import connections

        connections.close_all()
        recreate_database(drop_only=True)
    print("Targets: ≥ 3,000 records/s into PostgreSQL; peak RSS flat in the file's size.")


if __name__ == "__main__":
    main()
