"""harvest/tasks.py with a real Celery worker: tasks run the services, the index follows through the
outbox; a source's runs never overlap while different sources run side by side; a failed run is retried
from its resumption point; a long harvest hands the worker back in slices."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import psycopg
import pytest
from django.db import connection

from harvest.locking import HARVEST_LOCK_CLASS, locked_source_ids
from harvest.models import HarvestProblem, HarvestRun
from harvest.services import enqueue_harvest, enqueue_reconcile, harvest_source
from harvest.tasks import harvest_source_task, reconcile_source_task
from tests.celery_worker import running_worker
from tests.harvest.builders import build_records
from tests.harvest.harvesting import duplicate_keys, make_source, outbox_size, schema_records
from tests.harvest.oai_server import Catalogue, Faults, OaiTestServer
from tests.search.union_index import isolated_union_index, union_count, worker_index_prefix

SIZE = 150
WAIT_SECONDS = 40


@pytest.fixture(scope="module")
def worker_prefix() -> Iterator[str]:
    with worker_index_prefix() as prefix:
        yield prefix


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, worker_prefix):
    """A worker whose index prefix is this module's; tasks left in the queue by earlier sessions are
    purged first (their ids would point at this database's rows)."""
    from portal.celery import app

    with pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock():
        patch.setenv("SIMPUL_ES_PREFIX", worker_prefix)
        app.control.purge()
        with running_worker(name="uji-panen-tugas") as process:
            yield process


@pytest.fixture
def union(settings, worker_prefix):
    with isolated_union_index(settings, prefix=worker_prefix) as alias:
        yield alias


@pytest.fixture(scope="module")
def server():
    with OaiTestServer(Catalogue(build_records(size=SIZE))) as running:
        yield running


def wait_for_run(run: HarvestRun, *, finished: bool = True) -> HarvestRun:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in HarvestRun.FINISHED or not finished:
            return run
        time.sleep(0.1)
    raise AssertionError(f"run #{run.pk} still {run.status} after {WAIT_SECONDS} s")


def wait_for_index(library, count: int) -> int:
    deadline = time.monotonic() + WAIT_SECONDS
    while (indexed := union_count(library.code)) != count or outbox_size(library):
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    return indexed


@pytest.fixture
def other_session():
    """A second database session (another worker, as far as PostgreSQL can tell)."""
    db = connection.settings_dict
    session = psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"], dbname=db["NAME"]
    )
    yield session
    session.close()


def test_tasks_are_late_acknowledged_and_declare_their_retries():
    for task in (harvest_source_task, reconcile_source_task):
        assert task.acks_late and task.reject_on_worker_lost and task.max_retries == 3


def test_harvest_now_runs_in_the_worker_and_the_index_follows(worker, union, library, server):
    source = make_source(library, server.oai_php_url)

    run = wait_for_run(enqueue_harvest(source=source, mode=HarvestRun.Mode.FULL))

    assert (run.status, run.created_count) == (HarvestRun.Status.SUCCEEDED, SIZE)
    assert run.task_id and run.finished_at and run.heartbeat_at
    assert wait_for_index(library, SIZE) == SIZE


def test_reconcile_now_runs_in_the_worker(worker, union, library, server):
    source = make_source(library, server.repo_url, "mods")
    wait_for_run(enqueue_harvest(source=source, mode=HarvestRun.Mode.FULL))

    run = wait_for_run(enqueue_reconcile(source=source))

    assert (run.status, run.mode, run.unchanged_count) == (HarvestRun.Status.SUCCEEDED, "reconcile", 0)
    assert run.records_seen == 0 and run.complete_list_size == 0  # dates show no edit: nothing fetched
    assert wait_for_index(library, SIZE) == SIZE


def test_request_for_a_source_whose_lock_is_held_is_skipped_with_a_clear_status(
    worker, library, server, other_session
):
    source = make_source(library, server.repo_url)
    other_session.execute("SELECT pg_advisory_lock(%s, %s)", [HARVEST_LOCK_CLASS, source.pk])
    try:
        assert locked_source_ids([source.pk]) == {source.pk}
        run = wait_for_run(enqueue_harvest(source=source))
    finally:
        other_session.execute("SELECT pg_advisory_unlock(%s, %s)", [HARVEST_LOCK_CLASS, source.pk])

    assert run.status == HarvestRun.Status.SKIPPED
    assert "sedang dipanen oleh proses lain" in run.last_error
    assert schema_records(library) == {}


def test_long_harvest_hands_the_worker_back_and_a_sent_slice_continues_the_same_run(
    worker, library, server, settings
):
    settings.HARVEST_PAGES_PER_TASK = 1  # this process: one page, then the next slice goes to the worker
    source = make_source(library, server.oai2_php_url)

    first_slice = harvest_source_task.apply(kwargs={"source_id": source.pk, "mode": "full"}).get()
    run = wait_for_run(HarvestRun.objects.get(pk=first_slice["run_id"]))

    assert first_slice["status"] == HarvestRun.Status.RUNNING and first_slice["records_seen"] == 100
    assert (run.status, run.records_seen, run.created_count) == (HarvestRun.Status.SUCCEEDED, SIZE, SIZE)
    assert HarvestRun.objects.filter(source=source).count() == 1 and duplicate_keys(library) == []


def test_failed_run_is_retried_by_the_task_and_resumes_from_its_resumption_point(library, settings):
    settings.HARVEST_RETRY_DELAYS = (0,)
    faults = Faults(broken_page=2, broken_page_times=3)  # more than one run's retries, fewer than two
    with OaiTestServer(Catalogue(build_records(size=SIZE)), faults=faults) as server:
        source = make_source(library, server.repo_url)

        summary = harvest_source_task.apply(kwargs={"source_id": source.pk, "mode": "full"}).get()

        listed = [entry.params for entry in server.requests if entry.params.get("verb") == "ListRecords"]
    run = HarvestRun.objects.get(pk=summary["run_id"])
    problem = HarvestProblem.objects.get(run=run)
    assert (summary["status"], summary["created"]) == (HarvestRun.Status.SUCCEEDED, SIZE)
    assert HarvestRun.objects.filter(source=source).count() == 1
    assert problem.page_token and listed[-1] == {"verb": "ListRecords", "resumptionToken": problem.page_token}


def test_runs_of_one_source_never_overlap_but_two_sources_run_side_by_side(committed, harvest_settings):
    from tests.harvest.harvesting import fresh_library, remove_library

    libraries = [fresh_library(), fresh_library()]
    faults = Faults(slow=10_000, slow_seconds=0.1, page_size=15)  # each harvest takes about a second
    try:
        with OaiTestServer(Catalogue(build_records(size=SIZE)), faults=faults) as server:
            sources = [make_source(library, server.oai_php_url) for library in libraries]
            runs: dict[str, HarvestRun] = {}

            def harvest(name, source):
                try:
                    runs[name] = harvest_source(source=source, mode=HarvestRun.Mode.FULL)
                finally:
                    connection.close()

            threads = [
                threading.Thread(target=harvest, args=(name, source))
                for name, source in (("a", sources[0]), ("a-again", sources[0]), ("b", sources[1]))
            ]
            for thread in threads:
                thread.start()
                time.sleep(0.2)
            for thread in threads:
                thread.join(timeout=WAIT_SECONDS)
    finally:
        for library in libraries:
            remove_library(library)

    assert runs["a-again"].status == HarvestRun.Status.SKIPPED
    assert runs["a"].status == runs["b"].status == HarvestRun.Status.SUCCEEDED
    assert runs["a"].started_at < runs["b"].finished_at and runs["b"].started_at < runs["a"].finished_at
