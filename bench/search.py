"""Union search benchmark: the search API (gunicorn) against Elasticsearch answering the same query bodies.

What it does

1. Builds a union index of ``--records`` documents over ``--libraries`` demo libraries on the benchmark
   Elasticsearch (``--es-url``, default the project's ``SIMPUL_ES_URL``: point it at a second, larger
   instance, e.g. ``SIMPUL_ES_HEAP=4g SIMPUL_ES_PORT=59201 scripts/services start es`` and
   ``SIMPUL_ES_URL=http://127.0.0.1:59201``), under its own index prefix
   (``--prefix``, default ``simpulbench``). Records come from the demo generator
   (``demo.catalogue.generate_catalog`` over ``library_codes_for_benchmark``); documents are
   built by ``search.union_document.build_union_document_from_normalized`` (the indexer's field logic,
   without PostgreSQL) and bulk-loaded by ``--workers`` processes, then merged to one segment (as a
   rebuilt index would be before the alias swap; ``--no-merge`` skips that). ``--reuse-index`` keeps an
   index built earlier with the same size.
2. Prepares a fixed, seeded mix of ``--queries`` searches (default 600): spelling variants, title words,
   authors, ISBNs (hyphenated, compact, ISBN-10), facet selections, sorts, typos (the did-you-mean and
   forgiving fallbacks), empty-query browsing, numbered deep pages and ``setelah`` cursor pages reached
   by following cursors. Running each search once in this process records the exact Elasticsearch request
   bodies the API sends for it (one to four: the collapsed page, the library counts, a suggestion, a
   fallback; a cursor page sends its batch and work-summary bodies; the page and its facets travel
   together in one ``_msearch``).
3. Starts gunicorn on 127.0.0.1 with the production settings (``portal/gunicorn_conf.py``: sync workers,
   four per core; ``--gunicorn-workers``, ``--gunicorn-worker-class`` and ``--gunicorn-threads`` override
   them for experiments; Django settings ``portal.settings`` with DEBUG off) and measures, after an
   unmeasured warm-up pass on both sides, with ``--concurrency`` clients (default 16):
   (a) the API: ``GET /api/search?...`` per search;
   (b) Elasticsearch directly: the recorded requests of the same search POSTed one after the other to
       ``<alias>/_search`` or ``_msearch`` (a search's latency is the sum, as in the API).
   The mix is measured in chunks, alternating which side goes first, so that load from anything else on
   the machine falls on both sides alike.
   Elasticsearch's shard request cache is on, as in production (it serves a repeated ``size: 0`` facet
   request until the index next changes; the warm-up pass fills it for both sides alike);
   ``--no-request-cache`` measures without it.
4. Prints p50/p95/p99 and errors of both, the ratio of the p95s, and whether the targets hold
   (API p95 <= 1.5 x raw p95, API p95 < 150 ms, no errors); ``--json PATH`` also writes the figures.

Run (smoke, then the real sizes):

    .venv/bin/python bench/search.py --records 20000 --libraries 50
    .venv/bin/python bench/search.py --records 100000 --libraries 200
    .venv/bin/python bench/search.py --records 1000000 --libraries 200 --workers 2

PostgreSQL must be up (the API's tenant middleware reads the public schema); the benchmark writes
nothing there. Benchmark library codes carry no province in the generator, so a stable hash of the code
assigns one of the generator's provinces (the province facet then has values to count).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import Pool
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_services

UNIT_KINDS = {"bdk", "bla", "lpmq", "puslitbang", "pusdiklat", "ptkin", "madrasah"}  # others are "other"
VARIANT_WORDS = [
    "shalat", "sholat", "salat", "fiqih", "fikih", "fiqh", "al-qur'an", "alquran", "al quran", "quran",
    "hadis", "hadits", "hadith", "doa", "do'a", "akhlak", "akhlaq", "syariah", "syari'ah", "syariat",
    "zikir", "dzikir", "thaharah", "taharah", "ramadan", "ramadhan", "sunnah", "sunah", "akidah", "aqidah",
    "ushul", "usul", "tafsir", "zakat", "zakah", "haji", "umroh", "wakaf", "waqaf", "tasawuf", "tasawwuf",
]  # fmt: skip
COMMON_WORDS = [
    "pendidikan",
    "sejarah",
    "pengantar",
    "ilmu",
    "tuntunan",
    "pedoman",
    "islam",
    "modul",
    "kajian",
]
TYPOS = ["pendidkan", "sejarha islam", "tafsri", "shalta", "akhlk tasawuf", "modearsi beragama", "fikh sunah"]


# --- Index ---------------------------------------------------------------------------------------------


def _holding(code: str):
    from demo.catalogue import _vocabulary, library_profile
    from search.union_document import LibraryHolding

    profile = library_profile(code)
    provinces = _vocabulary()["provinces"]
    province = (
        profile.province or provinces[int(hashlib.sha1(code.encode()).hexdigest(), 16) % len(provinces)]
    )
    kind = profile.kind if profile.kind in UNIT_KINDS else "other"
    return LibraryHolding(code, profile.organisation, profile.city, province, kind)


def _load_library(job: tuple[str, str, str, int, int]) -> int:
    """One worker process: generate one library's catalogue and bulk it (its own client)."""
    es_url, index, code, size, seed = job
    import django

    django.setup()
    from elasticsearch import Elasticsearch, helpers

    from demo.catalogue import generate_catalog
    from search.union_document import build_union_document_from_normalized

    holding = _holding(code)
    client = Elasticsearch(es_url, request_timeout=120)
    actions = (
        {
            "_index": index,
            **build_union_document_from_normalized(library=holding, record=record, record_id=number),
        }
        for number, record in enumerate(generate_catalog(code, size=size, seed=seed), start=1)
        if not record.opac_hide
    )
    count = 0
    for ok, _ in helpers.streaming_bulk(client, actions, chunk_size=2000, raise_on_error=True):
        count += ok
    client.close()
    return count


