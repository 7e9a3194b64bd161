"""Harvest benchmark (issue 4): N records from the loopback OAI-PMH server through PostgreSQL into
Elasticsearch, end to end, and in the same run the three yardsticks:

(a) raw bulk — the same final documents (exported from PostgreSQL after the pipeline, untimed) sent to a
    fresh index of the same template as NDJSON bulk requests of 1,000, one and two streams, the faster
    counted: what Elasticsearch on this machine can take;
(b) naive   — one client request per page, then per record: map, ``upsert_record`` (the per-record
    service) and one ``index`` call; run on the first ``--naive-subset`` records and extrapolated;
(c) bare    — the same feed fetched and parsed by the same OAI-PMH client, storing nothing.

The pipeline is the production code: ``harvest.services.harvest_source`` (pages fetched and mapped one
ahead in a thread, one transaction per page with the batched upsert and its outbox rows) in one process,
and ``search.indexer.drain_outbox`` — what the Celery drain task runs — looping in a second process, as a
worker would (without the broker's 1 s debounce). End to end = from the harvest's start until the last
outbox row is acknowledged by Elasticsearch.

Run (services from ``scripts/services start``; about 3 minutes for the default sizes):

    .venv/bin/python bench/harvest.py                         # 10,000 and 100,000 records, SLiMS oai.php
    .venv/bin/python bench/harvest.py --sizes 10000 100000 1000000 --flavour repo-marcxml

Besides records/s it prints the CPU time per record of every process the pipeline keeps busy: the
harvester, the indexer, PostgreSQL (postmaster and backends), Elasticsearch and the OAI server, and a
ceiling: the rate a pipeline would reach if its own Python work cost nothing, with Elasticsearch as busy
per document as in (a), the fetch and parse as in (c) and PostgreSQL as in the pipeline — the machine's
cores divided by that CPU per record.

Each measurement runs in a process of its own and reports its own peak RSS (``VmHWM``); the server
runs in its own process too (``python -m tests.harvest.oai_server``). Own database
(``simpul_bench_harvest``, created and dropped), own Elasticsearch prefix (``simpulbench-harvest``),
own Redis databases. ``--keep`` keeps the database and indexes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_services
BENCH_DB = "simpul_bench_harvest"
BENCH_PREFIX = "simpulbench-harvest"
FLAVOURS = {
    "oai.php": ("oai_php", "oai_dc"),
    "oai2.php": ("oai2_php", "oai_dc"),
    "repo-oai_dc": ("repo", "oai_dc"),
    "repo-marcxml": ("repo", "marcxml"),
    "repo-mods": ("repo", "mods"),
}
BULK_CHUNK = 1000


def bench_environment() -> dict[str, str]:
    """The project's services (``bench/services.py``: SIMPUL_PG_*, SIMPUL_REDIS_URL, SIMPUL_ES_URL) with a
    database, Redis databases and an index prefix of the benchmark's own."""
    from bench_services import redis_url

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "SIMPUL_PG_DB": BENCH_DB,
        "SIMPUL_ES_PREFIX": BENCH_PREFIX,
        "SIMPUL_REDIS_URL": redis_url(13),
        "SIMPUL_CACHE_URL": redis_url(14),
        "SIMPUL_ENV": "development",  # plain HTTP on loopback, no proxy
        # the loopback OAI server the benchmark harvests is a private address (harvest/adapters/addresses.py)
        "SIMPUL_HARVEST_ALLOWED_PRIVATE_NETWORKS": "127.0.0.0/8",
        "SIMPUL_DEBUG": "0",
        "SIMPUL_SECRET_KEY": "bench-only-secret-key",
        "SIMPUL_LOG_LEVEL": "WARNING",
        "SIMPUL_PG_CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
    }


