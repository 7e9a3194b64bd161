"""Every fault ends the same way: the union index holds exactly the records the source holds, once each.

Faults come from the loopback server (``Faults``), from Elasticsearch made unreachable behind a TCP proxy,
and from a real Celery worker killed with SIGKILL in the middle of a run.
"""

from __future__ import annotations

import os
import signal
import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings

from harvest.models import HarvestProblem, HarvestRun
from harvest.services import harvest_source
from harvest.tasks import harvest_source_task
from search.es import reset_client
from tests.celery_worker import running_worker
from tests.harvest.builders import build_records
from tests.harvest.harvesting import drain, duplicate_keys, indexed, make_source, outbox_size, schema_records
from tests.harvest.oai_server import Catalogue, Faults, OaiTestServer
from tests.search.union_index import isolated_union_index, union_count, unique_prefix
from tests.tcp_proxy import TcpProxy

SIZE = 240
LIST_VERBS = frozenset({"ListRecords"})


@pytest.fixture
def server():
    with OaiTestServer(Catalogue(build_records(size=SIZE))) as running:
        yield running


def assert_index_equals_source(library, server) -> None:
    """The end state every fault test asks for: schema = source = index, no duplicates, empty outbox."""
    result = drain(library)
    assert result is None or result.error == ""
    visible = {str(source.biblio_id) for source in server.catalogue.visible_records()}
    documents = indexed(library)
    keys = [document["source_key"] for document in documents.values()]
    assert len(keys) == len(set(keys)) == len(visible)
    assert {key.rsplit(":", 1)[-1] for key in keys} == visible
    assert len(schema_records(library)) == len(visible) and duplicate_keys(library) == []
    assert outbox_size(library) == 0


def faults_served(server) -> list[str]:
    return [entry.fault for entry in server.requests if entry.fault]


# --- faults the client rides out ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "faults", "served"),
    [
        pytest.param("oai_php_url", Faults(truncate=2, verbs=LIST_VERBS), "truncate", id="truncated"),
        pytest.param("oai2_php_url", Faults(reset=2, verbs=LIST_VERBS), "reset", id="reset"),
        pytest.param("repo_url", Faults(broken_page=2, broken_page_times=2), "broken-page", id="broken-page"),
    ],
)
def test_transient_fault_is_retried_and_the_index_equals_the_source(
    library, server, union, url, faults, served
):
    source = make_source(library, getattr(server, url))
    server.faults = faults

    run = harvest_source(source=source, mode=HarvestRun.Mode.FULL)

    assert (run.status, run.failed_count) == (HarvestRun.Status.SUCCEEDED, 0)
    assert served in faults_served(server)
    assert_index_equals_source(library, server)


def test_503_with_retry_after_is_waited_out_and_the_index_equals_the_source(library, server, union):
    source = make_source(library, server.repo_url)
    server.faults = Faults(unavailable=1, retry_after="1", verbs=LIST_VERBS)

    started = time.monotonic()
    run = harvest_source(source=source, mode=HarvestRun.Mode.FULL)

    assert run.status == HarvestRun.Status.SUCCEEDED and "503" in faults_served(server)
    assert time.monotonic() - started >= 1.0  # what the server asked for (the policy allows up to 1.5 s)
    assert_index_equals_source(library, server)


def test_response_slower_than_the_timeout_is_retried(library, server, union, settings):
    source = make_source(library, server.repo_url)
    server.faults = Faults(slow=1, slow_seconds=settings.HARVEST_HTTP_TIMEOUT + 0.5, verbs=LIST_VERBS)

    started = time.monotonic()
    run = harvest_source(source=source, mode=HarvestRun.Mode.FULL)

    assert run.status == HarvestRun.Status.SUCCEEDED
    assert time.monotonic() - started >= settings.HARVEST_HTTP_TIMEOUT  # it gave up once, asked again
    assert_index_equals_source(library, server)


def test_bad_resumption_token_restarts_the_list_without_duplicates(library, server, union):
    source = make_source(library, server.oai2_php_url)
    server.faults = Faults(bad_token_on_use=2)

    run = harvest_source(source=source, mode=HarvestRun.Mode.FULL)

    assert (run.status, run.restarts) == (HarvestRun.Status.SUCCEEDED, 1)
    assert "bad-token" in faults_served(server)
    assert run.created_count == SIZE  # the records of the restarted pages were upserts of the same keys
    assert_index_equals_source(library, server)


def test_oai_php_page_that_keeps_failing_is_rebuilt_record_by_record(library, server, union):
    source = make_source(library, server.oai_php_url)
    server.faults = Faults(broken_page=2)  # every time

    run = harvest_source(source=source, mode=HarvestRun.Mode.FULL)

    assert (run.status, run.records_seen) == (HarvestRun.Status.SUCCEEDED, SIZE)
    assert sum(1 for entry in server.requests if entry.params.get("verb") == "GetRecord") == 100
    assert_index_equals_source(library, server)


