"""OAI-PMH provider benchmark (issue 14): a full ListRecords of one library's catalogue in oai_dc and in
marcxml through real HTTP (gunicorn, one sync worker, on 127.0.0.1), records/s and the worker's peak RSS
after the first page and at the end (flat = streaming works), beside a bare baseline measured in the same
run: the same rows read with ONE SQL query (a server-side cursor) and serialized with the same lxml
builders, no HTTP, no paging, no tokens. The provider writes oai_dc and marcxml without building the tree
(the same bytes, ``oaipmh.formats``); the same baseline with those writers is printed beside it, so the
ratio can be read against either.

    .venv/bin/python bench/oai_provider.py [--records 100000] [--keep]

Runs against its own database (``simpul_bench_oai``, created and dropped here) on the services started by
``scripts/services start``. Targets: >= 3,000 records/s and >= 0.5x the baseline, RSS flat.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SIMPUL_ENV", "development")  # this process loads data; the server below is production
BENCH_DB = "simpul_bench_oai"
ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(rb"<resumptionToken[^>]*>([^<]+)</resumptionToken>")
RECORD = re.compile(rb"<record><header")


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


def _recreate_database(drop_only: bool = False) -> None:
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def _load(count: int):
    from django.core.management import call_command
    from django_tenants.utils import tenant_context

    from catalog.normalized import NormalizedCopy
    from catalog.services import upsert_records
    from tenants.services import create_library
    from tests.factories import make_normalized_record

    call_command("migrate_schemas", "--shared", verbosity=0)
    library = create_library(code="bench-oai", name="Perpustakaan Bench OAI", kind="bdk", province="Aceh")
    started = time.perf_counter()
    with tenant_context(library):
        for start in range(0, count, 1000):
            upsert_records(
                [
                    make_normalized_record(
                        source_key=f"b-{number}",
                        notes="Bibliografi: hlm. 200",
                        collation="xii, 240 hlm. ; 21 cm",
                        copies=(
                            NormalizedCopy(item_code=f"B{number}-1"),
                            NormalizedCopy(item_code=f"B{number}-2"),
                        ),
                    )
                    for number in range(start, min(count, start + 1000))
                ]
            )
    print(f"loaded {count} records in {time.perf_counter() - started:.1f} s")
    return library


def _baseline(library, prefix: str, *, writer: bool = False) -> float:
    """records/s of the bare baseline: ``build`` + ``etree.tostring`` (lxml), or with ``writer`` the
    format's own ``write`` (the bytes the provider sends, written without the element tree)."""
    from django.db import connection
    from lxml import etree

    from oaipmh.formats import FORMATS
    from oaipmh.formats.common import RecordContext
    from oaipmh.selectors import RecordRow, record_sql

    metadata_format = FORMATS[prefix]

    def serialize(record, context) -> bytes:
        if writer:
            return metadata_format.write(record, context)
        return etree.tostring(metadata_format.build(record, context))

    started = time.perf_counter()
    done = 0
    with connection.cursor() as outer:
        raw = outer.connection
        with raw.transaction(), raw.cursor(name="bench_baseline") as cursor:
            cursor.itersize = 2000
            cursor.execute(record_sql(library.schema_name) + " ORDER BY record.id")
            for row in cursor:
                record = RecordRow(*row)
                context = RecordContext(
                    f"oai:x.y:{library.code}:{record.id}", library.name, f"http://x/{record.id}/"
                )
                serialize(record, context)
                done += 1
    return done / (time.perf_counter() - started)


def _vm_hwm(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


def _worker_pid(master: int) -> int:
    deadline = time.time() + 30
    while time.time() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.2)
    raise RuntimeError("gunicorn worker did not start")


def _harvest(url: str, prefix: str, worker: int, expected: int) -> tuple[float, int, int]:
    import httpx2 as httpx

    params = {"verb": "ListRecords", "metadataPrefix": prefix}
    records, rss_first = 0, 0
    started = time.perf_counter()
    # As the TLS proxy in front of gunicorn says it (production settings redirect plain HTTP otherwise).
    with httpx.Client(timeout=300, headers={"X-Forwarded-Proto": "https"}) as client:
        for _page in range(expected):  # bounded
            body = client.get(url, params=params).content
            records += len(RECORD.findall(body))
            rss_first = rss_first or _vm_hwm(worker)
            token = TOKEN.search(body)
            if not token:
                break
            params = {"verb": "ListRecords", "resumptionToken": token.group(1).decode()}
    elapsed = time.perf_counter() - started
    assert records == expected, (records, expected, body[:500])
    return records / elapsed, rss_first, _vm_hwm(worker)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    os.environ["SIMPUL_PG_DB"] = BENCH_DB
    _recreate_database()
    import django

    django.setup()
    from tests.ports import free_port

    try:
        library = _load(args.records)
        port = free_port()
        env = {
            **os.environ,
            "SIMPUL_PG_DB": BENCH_DB,
            "SIMPUL_DEBUG": "0",
            "SIMPUL_SECRET_KEY": "bench-only-key",
        }
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "portal.wsgi:application", "-b", f"127.0.0.1:{port}",
             "-w", "1", "--timeout", "600", "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        try:
            worker = _worker_pid(server.pid)
            url = f"http://127.0.0.1:{port}/oai"
            import httpx2 as httpx

            for _ in range(100):  # bounded wait for the socket
                try:
                    httpx.get(
                        url, params={"verb": "Identify"}, headers={"X-Forwarded-Proto": "https"}, timeout=5
                    )
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            for prefix in ("oai_dc", "marcxml"):
                baseline = _baseline(library, prefix)
                rate, rss_first, rss_end = _harvest(url, prefix, worker, args.records)
                written = _baseline(library, prefix, writer=True)
                print(
                    f"{prefix:8} ListRecords {args.records} records: {rate:,.0f} records/s over HTTP; "
                    f"bare baseline (lxml) {baseline:,.0f} records/s; ratio {rate / baseline:.2f}; "
                    f"worker peak RSS {rss_first} MiB after the first page, {rss_end} MiB at the end; "
                    f"baseline with the format's own writer {written:,.0f} records/s "
                    f"(ratio {rate / written:.2f})",
                    flush=True,
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _recreate_database(drop_only=True)


if __name__ == "__main__":
    main()