def build_index(es_url: str, prefix: str, records: int, libraries: int, workers: int, merge: bool) -> str:
    from elasticsearch import Elasticsearch

    from demo.catalogue import library_codes_for_benchmark
    from search.documents import union_index_settings, union_mapping

    alias = f"{prefix}-union"
    index = f"{alias}-v1"
    client = Elasticsearch(es_url, request_timeout=600)
    client.options(ignore_status=404).indices.delete(index=index)
    index_settings = {**union_index_settings(), "refresh_interval": "-1"}
    client.indices.create(index=index, settings=index_settings, mappings=union_mapping(), aliases={alias: {}})
    codes = library_codes_for_benchmark(libraries)
    per_library = [
        records // libraries + (1 if number < records % libraries else 0) for number in range(libraries)
    ]
    jobs = [(es_url, index, code, size, 2024) for code, size in zip(codes, per_library, strict=True)]
    started = time.perf_counter()
    loaded = 0
    with Pool(workers) as pool:
        for number, count in enumerate(pool.imap_unordered(_load_library, jobs), start=1):
            loaded += count
            if number % max(1, libraries // 10) == 0:
                elapsed = time.perf_counter() - started
                print(f"  {number}/{libraries} libraries, {loaded:,} documents, {elapsed:.0f} s")
    client.indices.put_settings(index=index, settings={"refresh_interval": "1s"})
    client.indices.refresh(index=index)
    if merge:
        print("  merging to one segment ...")
        client.options(request_timeout=3600).indices.forcemerge(index=index, max_num_segments=1)
    count = client.count(index=index)["count"]
    print(f"index {index}: {count:,} documents in {time.perf_counter() - started:.0f} s")
    client.close()
    return alias


# --- Query mix -----------------------------------------------------------------------------------------


def _sample_catalogue(libraries: int, seed: int) -> dict[str, list[str]]:
    from demo.catalogue import generate_catalog, library_codes_for_benchmark

    titles, authors, isbns, subjects = [], [], [], []
    for code in library_codes_for_benchmark(libraries)[:12]:
        for record in generate_catalog(code, size=200, seed=seed):
            titles.append(record.title)
            authors += list(record.authors[:1])
            subjects += list(record.subjects[:1])
            if record.isbn_issn:
                isbns.append(record.isbn_issn)
    return {"titles": titles, "authors": authors, "isbns": isbns, "subjects": subjects}


def _title_words(rng: random.Random, title: str) -> str:
    words = [word for word in title.replace(":", " ").split() if len(word) > 2]
    if len(words) <= 2:
        return " ".join(words)
    start = rng.randrange(0, len(words) - 1)
    return " ".join(words[start : start + rng.choice((2, 3))])


def build_query_mix(libraries: int, count: int, seed: int = 7) -> list[dict[str, object]]:
    """A fixed list of API parameter sets (``setelah`` ones get their token during recording)."""
    from demo.catalogue import _vocabulary
    from search.analysis import isbn_forms

    rng = random.Random(seed)
    sample = _sample_catalogue(libraries, 2024)
    provinces = _vocabulary()["provinces"]
    shares = {
        "variant": 0.20, "title": 0.18, "author": 0.08, "isbn": 0.06, "facets": 0.16, "sort": 0.06,
        "typo": 0.04, "browse": 0.04, "deep_page": 0.10, "cursor": 0.08,
    }  # fmt: skip
    mix: list[dict[str, object]] = []
    for kind, share in shares.items():
        for _ in range(max(1, round(count * share))):
            word = rng.choice(VARIANT_WORDS)
            if kind == "variant":
                params = {"q": word if rng.random() < 0.5 else f"{rng.choice(COMMON_WORDS)} {word}"}
            elif kind == "title":
                params = {"q": _title_words(rng, rng.choice(sample["titles"]))}
            elif kind == "author":
                params = {"q": rng.choice(sample["authors"]).split(",")[0]}
            elif kind == "isbn":
                isbn = rng.choice(sample["isbns"])
                forms = isbn_forms(isbn) or [isbn]
                params = {"q": rng.choice([isbn, forms[0], forms[-1]])}
            elif kind == "facets":
                params = {"q": word, "provinsi": rng.sample(provinces, rng.choice((1, 2)))}
                if rng.random() < 0.4:
                    params["jenis"] = ["madrasah"]
                if rng.random() < 0.3:
                    params["tahun_dari"], params["tahun_sampai"] = 2005, 2020
            elif kind == "sort":
                params = {"q": word, "urut": rng.choice(["tahun", "judul", "tahun_lama"])}
            elif kind == "typo":
                params = {"q": rng.choice(TYPOS)}
            elif kind == "browse":
                params = {"q": "", "bahasa": ["id"]} if rng.random() < 0.5 else {"q": ""}
            elif kind == "deep_page":
                params = {"q": rng.choice(COMMON_WORDS + VARIANT_WORDS[:10]), "halaman": rng.randint(10, 100)}
            else:
                params = {"q": rng.choice(COMMON_WORDS), "_cursor_depth": rng.randint(3, 12)}
                if rng.random() < 0.5:
                    params["urut"] = "judul"
            params["_kind"] = kind
            mix.append(params)
    rng.shuffle(mix)
    return mix[:count] if len(mix) > count else mix


def _search_request(params: dict[str, object]):
    from search.query.filters import FACETS, Filters
    from search.query.paging import SortOrder
    from search.selectors import SearchRequest

    values = {facet.param: tuple(params[facet.param]) for facet in FACETS if params.get(facet.param)}
    return SearchRequest(
        text=str(params.get("q", "")),
        filters=Filters(values, params.get("tahun_dari"), params.get("tahun_sampai")),
        order=SortOrder(params["urut"]) if params.get("urut") else None,
        page=int(params.get("halaman", 1)),
        per_page=20,
        after=str(params.get("setelah", "")),
    )


@dataclass
class PreparedSearch:
    kind: str
    query_string: str  # for the API
    requests: list[tuple[str, bytes]] = field(default_factory=list)  # (endpoint, body) to Elasticsearch


def record_bodies(mix: list[dict[str, object]]) -> list[PreparedSearch]:
    """Run every search once in this process, recording the Elasticsearch requests it sends."""
    from search import selectors

    sent: list[tuple[str, bytes]] = []
    original_search, original_msearch = selectors._search, selectors._msearch

    def recording_search(body: dict) -> dict:
        sent.append(("_search", json.dumps(body).encode()))
        return original_search(body)

    def recording_msearch(bodies: list[dict]) -> list[dict]:
        lines = [line for body in bodies for line in ("{}", json.dumps(body))]
        sent.append(("_msearch", ("\n".join(lines) + "\n").encode()))
        return original_msearch(bodies)

    selectors._search, selectors._msearch = recording_search, recording_msearch
    prepared = []
    try:
        for params in mix:
            params = dict(params)
            kind = str(params.pop("_kind"))
            depth = int(params.pop("_cursor_depth", 0))
            if depth:  # follow cursors to a deep page; only the last request is measured
                token = ""
                for _ in range(depth):
                    result = selectors.search_works(_search_request({**params, "setelah": token}))
                    token = result.next_cursor or ""
                    if not token:
                        break
                if token:
                    params["setelah"] = token
            sent.clear()
            selectors.search_works(_search_request(params))
            query_string = urlencode({**params, "per_halaman": 20}, doseq=True)
            prepared.append(PreparedSearch(kind, query_string, list(sent)))
    finally:
        selectors._search, selectors._msearch = original_search, original_msearch
    return prepared


# --- Measuring -----------------------------------------------------------------------------------------


@dataclass
class Run:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)

    def merge(self, other: Run) -> None:
        self.latencies_ms += other.latencies_ms
        self.errors += other.errors
        for kind, values in other.by_kind.items():
            self.by_kind.setdefault(kind, []).extend(values)

    def percentile(self, share: float, values: list[float] | None = None) -> float:
        values = sorted(values if values is not None else self.latencies_ms)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, round(share * (len(values) - 1)))]