def test_page_that_keeps_failing_is_recorded_with_its_token_and_a_retry_resumes_there(library, server, union):
    source = make_source(library, server.repo_url)
    server.faults = Faults(broken_page=2)  # every time: more than the client's retries

    failed = harvest_source(source=source, mode=HarvestRun.Mode.FULL)

    problem = HarvestProblem.objects.get(run=failed)
    assert failed.status == HarvestRun.Status.FAILED and failed.retry_advised
    assert (failed.pages_seen, failed.created_count) == (1, 100)  # the first page stays committed
    assert problem.page_token == failed.resumption_token != ""
    server.faults = Faults()
    server.clear_requests()

    resumed = harvest_source(source=source, mode=HarvestRun.Mode.FULL, run=failed)

    first_request = server.requests[0].params
    assert first_request == {"verb": "ListRecords", "resumptionToken": problem.page_token}
    assert (resumed.pk, resumed.status, resumed.created_count) == (
        failed.pk,
        HarvestRun.Status.SUCCEEDED,
        SIZE,
    )
    assert_index_equals_source(library, server)


# --- Elasticsearch stopped in the middle -------------------------------------------------------------


@pytest.fixture
def es_behind_proxy(settings, union):
    proxy = TcpProxy(urlsplit(django_settings.ELASTICSEARCH_URL).port).start()
    settings.ELASTICSEARCH_URL = proxy.url
    reset_client()
    try:
        yield proxy
    finally:
        proxy.stop()
        reset_client()


def test_elasticsearch_stopped_in_the_middle_loses_nothing_and_the_outbox_drains_when_it_returns(
    library, server, es_behind_proxy
):
    source = make_source(library, server.oai_php_url)
    run = harvest_source(source=source, mode=HarvestRun.Mode.FULL, max_pages=1)
    assert drain(library).error == "" and union_count(library.code) == 100

    es_behind_proxy.stop()
    run = harvest_source(source=source, mode=HarvestRun.Mode.FULL, run=run)
    failed = drain(library)

    assert run.status == HarvestRun.Status.SUCCEEDED  # the harvest does not need Elasticsearch
    assert failed.error and failed.rows_drained == 0
    assert outbox_size(library) == SIZE - 100  # every change waits in the outbox

    es_behind_proxy.start()
    assert_index_equals_source(library, server)


# --- the worker killed in the middle ----------------------------------------------------------------


def wait_for(condition, *, timeout: float, step: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"condition not met within {timeout} s")


@pytest.fixture
def worker_environment(settings, monkeypatch):
    """Workers started by this test use its index prefix and get an unacknowledged task back 2 s after
    the worker holding it died (the broker's visibility timeout)."""
    from portal.celery import app

    prefix = unique_prefix()
    monkeypatch.setenv("SIMPUL_ES_PREFIX", prefix)
    monkeypatch.setenv("SIMPUL_CELERY_VISIBILITY_TIMEOUT", "2")
    app.control.purge()  # tasks left in the queue by earlier sessions must not run against this database
    with isolated_union_index(settings, prefix=prefix):
        yield prefix


def test_worker_killed_mid_run_is_redelivered_and_resumes_from_the_committed_page(
    library, worker_environment, django_db_blocker
):
    page_size = 20
    with OaiTestServer(
        Catalogue(build_records(size=SIZE)),
        faults=Faults(slow=10_000, slow_seconds=0.25, page_size=page_size),
    ) as server:
        source = make_source(library, server.repo_url)
        with running_worker(name="uji-panen-1") as first:
            harvest_source_task.apply_async(kwargs={"source_id": source.pk, "mode": "full"})
            run = wait_for(
                lambda: HarvestRun.objects.filter(source=source, pages_seen__gte=3).first(), timeout=30
            )
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
            time.sleep(0.6)  # a request the dead worker had in flight gets logged by the server meanwhile
        run.refresh_from_db()
        committed_token, committed_pages = run.resumption_token, run.pages_seen
        assert run.status == HarvestRun.Status.RUNNING and committed_token
        assert len(schema_records(library)) == committed_pages * page_size  # nothing half-written
        server.clear_requests()
        server.faults = Faults(page_size=page_size)  # no longer slow

        with running_worker(name="uji-panen-2"):
            wait_for(
                lambda: HarvestRun.objects.get(pk=run.pk).status != HarvestRun.Status.RUNNING, timeout=60
            )
            run.refresh_from_db()
            assert run.status == HarvestRun.Status.SUCCEEDED
            # the same run continued from its last committed page: no new run, no second Identify
            assert HarvestRun.objects.filter(source=source).count() == 1
            assert server.requests[0].params == {"verb": "ListRecords", "resumptionToken": committed_token}
            assert (run.pages_seen, run.records_seen, run.created_count) == (SIZE // page_size, SIZE, SIZE)
            wait_for(lambda: union_count(library.code) == SIZE and outbox_size(library) == 0, timeout=30)
    documents = indexed(library)
    assert len({document["source_key"] for document in documents.values()}) == len(documents) == SIZE
    assert duplicate_keys(library) == []