def peak_rss_mb() -> float:
    """This process's own peak resident set size. ``VmHWM`` belongs to the process image, while Linux
    carries ``ru_maxrss`` over ``execve`` from the process that forked it (here: the orchestrator)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _listening_pid(port: int) -> int | None:
    """The process listening on 127.0.0.1:``port`` (from /proc/net/tcp and the processes' sockets)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 0A = LISTEN
                    inodes.add(f"socket:[{fields[9]}]")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                    return int(pid)
    return None


def _process_cpu(pid: int) -> tuple[float, int]:
    """(own CPU seconds + that of its reaped children, parent pid) of a process, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK"), int(fields[1])


def service_cpu(pg_port: int, es_port: int, server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by PostgreSQL (the postmaster and its live and reaped backends),
    Elasticsearch and the loopback OAI server; 0 for one not found."""
    figures = {"postgresql": 0.0, "elasticsearch": 0.0, "server": 0.0}
    postmaster = _listening_pid(pg_port)
    elasticsearch = _listening_pid(es_port)
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            seconds, parent = _process_cpu(int(pid))
            if int(pid) == postmaster or parent == postmaster:
                figures["postgresql"] += seconds
            elif int(pid) == elasticsearch:
                figures["elasticsearch"] += seconds
            elif int(pid) == server_pid:
                figures["server"] += seconds
    return figures


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(value) for value in stat.readline().split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    idle = values[3] + values[4]
    return (sum(values) - idle) / ticks, sum(values) / ticks


def setup_django() -> None:
    os.environ.update(bench_environment())
    import django

    django.setup()


def start_like_a_worker() -> None:
    """What a Celery worker process has done before its first task: imported the task modules (and what
    they import) at boot, and tuned the garbage collector (``worker_process_init``)."""
    setup_django()
    import harvest.tasks  # noqa: F401
    import search.tasks  # noqa: F401
    from portal.gc_tuning import tune_for_long_lived_process

    tune_for_long_lived_process()


# --- phases (each in a process of its own) ------------------------------------------------------------------


def phase_bare(url: str, metadata_prefix: str, flavour: str) -> dict:
    """(c) fetch and parse every page with the harvester's client and quirk handling; store nothing."""
    from harvest.adapters import OaiClient, iter_slims_pages, profile_for

    profile = profile_for(url)
    with OaiClient(url, timeout=120) as client:
        started = time.perf_counter()
        records = 0
        if profile.flavour is not None:
            pages = iter_slims_pages(client, profile, metadata_prefix=metadata_prefix)
        else:
            pages = client.iter_pages("ListRecords", metadata_prefix=metadata_prefix)
        for page in pages:
            records += sum(1 for record in page.records if record.metadata is not None)
        seconds = time.perf_counter() - started
    return {"records": records, "seconds": seconds, "rss_mb": peak_rss_mb(), "cpu": cpu_seconds()}


def phase_harvest(source_id: int) -> dict:
    """The pipeline's first half: harvest_source, exactly as the Celery task calls it (no page limit)."""
    start_like_a_worker()
    from harvest.models import HarvestSource
    from harvest.services import harvest_source

    source = HarvestSource.objects.get(pk=source_id)
    started_at = time.time()
    started = time.perf_counter()
    run = harvest_source(source=source, mode="full")
    seconds = time.perf_counter() - started
    return {
        "status": run.status,
        "records": run.created_count + run.updated_count + run.unchanged_count,
        "failed": run.failed_count,
        "seconds": seconds,
        "started_at": started_at,
        "rss_mb": peak_rss_mb(),
        "cpu": cpu_seconds(),
    }


def phase_drain(library_code: str, stop_file: str) -> dict:
    """The pipeline's second half: the indexer (what the Celery drain task runs) in a loop, until the
    harvest has finished (stop file) and the outbox is empty."""
    start_like_a_worker()
    from django_tenants.utils import schema_context

    from catalog.models import IndexOutbox
    from search.indexer import drain_outbox
    from tenants.models import Library

    library = Library.objects.get(code=library_code)
    indexed = 0
    first_at = None
    while True:
        result = drain_outbox(library=library)
        indexed += result.records_indexed
        if result.error:
            raise RuntimeError(result.error)
        if result.rows_drained and first_at is None:
            first_at = time.time()
        if not result.rows_drained:
            if Path(stop_file).exists():
                with schema_context(library.schema_name):
                    if not IndexOutbox.objects.exists():
                        break
            time.sleep(0.05)
    return {"indexed": indexed, "finished_at": time.time(), "rss_mb": peak_rss_mb(), "cpu": cpu_seconds()}


def phase_bulk(path: str, index: str, streams: int) -> dict:
    """(a) the final documents as raw NDJSON bulk requests of BULK_CHUNK documents."""
    setup_django()
    from search.es import get_client

    client = get_client().options(request_timeout=120)
    client.indices.create(index=index)  # settings and mapping from the union template
    chunks: list[str] = []
    with open(path, encoding="utf-8") as stream:
        lines: list[str] = []
        for line in stream:
            lines.append(line)
            if len(lines) == 2 * BULK_CHUNK:
                chunks.append("".join(lines))
                lines = []
        if lines:
            chunks.append("".join(lines))
    documents = sum(chunk.count("\n") for chunk in chunks) // 2
    errors: list[str] = []

    def send(part: list[str]) -> None:
        for body in part:
            response = client.bulk(operations=body.replace("__INDEX__", index))
            if response["errors"]:
                errors.append(json.dumps(response["items"][0])[:300])

    started = time.perf_counter()
    threads = [threading.Thread(target=send, args=(chunks[number::streams],)) for number in range(streams)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    client.indices.refresh(index=index)
    seconds = time.perf_counter() - started
    count = client.count(index=index)["count"]
    client.indices.delete(index=index)
    if errors or count != documents:
        raise RuntimeError(f"raw bulk: {count} of {documents} documents; {errors[:1]}")
    return {"records": documents, "seconds": seconds, "rss_mb": peak_rss_mb()}


def phase_naive(url: str, metadata_prefix: str, library_code: str, limit: int) -> dict:
    """(b) one request per page; per record one mapping, one upsert_record and one index call."""
    start_like_a_worker()
    from django_tenants.utils import tenant_context

    from catalog.services import upsert_record
    from harvest.adapters import MalformedRecord, OaiClient, iter_slims_pages, map_oai_record, profile_for
    from search.documents import union_alias
    from search.es import get_client
    from search.index_setup import setup_search
    from search.indexer import records_for_index, union_document_for
    from search.union_document import LibraryHolding
    from tenants.models import Library

    library = Library.objects.get(code=library_code)
    holding = LibraryHolding.of(library)
    client = get_client()
    setup_search(client)
    alias = union_alias()
    profile = profile_for(url)
    stored = 0
    started = time.perf_counter()
    with OaiClient(url, timeout=120) as oai, tenant_context(library):
        if profile.flavour is not None:
            pages = iter_slims_pages(oai, profile, metadata_prefix=metadata_prefix)
        else:
            pages = oai.iter_pages("ListRecords", metadata_prefix=metadata_prefix)
        for page in pages:
            for oai_record in page.records:
                if oai_record.metadata is None:
                    continue
                try:
                    normalized = map_oai_record(oai_record)
                except MalformedRecord:
                    continue
                record = upsert_record(normalized=normalized).record
                document = union_document_for(holding, records_for_index().get(pk=record.pk))
                client.index(index=alias, id=document.pop("_id"), document=document)
                stored += 1
                if stored >= limit:
                    break
            if stored >= limit:
                break
    seconds = time.perf_counter() - started
    return {"records": stored, "seconds": seconds, "rss_mb": peak_rss_mb()}


PHASES = {
    "bare": phase_bare,
    "harvest": phase_harvest,
    "drain": phase_drain,
    "bulk": phase_bulk,
    "naive": phase_naive,
}


def run_phase(name: str, **arguments) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--arguments", json.dumps(arguments)],
        env=bench_environment(),
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"phase {name} failed:\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measured_with_services(
    ports: tuple[int, int], server_pid: int, name: str, **arguments
) -> tuple[dict, dict]:
    """``run_phase`` and the CPU seconds PostgreSQL, Elasticsearch and the server spent meanwhile."""
    before = service_cpu(*ports, server_pid)
    result = run_phase(name, **arguments)
    after = service_cpu(*ports, server_pid)
    return result, {service: after[service] - before[service] for service in before}


def cpu_ceiling(result: dict, cpus: int) -> tuple[float, float]:
    """(CPU ms per record, records/s) of a pipeline whose own Python work — mapping, hashing, the batch
    writes, the outbox, building documents — cost nothing: it would still fetch and parse as (c) does
    (client and server), index as (a) does, and keep PostgreSQL as busy as the real pipeline did."""
    floor_ms = (
        result["bare_cpu_ms"]
        + result["bare_server_cpu_ms"]
        + result["bulk_elasticsearch_cpu_ms"]
        + result["postgresql_cpu_ms"]
    )
    return floor_ms, cpus * 1000 / floor_ms


def start_phase(name: str, **arguments) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, __file__, "--phase", name, "--arguments", json.dumps(arguments)],
        env=bench_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def finish_phase(process: subprocess.Popen) -> dict:
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"phase failed:\n{stderr[-4000:]}")
    return json.loads(stdout.strip().splitlines()[-1])