def _measure(prepared: list[PreparedSearch], concurrency: int, call) -> Run:
    run = Run()
    lock = threading.Lock()

    def one(search: PreparedSearch) -> None:
        started = time.perf_counter()
        try:
            error = call(search)
        except Exception as exception:  # a failed request is a counted error
            error = repr(exception)
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            run.latencies_ms.append(elapsed)
            run.by_kind.setdefault(search.kind, []).append(elapsed)
            if error:
                run.errors.append(f"{search.kind} {search.query_string[:80]}: {error}")

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, prepared))
    return run


def _api_caller(base_url: str, concurrency: int):
    import urllib3

    http = urllib3.PoolManager(maxsize=concurrency, block=True, retries=False, timeout=urllib3.Timeout(30))

    def call(search: PreparedSearch) -> str:
        response = http.request("GET", f"{base_url}/api/search?{search.query_string}")
        return "" if response.status == 200 else f"HTTP {response.status} {response.data[:200]!r}"

    return call


def _raw_caller(es_url: str, alias: str, concurrency: int):
    import urllib3

    http = urllib3.PoolManager(maxsize=concurrency, block=True, retries=False, timeout=urllib3.Timeout(30))
    content_types = {"_search": "application/json", "_msearch": "application/x-ndjson"}

    def call(search: PreparedSearch) -> str:
        for endpoint, body in search.requests:
            headers = {"Content-Type": content_types[endpoint]}
            response = http.request("POST", f"{es_url}/{alias}/{endpoint}", body=body, headers=headers)
            if response.status != 200:
                return f"HTTP {response.status} {response.data[:200]!r}"
            if (
                endpoint == "_msearch"
                and b'"error"' in response.data[:20000]
                and b'"status":4' in response.data
            ):
                return f"msearch error {response.data[:200]!r}"
        return ""

    return call


