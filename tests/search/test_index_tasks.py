"""search/tasks.py with a real Celery worker: a committed change reaches the union index through the
after-commit drain request; the periodic drain catches rows whose request was lost; the schedule."""

import time
import uuid
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import connection
from django_celery_beat.models import PeriodicTask
from django_tenants.utils import tenant_context

from catalog.models import IndexOutbox, Record
from catalog.services import upsert_record
from search.schedules import DRAIN_ALL_OUTBOXES
from search.tasks import claim_drain_slot, drain_all_outboxes, request_drain
from tenants.models import Library
from tests.celery_worker import running_worker
from tests.factories import LIBRARY_A, make_normalized_record
from tests.search.union_index import isolated_union_index, union_documents, worker_index_prefix

CODE_A = LIBRARY_A["code"]
WAIT_SECONDS = 30


@pytest.fixture(scope="module")
def worker_prefix() -> Iterator[str]:
    with worker_index_prefix() as prefix:
        yield prefix


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, worker_prefix):
    """A worker whose index prefix is this module's (it reads SIMPUL_ES_PREFIX when it starts)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SIMPUL_ES_PREFIX", worker_prefix)
        with django_db_blocker.unblock(), running_worker(name="uji-indeks") as process:
            yield process


@pytest.fixture
def union(settings, worker_prefix):
    with isolated_union_index(settings, prefix=worker_prefix) as alias:
        yield alias


@pytest.fixture
def committed_a(django_db_blocker):
    """Library A, for data that really commits; the records made are listed and removed afterwards."""
    created: list[int] = []
    with django_db_blocker.unblock():
        library = Library.objects.get(code=CODE_A)
        yield library, created
        with tenant_context(library):
            Record.objects.filter(pk__in=created).delete()
            IndexOutbox.objects.filter(record_id__in=created).delete()
        connection.set_schema_to_public()


def wait_for_documents(doc_ids: set[str]) -> dict[str, dict]:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        documents = union_documents(CODE_A)
        if doc_ids <= set(documents) or time.monotonic() > deadline:
            return documents
        time.sleep(0.2)


def test_committed_upserts_reach_the_index_through_the_after_commit_drain(worker, union, committed_a):
    library, created = committed_a
    with tenant_context(library):
        records = [upsert_record(normalized=make_normalized_record()).record for _ in range(5)]
    created.extend(record.pk for record in records)
    expected = {f"{CODE_A}:{record.pk}" for record in records}

    documents = wait_for_documents(expected)

    assert expected <= set(documents), f"not indexed within {WAIT_SECONDS} s"
    assert {documents[doc_id]["title"] for doc_id in expected} == {record.title for record in records}
    with tenant_context(library):
        assert not IndexOutbox.objects.filter(record_id__in=created).exists()


def test_periodic_drain_indexes_rows_whose_drain_request_was_lost(worker, union, committed_a):
    library, created = committed_a
    with tenant_context(library):
        # Written without the services, so no after-commit request was ever sent: only the row exists.
        record = Record.objects.create(source_key=f"hilang-{uuid.uuid4().hex[:8]}", title="Permintaan Hilang")
        IndexOutbox.objects.create(record_id=record.pk, operation=IndexOutbox.Operation.UPSERT)
    created.append(record.pk)

    sent = drain_all_outboxes.delay().get(timeout=WAIT_SECONDS)
    documents = wait_for_documents({f"{CODE_A}:{record.pk}"})

    assert sent["libraries"] >= 2
    assert documents[f"{CODE_A}:{record.pk}"]["title"] == "Permintaan Hilang"


def test_a_burst_of_drain_requests_sends_one_task_per_window(worker, union, library_a):
    time.sleep(1.1)  # let the windows opened by earlier tests close

    sent = [request_drain(schema_name=library_a.schema_name) for _ in range(200)]

    assert sent[0] is True and sent.count(True) == 1


def test_drain_slot_is_claimed_once_per_window_and_per_library():
    schema, other = f"uji_{uuid.uuid4().hex[:8]}", f"uji_{uuid.uuid4().hex[:8]}"

    first, second, for_other = (
        claim_drain_slot(schema_name=name, seconds=1) for name in (schema, schema, other)
    )
    time.sleep(1.1)

    assert (first, second, for_other) == (True, False, True)
    assert claim_drain_slot(schema_name=schema, seconds=1) is True


def test_setup_schedules_registers_the_periodic_drain_once_and_keeps_operator_changes(db):
    call_command("setup_schedules")
    PeriodicTask.objects.filter(name=DRAIN_ALL_OUTBOXES).update(enabled=False)
    call_command("setup_schedules")

    task = PeriodicTask.objects.get(name=DRAIN_ALL_OUTBOXES)
    assert task.task == "search.drain_all_outboxes"
    assert (task.interval.every, task.interval.period) == (1, "minutes")
    assert task.enabled is False