# --- the orchestrator ------------------------------------------------------------------------------


def recreate_database(drop_only: bool = False) -> None:
    import psycopg
    from bench_services import postgres

    connection = psycopg.connect(**postgres(), dbname="postgres", autocommit=True)
    with connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{BENCH_DB}"')


def start_server(size: int) -> tuple[subprocess.Popen, dict[str, str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.harvest.oai_server", "--size", str(size)],
        env=bench_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=REPO,
    )
    urls: dict[str, str] = {}
    while len(urls) < 3:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError("the OAI test server did not start")
        line = line.strip()
        for key, suffix in (
            ("oai_php", "/slims/oai.php"),
            ("oai2_php", "/slims/oai2.php"),
            ("repo", "/repo/oai"),
        ):
            if line.endswith(suffix):
                urls[key] = line
    return process, urls


def export_documents(library, path: Path) -> int:
    """The final documents of ``library`` as NDJSON bulk lines (index name left as __INDEX__)."""
    from django_tenants.utils import schema_context

    from search.indexer import records_for_index, union_document_for
    from search.union_document import LibraryHolding

    holding = LibraryHolding.of(library)
    written = 0
    with schema_context(library.schema_name), path.open("w", encoding="utf-8") as out:
        for record in records_for_index().iterator(chunk_size=2000):
            document = union_document_for(holding, record)
            doc_id = document.pop("_id")
            out.write(json.dumps({"index": {"_index": "__INDEX__", "_id": doc_id}}) + "\n")
            out.write(json.dumps(document, ensure_ascii=False, default=str) + "\n")
            written += 1
    return written


def indexed_count(library_code: str) -> int:
    from search.documents import union_alias
    from search.es import get_client

    client = get_client()
    client.indices.refresh(index=union_alias())
    return client.count(index=union_alias(), query={"term": {"library_code": library_code}})["count"]


def _port_of(url: str) -> int:
    parts = urlsplit(url)
    return parts.port or (443 if parts.scheme == "https" else 80)


def measure(size: int, options) -> dict:
    from django.conf import settings

    from harvest.services import register_source
    from tenants.services import create_library

    server, urls = start_server(size)
    try:
        url_key, metadata_format = FLAVOURS[options.flavour]
        url = urls[url_key]
        prefix = "oai_dc" if metadata_format == "oai_dc" else metadata_format
        if size <= 40_000:  # the server's render cache holds the whole feed: warm it for every contestant
            run_phase("bare", url=url, metadata_prefix=prefix, flavour=options.flavour)
        pg_port = int(settings.DATABASES["default"]["PORT"])
        ports = (pg_port, _port_of(settings.ELASTICSEARCH_URL))
        bare, bare_services = measured_with_services(
            ports, server.pid, "bare", url=url, metadata_prefix=prefix, flavour=options.flavour
        )

        library = create_library(code=f"bench-{size}", name=f"Perpustakaan Bench {size}", kind="bdk")
        source = register_source(library=library, base_url=url, metadata_format=metadata_format)
        stop_file = Path(tempfile.mkdtemp()) / "harvest-done"
        services_before = service_cpu(*ports, server.pid)
        busy_before, total_before = machine_busy()
        drainer = start_phase("drain", library_code=library.code, stop_file=str(stop_file))
        harvest = run_phase("harvest", source_id=source.pk)
        stop_file.touch()
        drain = finish_phase(drainer)
        busy_after, total_after = machine_busy()
        services_after = service_cpu(*ports, server.pid)
        end_to_end = drain["finished_at"] - harvest["started_at"]
        in_index = indexed_count(library.code)
        if in_index != harvest["records"]:
            raise RuntimeError(f"{in_index} documents in the index, {harvest['records']} records harvested")

        ndjson = Path(tempfile.mkdtemp()) / "documents.ndjson"
        exported = export_documents(library, ndjson)
        bulk, bulk_services = min(
            (
                measured_with_services(
                    ports,
                    server.pid,
                    "bulk",
                    path=str(ndjson),
                    index=f"{BENCH_PREFIX}-union-raw{size}-{streams}",
                    streams=streams,
                )
                for streams in (1, 2)
            ),
            key=lambda measured: measured[0]["seconds"],
        )
        ndjson.unlink()

        naive_library = create_library(code=f"bench-{size}-naive", name="Perpustakaan Bench naif", kind="bdk")
        naive = run_phase(
            "naive",
            url=url,
            metadata_prefix=prefix,
            library_code=naive_library.code,
            limit=min(size, options.naive_subset),
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "size": size,
        "records": harvest["records"],
        "exported": exported,
        "pipeline_seconds": end_to_end,
        "harvest_seconds": harvest["seconds"],
        "pipeline_rate": harvest["records"] / end_to_end,
        "harvest_rate": harvest["records"] / harvest["seconds"],
        "bulk_rate": bulk["records"] / bulk["seconds"],
        "bare_rate": bare["records"] / bare["seconds"],
        "naive_rate": naive["records"] / naive["seconds"],
        "naive_records": naive["records"],
        "harvester_rss_mb": harvest["rss_mb"],
        "harvester_cpu_ms": harvest["cpu"] * 1000 / harvest["records"],
        "indexer_cpu_ms": drain["cpu"] * 1000 / harvest["records"],
        "bare_cpu_ms": bare["cpu"] * 1000 / bare["records"],
        "machine_busy": (busy_after - busy_before) / (total_after - total_before),
        **{
            f"{name}_cpu_ms": (services_after[name] - services_before[name]) * 1000 / harvest["records"]
            for name in services_before
        },
        "indexer_rss_mb": drain["rss_mb"],
        "bare_rss_mb": bare["rss_mb"],
        "bulk_elasticsearch_cpu_ms": bulk_services["elasticsearch"] * 1000 / bulk["records"],
        "bare_server_cpu_ms": bare_services["server"] * 1000 / bare["records"],
    }


def report(results: list[dict], flavour: str) -> None:
    print(f"\nHarvest benchmark — {flavour}, loopback server in its own process, {os.cpu_count()} CPU(s)")
    header = (
        f"{'records':>9} {'pipeline/s':>11} {'(a) bulk/s':>11} {'(b) naive/s':>12} {'(c) bare/s':>11} "
        f"{'vs min(a,c)':>11} {'vs (b)':>7} {'harvester RSS':>14} {'indexer RSS':>12}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        floor = min(result["bulk_rate"], result["bare_rate"])
        versus_naive = result["pipeline_rate"] / result["naive_rate"]
        naive_note = "*" if result["naive_records"] < result["records"] else " "
        print(
            f"{result['records']:>9,} {result['pipeline_rate']:>11,.0f} {result['bulk_rate']:>11,.0f} "
            f"{result['naive_rate']:>11,.0f}{naive_note} {result['bare_rate']:>11,.0f} "
            f"{result['pipeline_rate'] / floor:>10.2f}x {versus_naive:>6.1f}x "
            f"{result['harvester_rss_mb']:>11.0f} MB {result['indexer_rss_mb']:>9.0f} MB"
        )
    print(
        "\npipeline = harvest start → last outbox row acknowledged by Elasticsearch (harvest alone: "
        + ", ".join(f"{r['harvest_rate']:,.0f}/s at {r['records']:,}" for r in results)
        + ").\n* naive measured on the first "
        + ", ".join(f"{r['naive_records']:,}" for r in results)
        + " records and extrapolated (its rate does not improve with N).\n"
        "Targets: pipeline ≥ 0.5 × min(a, c), ≥ 5 × (b), harvester peak RSS flat in N."
    )
    for r in results:
        print(
            f"CPU per record at {r['records']:,}: harvester {r['harvester_cpu_ms']:.2f} ms, indexer "
            f"{r['indexer_cpu_ms']:.2f} ms, PostgreSQL {r['postgresql_cpu_ms']:.2f} ms, Elasticsearch "
            f"{r['elasticsearch_cpu_ms']:.2f} ms, OAI server {r['server_cpu_ms']:.2f} ms (bare fetch+parse "
            f"{r['bare_cpu_ms']:.2f} ms); the machine was {r['machine_busy']:.0%} busy "
            f"({os.cpu_count()} CPUs) during the pipeline"
        )
        floor_ms, ceiling = cpu_ceiling(r, os.cpu_count() or 1)
        print(
            f"Ceiling at {r['records']:,}: with its own Python work free, a pipeline would still spend "
            f"{floor_ms:.2f} ms CPU per record (fetch+parse {r['bare_cpu_ms']:.2f} + server "
            f"{r['bare_server_cpu_ms']:.2f} as in (c), Elasticsearch "
            f"{r['bulk_elasticsearch_cpu_ms']:.2f} as in (a), PostgreSQL {r['postgresql_cpu_ms']:.2f} as in "
            f"the pipeline): at most {ceiling:,.0f}/s on "
            f"{os.cpu_count()} CPUs = {ceiling / min(r['bulk_rate'], r['bare_rate']):.2f}x min(a, c)"
        )
    print(json.dumps(results, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--flavour", choices=sorted(FLAVOURS), default="oai.php")
    parser.add_argument("--naive-subset", type=int, default=3000, help="records the naive pipeline runs on")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database and indexes")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--arguments", default="{}", help=argparse.SUPPRESS)
    options = parser.parse_args()

    if options.phase:
        print(json.dumps(PHASES[options.phase](**json.loads(options.arguments))))
        return

    recreate_database()
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from search.es import get_client

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    client = get_client()
    for index in client.indices.get(index=f"{BENCH_PREFIX}-*", expand_wildcards="all"):
        client.indices.delete(index=index)
    results = []
    try:
        for size in options.sizes:
            started = time.perf_counter()
            results.append(measure(size, options))
            print(f"{size:,} records measured in {time.perf_counter() - started:.0f} s", flush=True)
    finally:
        connection.close()
        if not options.keep:
            for index in client.indices.get(index=f"{BENCH_PREFIX}-*", expand_wildcards="all"):
                client.indices.delete(index=index)
            client.options(ignore_status=404).indices.delete_index_template(
                name=f"{BENCH_PREFIX}-union-template"
            )
            recreate_database(drop_only=True)
    report(results, options.flavour)


if __name__ == "__main__":
    main()
