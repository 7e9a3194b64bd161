"""Circulation benchmark (issue 12): 16 desks in 16 libraries lending and taking back copies over HTTP at
the same time, against gunicorn with the production settings, a real Celery worker draining the outbox and
Elasticsearch.

What it does

1. Creates its own database (``simpul_bench_circulation``, dropped at the end unless ``--keep``) with
   ``--libraries`` libraries managed in Simpul, each with ``--records`` records of two copies, a member type,
   ``--members`` members and a librarian; indexes every record under its own Elasticsearch prefix
   (``simpulbench-circulation``).
2. Starts a Celery worker (prefork, two processes) and gunicorn (``portal/gunicorn_conf.py``: sync workers,
   four per core; DEBUG off) on 127.0.0.1.
3. Runs one desk per library, all at once, each a thread with its own HTTP session (logged in as the
   library's librarian, CSRF as a browser sends it). A desk works as the page is used: it scans a member
   card, then two copies for that member, and so on — each copy of a different record — then takes every
   copy back by scanning it alone. A scan is the POST of the code plus the page the redirect leads to (what
   the librarian waits for). Between scans a desk waits ``--think`` seconds (a person moving a book under
   the scanner; 0 for a flat-out run).
4. A watcher polls the union index with a search (so Elasticsearch's 1 s refresh counts, as for a patron)
   for every record lent or returned, and records the lag from the moment the scan's response arrived
   (after its transaction committed) until the record's ``copies_available`` shows the change. The return
   phase starts once the lending phase is visible (bounded wait).
5. Checks the database: every scan that said "Dipinjam" left exactly one open loan, every copy taken back
   none, no copy ever had two open loans, no loan was lost (HTTP said lent but no row) or doubled.

Prints p50/p95/p99 of a scan (copies and member cards apart), p50/p95/max of the index lag, and whether the
targets hold — beside the same run's ceilings: the p50/p95/p99 of a request that does no circulation work
(every desk at once, at the same pace, after the phases; a scan is two requests) and the lag's floor by
design (the drain's debounce window plus the index's 1 s refresh). The targets: scan p95 < 100 ms, index
lag p95 <= 3 s, zero lost or double loans. ``--json PATH`` writes the figures too.

Run (services from ``scripts/services start``; about two minutes):

    .venv/bin/python bench/circulation.py
    .venv/bin/python bench/circulation.py --libraries 16 --records 60 --think 0

Redis: the broker and the cache are ``SIMPUL_REDIS_URL`` / ``SIMPUL_CACHE_URL`` of the caller (or
``--redis-url``/``--cache-url``); use databases nothing else is using.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "simpul_bench_circulation"
BENCH_PREFIX = "simpulbench-circulation"
PASSWORD = "bench-desk-123"
TARGETS = {"scan_p95_ms": 100.0, "lag_p95_s": 3.0}


def bench_environment(args) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "SIMPUL_ENV": "development",  # plain HTTP on loopback; DEBUG stays off
        "SIMPUL_PG_DB": BENCH_DB,
        "SIMPUL_ES_PREFIX": BENCH_PREFIX,
        "SIMPUL_REDIS_URL": args.redis_url,
        "SIMPUL_CACHE_URL": args.cache_url,
        "SIMPUL_DEBUG": "0",
        "SIMPUL_SECRET_KEY": "bench-only-secret-key",
        "SIMPUL_LOG_LEVEL": "WARNING",
        "SIMPUL_ALLOWED_HOSTS": ".localhost,localhost,127.0.0.1",
        # DEBUG off serves hashed static files from a manifest: collected here, as a deployment does.
        "SIMPUL_STATIC_ROOT": str(Path(tempfile.gettempdir()) / "simpul-bench-circulation-static"),
        "PYTHONUNBUFFERED": "1",
    }


def recreate_database(env: dict[str, str], *, drop_only: bool = False) -> None:
    import psycopg

    from bench.bench_services import postgres

    with psycopg.connect(**postgres(), dbname="postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{BENCH_DB}"')


# --- the world -------------------------------------------------------------------------------------------


@dataclass
class Desk:
    library_code: str
    host: str
    username: str
    members: list[str]
    copies: list[tuple[int, str]]  # (record id, item code): one copy of each record, the other stays home


def build_world(args) -> list[Desk]:
    from django.core.management import call_command
    from django_tenants.utils import tenant_context

    from catalog.models import Member, MemberType, Record
    from catalog.normalized import NormalizedCopy
    from catalog.services import upsert_records
    from demo.catalogue import generate_catalog, library_codes_for_benchmark
    from portal.accounts.models import Membership, User
    from search.index_setup import setup_search
    from search.indexer import drain_outbox
    from tenants.services import create_library

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    setup_search()
    desks = []
    for code in library_codes_for_benchmark(args.libraries):
        library = create_library(code=code, name=f"Perpustakaan {code}", kind="madrasah", system="simpul")
        user = User.objects.create_user(username=f"desk-{code}", password=PASSWORD)
        Membership.objects.create(user=user, library=library)
        with tenant_context(library):
            records = []
            for number, normalized in enumerate(generate_catalog(code, size=args.records, seed=2026)):
                copies = (
                    NormalizedCopy(item_code=f"{code[:12]}-{number:04d}-A"),
                    NormalizedCopy(item_code=f"{code[:12]}-{number:04d}-B"),
                )
                records.append(normalized.__class__(**{**normalized.__dict__, "copies": copies}))
            results = upsert_records(records)
            member_type = MemberType.objects.create(
                name="Siswa", loan_limit=50, loan_days=7, fines_limit=None
            )
            members = [
                Member.objects.create(
                    member_code=f"M{index:04d}", name=f"Anggota {index}", member_type=member_type
                )
                for index in range(args.members)
            ]
            # Only records the union index shows (the generator hides a few from the OPAC, as SLiMS does).
            visible = set(Record.objects.filter(opac_hide=False).values_list("pk", flat=True))
            copies = [
                (result.record.pk, f"{code[:12]}-{number:04d}-A")
                for number, result in enumerate(results)
                if result.record.pk in visible
            ]
            drain_outbox(library=library)
        desks.append(Desk(code, f"{code}.localhost", user.username, [m.member_code for m in members], copies))
    return desks


# --- the desks ---------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    scans_copy: list[float] = field(default_factory=list)  # seconds
    scans_card: list[float] = field(default_factory=list)
    lent: list[str] = field(default_factory=list)
    returned: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class DeskClient:
    def __init__(self, base_url: str, desk: Desk):
        import requests

        self.base_url, self.desk = base_url, desk
        self.session = requests.Session()
        self.session.headers["Host"] = desk.host
        # Cookies kept by hand: they are set for the library's domain, the requests go to 127.0.0.1.
        self.cookies: dict[str, str] = {}

    def _call(self, method: str, path: str, **kwargs):
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = self.session.request(
            method,
            f"{self.base_url}{path}",
            headers={"Cookie": cookie},
            allow_redirects=False,
            timeout=30,
            **kwargs,
        )
        self.cookies.update({morsel.name: morsel.value for morsel in response.cookies})
        self.session.cookies.clear()
        return response

    def login(self) -> None:
        page = self._call("GET", "/akun/masuk/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        done = self._call(
            "POST",
            "/akun/masuk/",
            data={
                "csrfmiddlewaretoken": token,
                "username": self.desk.username,
                "password": PASSWORD,
                "next": "/kelola/sirkulasi/",
            },
        )
        if done.status_code != 302:
            raise RuntimeError(f"login failed for {self.desk.username}: {done.status_code}")

    def scan(self, code: str, member_id: str = "") -> tuple[float, str, str]:
        """POST the code, follow the redirect; returns (seconds, result text, the page's member id)."""
        started = time.perf_counter()
        response = self._call(
            "POST",
            "/kelola/sirkulasi/pindai/",
            data={
                "code": code,
                "member": member_id,
                "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
            },
        )
        if response.status_code != 302:
            raise RuntimeError(f"scan {code}: HTTP {response.status_code}")
        page = self._call("GET", response.headers["Location"])
        elapsed = time.perf_counter() - started
        match = re.search(r'id="scan-result"[^>]*>\s*<strong>(.*?)</strong>', page.text, re.S)
        member = re.search(r'name="member" value="(\d+)"', page.text)
        return elapsed, (match.group(1) if match else ""), (member.group(1) if member else "")


class Watcher:
    """Polls the union index for records whose availability should change; records the lag."""

    def __init__(self, es_url: str, alias: str):
        from elasticsearch import Elasticsearch

        self.client = Elasticsearch(es_url, request_timeout=30)
        self.alias = alias
        self.pending: dict[str, tuple[int, float]] = {}  # doc id → (expected available, committed at)
        self.lags: list[float] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def expect(self, doc_id: str, available: int, committed_at: float) -> None:
        with self.lock:
            self.pending[doc_id] = (available, committed_at)

    def waiting(self) -> int:
        with self.lock:
            return len(self.pending)

    def run(self) -> None:
        while not self.stop.is_set():
            with self.lock:
                wanted = dict(self.pending)
            if wanted:
                found = self.client.search(
                    index=self.alias,
                    query={"ids": {"values": list(wanted)}},
                    source=["copies_available"],
                    size=len(wanted),
                )
                now = time.monotonic()
                with self.lock:
                    for hit in found["hits"]["hits"]:
                        expected = self.pending.get(hit["_id"])
                        if expected and hit["_source"]["copies_available"] == expected[0]:
                            self.lags.append(now - expected[1])
                            del self.pending[hit["_id"]]
            time.sleep(0.05)


def run_desk(
    client: DeskClient, watcher: Watcher, outcome: Outcome, phase: str, think: float, barrier
) -> None:
    desk = client.desk
    try:
        barrier.wait(timeout=120)
        if phase == "lend":
            member_id = ""
            for index, (record_id, item_code) in enumerate(desk.copies):
                if index % 2 == 0:
                    card = desk.members[(index // 2) % len(desk.members)]
                    seconds, _, member_id = client.scan(card)
                    outcome.scans_card.append(seconds)
                    time.sleep(think)
                seconds, text, member_id = client.scan(item_code, member_id)
                committed = time.monotonic()
                outcome.scans_copy.append(seconds)
                if text.startswith("Dipinjam"):
                    outcome.lent.append(item_code)
                    watcher.expect(f"{desk.library_code}:{record_id}", 1, committed)
                else:
                    outcome.errors.append(f"{item_code}: {text}")
                time.sleep(think)
        else:
            for record_id, item_code in desk.copies:
                seconds, text, _ = client.scan(item_code)
                committed = time.monotonic()
                outcome.scans_copy.append(seconds)
                if text.startswith("Dikembalikan"):
                    outcome.returned.append(item_code)
                    watcher.expect(f"{desk.library_code}:{record_id}", 2, committed)
                else:
                    outcome.errors.append(f"{item_code}: {text}")
                time.sleep(think)
    except Exception as error:  # reported, counted as a failure
        outcome.errors.append(f"{desk.library_code}: {error!r}")


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _milliseconds(seconds: list[float]) -> dict[str, float]:
    return {name: round(percentile(seconds, fraction) * 1000, 1) for name, fraction in QUANTILES}


QUANTILES = (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))


def start_gunicorn(env: dict[str, str], probe_host: str) -> tuple[subprocess.Popen, str]:
    """gunicorn with the production settings (portal/gunicorn_conf.py) on a free loopback port, answering
    a library's login page."""
    import requests

    from tests.ports import free_port

    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "portal.wsgi:application", "-c", "python:portal.gunicorn_conf",
        "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env={**env, "SIMPUL_WEB_ACCESS_LOG": ""})
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if (
                requests.get(f"{base_url}/akun/masuk/", headers={"Host": probe_host}, timeout=5).status_code
                == 200
            ):
                return process, base_url
        except requests.RequestException:
            pass
        time.sleep(0.5)
    process.terminate()
    raise RuntimeError("gunicorn did not answer within 120 s")


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=prefork", "--concurrency=2",
         "-n", "bench-circulation@%h", "--without-gossip", "--without-mingle", "-l", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip


def empty_request_baseline(clients: list[DeskClient], think: float, requests_each: int = 20) -> list[float]:
    """The same-run ceiling of a scan: every desk at once, each a GET of the scan URL (405 after the
    middleware: tenant, session, login, no circulation work), at the desks' pace. Two of these make one
    scan (the POST and the page it leads to); on a busy machine they show what the load alone costs."""
    seconds: list[float] = []
    lock = threading.Lock()

    def desk_requests(client: DeskClient) -> None:
        for _ in range(requests_each):
            started = time.perf_counter()
            client._call("GET", "/kelola/sirkulasi/pindai/")
            with lock:
                seconds.append(time.perf_counter() - started)
            time.sleep(think)

    threads = [threading.Thread(target=desk_requests, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return seconds


def check_database(desks: list[Desk], phase: str, outcomes: dict[str, Outcome]) -> dict[str, int]:
    from django.db.models import Count
    from django_tenants.utils import tenant_context

    from catalog.models import Loan
    from tenants.models import Library

    lost = doubled = unexpected = 0
    for desk in desks:
        with tenant_context(Library.objects.get(code=desk.library_code)):
            open_codes = set(Loan.objects.filter(is_return=False).values_list("item__item_code", flat=True))
            doubled += (
                Loan.objects.filter(is_return=False)
                .values("item")
                .annotate(n=Count("id"))
                .filter(n__gt=1)
                .count()
            )
            said_lent = set(outcomes[desk.library_code].lent)
            if phase == "lend":
                lost += len(said_lent - open_codes)
                unexpected += len(open_codes - said_lent)
                doubled += Loan.objects.count() - len(said_lent)
            else:
                unexpected += len(open_codes)
    return {"lost": lost, "double": doubled, "unexpected_open": unexpected}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--libraries", type=int, default=16)
    parser.add_argument("--records", type=int, default=40, help="records per library (each lent once)")
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--think", type=float, default=0.3, help="seconds a desk waits between scans")
    parser.add_argument(
        "--lag-wait", type=float, default=60, help="seconds to wait for the index to catch up"
    )
    from bench.bench_services import redis_url

    parser.add_argument("--redis-url", default=os.environ.get("SIMPUL_REDIS_URL") or redis_url(13))
    parser.add_argument("--cache-url", default=os.environ.get("SIMPUL_CACHE_URL") or redis_url(14))
    parser.add_argument("--keep", action="store_true", help="keep the database and the indexes")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    env = bench_environment(args)
    os.environ.update(env)
    recreate_database(env)
    import django

    django.setup()
    from django.conf import settings

    from search.documents import union_alias
    from search.tasks import drain_debounce_seconds
    from tests.search.union_index import remove_prefix

    started = time.perf_counter()
    print(
        f"building {args.libraries} libraries × {args.records} records (2 copies), {args.members} members ..."
    )
    desks = build_world(args)
    print(f"  built in {time.perf_counter() - started:.1f} s")
    from portal.celery import app

    app.control.purge()  # drain requests a test run may have left in this broker database
    worker = start_worker(env)
    gunicorn = None
    watcher = Watcher(settings.ELASTICSEARCH_URL, union_alias())
    watch = threading.Thread(target=watcher.run, daemon=True)
    watch.start()
    outcomes = {desk.library_code: Outcome() for desk in desks}
    figures: dict[str, object] = {}
    try:
        gunicorn, base_url = start_gunicorn(env, desks[0].host)
        clients = {desk.library_code: DeskClient(base_url, desk) for desk in desks}
        for client in clients.values():
            client.login()
            client.scan("WARM-UP")  # an unknown code: warms the worker up, changes nothing
        checks = {}
        for phase in ("lend", "return"):
            barrier = threading.Barrier(len(desks))
            threads = [
                threading.Thread(
                    target=run_desk,
                    args=(
                        clients[desk.library_code],
                        watcher,
                        outcomes[desk.library_code],
                        phase,
                        args.think,
                        barrier,
                    ),
                )
                for desk in desks
            ]
            phase_started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            print(f"{phase}: {time.perf_counter() - phase_started:.1f} s")
            deadline = time.monotonic() + args.lag_wait
            while watcher.waiting() and time.monotonic() < deadline:
                time.sleep(0.1)
            checks[phase] = check_database(desks, phase, outcomes)
            checks[phase]["not_indexed"] = watcher.waiting()
            with watcher.lock:
                watcher.pending.clear()
        baseline = empty_request_baseline(list(clients.values()), args.think)
    finally:
        watcher.stop.set()
        for process in (gunicorn, worker):
            if process is not None:
                process.terminate()
        for process in (gunicorn, worker):
            if process is not None:
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    copies = [s for o in outcomes.values() for s in o.scans_copy]
    cards = [s for o in outcomes.values() for s in o.scans_card]
    errors = [e for o in outcomes.values() for e in o.errors]
    lags = watcher.lags
    figures = {
        "desks": len(desks),
        "think_s": args.think,
        "copy_scans": len(copies),
        "card_scans": len(cards),
        "scan_copy_ms": _milliseconds(copies),
        "scan_card_ms": _milliseconds(cards),
        "scan_all_p95_ms": round(percentile(copies + cards, 0.95) * 1000, 1),
        # same run, same desks: a request that does no circulation work (a scan is two requests)
        "baseline_empty_request_ms": _milliseconds(baseline),
        "index_lag_s": {"p50": round(percentile(lags, .5), 2), "p95": round(percentile(lags, .95), 2),
                        "max": round(max(lags), 2) if lags else None, "measured": len(lags),
                        # the design's floor: the drain's debounce window plus the index's refresh
                        "floor": drain_debounce_seconds() + 1},
        "checks": checks,
        "errors": errors[:20],
        "error_count": len(errors),
    }  # fmt: skip
    lost_or_double = sum(c["lost"] + c["double"] + c["unexpected_open"] for c in checks.values())
    figures["targets"] = {
        "scan_p95_under_100ms": figures["scan_all_p95_ms"] < TARGETS["scan_p95_ms"],
        "lag_p95_at_most_3s": figures["index_lag_s"]["p95"] <= TARGETS["lag_p95_s"],
        "zero_lost_or_double": lost_or_double == 0 and not errors,
    }
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    if not args.keep:
        from django.db import connections

        connections.close_all()
        recreate_database(env, drop_only=True)
        remove_prefix(BENCH_PREFIX, url=settings.ELASTICSEARCH_URL)
    return 0 if all(figures["targets"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