def start_gunicorn(env: dict[str, str], overrides: list[str]) -> tuple[subprocess.Popen, str]:
    """gunicorn with the production settings (portal/gunicorn_conf.py), bound to a free loopback port."""
    from tests.ports import free_port

    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "portal.wsgi:application", "-c", "python:portal.gunicorn_conf",
        "--bind", f"127.0.0.1:{port}", "--log-level", "warning", *overrides,
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env={**env, "SIMPUL_WEB_ACCESS_LOG": ""})
    base_url = f"http://127.0.0.1:{port}"
    import urllib3

    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib3.request("GET", f"{base_url}/api/search?q=", timeout=5, retries=False).status == 200:
                return process, base_url
        except urllib3.exceptions.HTTPError:
            pass
        time.sleep(0.5)
    process.terminate()
    raise SystemExit("gunicorn did not answer /api/search within 60 s")


def _figures(run: Run) -> dict[str, float]:
    return {
        "p50": run.percentile(0.50),
        "p95": run.percentile(0.95),
        "p99": run.percentile(0.99),
        "mean": statistics.fmean(run.latencies_ms),
        "errors": len(run.errors),
    }


def _summary(name: str, run: Run) -> str:
    return (
        f"{name:<22} n={len(run.latencies_ms):<5} p50={run.percentile(0.50):7.1f} ms  "
        f"p95={run.percentile(0.95):7.1f} ms  p99={run.percentile(0.99):7.1f} ms  errors={len(run.errors)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--libraries", type=int, default=200)
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--es-url", default=None, help="default: the project's SIMPUL_ES_URL")
    parser.add_argument("--prefix", default="simpulbench")
    parser.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2)))
    parser.add_argument("--gunicorn-workers", type=int, help="default: portal/gunicorn_conf.py's")
    parser.add_argument("--gunicorn-threads", type=int, help="with --gunicorn-worker-class gthread")
    parser.add_argument("--gunicorn-worker-class", choices=["gthread", "sync"])
    parser.add_argument("--reuse-index", action="store_true", help="keep an index of the same size")
    parser.add_argument("--no-merge", dest="merge", action="store_false")
    parser.add_argument("--build-only", action="store_true", help="build the index and stop")
    parser.add_argument(
        "--no-request-cache",
        dest="request_cache",
        action="store_false",
        help="turn the shard request cache off while measuring (facets are size-0 requests it would serve)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.es_url is None:
        from bench_services import elasticsearch_url

        args.es_url = elasticsearch_url()
    if args.queries < 500:
        parser.error("--queries must be at least 500")

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "SIMPUL_ES_URL": args.es_url,
        "SIMPUL_ES_PREFIX": args.prefix,
        "SIMPUL_ENV": "development",  # gunicorn over plain HTTP on loopback, no proxy
        # 16 clients on one address: the throttle stays in the path at a rate they cannot reach.
        "SIMPUL_API_ANON_RATE": "100000000/minute",
        "SIMPUL_DEBUG": "0",
        "SIMPUL_SECRET_KEY": "bench-only-secret-key",
        "SIMPUL_LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    import django

    django.setup()
    from elasticsearch import Elasticsearch

    from search.documents import union_alias

    client = Elasticsearch(args.es_url, request_timeout=60)
    alias = union_alias()
    existing = client.count(index=alias)["count"] if client.indices.exists_alias(name=alias) else -1
    if args.reuse_index and existing > 0:
        print(f"reusing {alias}: {existing:,} documents")
    else:
        print(f"building {args.records:,} records over {args.libraries} libraries on {args.es_url} ...")
        build_index(args.es_url, args.prefix, args.records, args.libraries, args.workers, args.merge)
    documents = client.count(index=alias)["count"]
    if args.build_only:
        return 0

    client.indices.put_settings(index=alias, settings={"index.requests.cache.enable": args.request_cache})
    client.indices.clear_cache(index=alias, request=True)
    print(f"shard request cache {'on' if args.request_cache else 'off'}")
    mix = build_query_mix(args.libraries, args.queries)
    print(f"recording the Elasticsearch bodies of {len(mix)} searches ...")
    prepared = record_bodies(mix)
    requests = sum(len(search.requests) for search in prepared)
    print(f"  {requests} requests to Elasticsearch ({requests / len(prepared):.2f} per search)")

    overrides = [
        f"--{name}={value}"
        for name, value in (
            ("workers", args.gunicorn_workers),
            ("threads", args.gunicorn_threads),
            ("worker-class", args.gunicorn_worker_class),
        )
        if value is not None
    ]
    process, base_url = start_gunicorn(env, overrides)
    try:
        api, raw = _api_caller(base_url, args.concurrency), _raw_caller(args.es_url, alias, args.concurrency)
        print("warming up both sides (not measured) ...")
        _measure(prepared, args.concurrency, api)
        _measure(prepared, args.concurrency, raw)
        print(f"measuring with {args.concurrency} concurrent clients ...")
        raw_run, api_run = Run(), Run()
        chunk = max(args.concurrency * 4, 50)  # alternate sides so load from elsewhere hits both alike
        for start in range(0, len(prepared), chunk):
            part = prepared[start : start + chunk]
            first, second = (
                ((raw, raw_run), (api, api_run))
                if start // chunk % 2 == 0
                else ((api, api_run), (raw, raw_run))
            )
            for call, run in (first, second):
                run.merge(_measure(part, args.concurrency, call))
    finally:
        process.terminate()
        process.wait(timeout=30)

    ratio = api_run.percentile(0.95) / raw_run.percentile(0.95)
    print()
    print(f"{documents:,} documents, {args.libraries} libraries, {len(prepared)} searches, ", end="")
    print(f"{args.concurrency} clients")
    print(_summary("(a) API via gunicorn", api_run))
    print(_summary("(b) Elasticsearch raw", raw_run))
    print(f"ratio of p95 (API / raw): {ratio:.2f}")
    for kind in sorted(api_run.by_kind):
        api_p95 = api_run.percentile(0.95, api_run.by_kind[kind])
        raw_p95 = raw_run.percentile(0.95, raw_run.by_kind.get(kind, []))
        count = len(api_run.by_kind[kind])
        print(f"  {kind:<10} n={count:<4} API p95 {api_p95:7.1f} ms   raw p95 {raw_p95:7.1f} ms")
    targets = {
        "API p95 <= 1.5 x raw p95": ratio <= 1.5,
        "API p95 < 150 ms": api_run.percentile(0.95) < 150,
        "no errors": not api_run.errors and not raw_run.errors,
    }
    for name, met in targets.items():
        print(f"  [{'x' if met else ' '}] {name}")
    for error in (api_run.errors + raw_run.errors)[:10]:
        print(f"  error: {error}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        figures = {
            "documents": documents,
            "libraries": args.libraries,
            "searches": len(prepared),
            "concurrency": args.concurrency,
            "api": _figures(api_run),
            "raw": _figures(raw_run),
            "ratio_p95": ratio,
            "targets": targets,
        }  # fmt: skip
        args.json.write_text(json.dumps(figures, indent=2))
    return 0 if all(targets.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
