"""Import benchmark (issue 12): N MARC 21 records (ISO 2709, UTF-8, two copies each) from a file into one
library along the librarian's import road (``catalog.transfer.importing.import_stream``: streamed reading,
matching against the catalogue, one transaction per 100 records), into PostgreSQL with its outbox rows.

Each size runs in a process of its own, into a fresh library, and reports records/s and its own peak RSS
(``VmHWM``) — flat in the file's size is the target, as is ≥ 3,000 records/s. Own database
(``simpul_bench_import``, created and dropped), own Redis databases (13/14, as the harvest bench).

    .venv/bin/python bench/import.py                      # 10,000 and 100,000 records
    .venv/bin/python bench/import.py --sizes 1000 10000
"""

from __future__ import annotations

import argparse
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


def phase_import(path: str, code: str) -> dict:
    os.environ.update(bench_environment())
    import django

    django.setup()
    from catalog.transfer.importing import import_stream
    from tenants.services import create_library

    library = create_library(code=code, name=f"Bench {code}", kind="bdk", city="Bogor", province="Jawa Barat")
    started = time.perf_counter()
    with open(path, "rb") as stream:
        run = import_stream(library=library, stream=stream, format="marc", name=Path(path).name)
    seconds = time.perf_counter() - started
    return {"status": run.status, "records": run.created_count, "seconds": seconds, "rss_mb": peak_rss_mb()}


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
                print(
                    f"{size:>8,} records ({result['file_mb']:.0f} MB): {result['status']}, "
                    f"{result['records'] / result['seconds']:,.0f} records/s, "
                    f"peak RSS {result['rss_mb']:.0f} MB",
                    flush=True,
                )
    finally:
        from django.db import connections

        connections.close_all()
        recreate_database(drop_only=True)
    print("Targets: ≥ 3,000 records/s into PostgreSQL; peak RSS flat in the file's size.")


if __name__ == "__main__":
    main()
