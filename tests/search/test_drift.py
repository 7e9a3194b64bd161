"""search/drift.py and ``manage.py check_index``: drift between a schema and the union index, repaired."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django_tenants.utils import tenant_context

from catalog.models import IndexOutbox, Record
from catalog.services import enqueue_index_changes, upsert_record
from search.drift import find_drift, repair_drift
from search.es import get_client
from search.indexer import drain_outbox
from tests.factories import LIBRARY_A, make_normalized_record
from tests.search.union_index import clear_outbox, isolated_union_index, union_documents

CODE_A = LIBRARY_A["code"]


@pytest.fixture
def union(settings):
    with isolated_union_index(settings) as alias:
        yield alias


@pytest.fixture
def in_sync(union, library_a):
    """Library A with five public records, all indexed; its schema stays active."""
    with tenant_context(library_a):
        clear_outbox()
        for _ in range(5):
            upsert_record(normalized=make_normalized_record())
        enqueue_index_changes(record_ids=Record.objects.values_list("pk", flat=True))
        drain_outbox(library=library_a)
        yield library_a


def a_record() -> Record:
    return Record.objects.filter(opac_hide=False).order_by("pk").first()


def edit_behind_the_outbox(record: Record, *, title: str) -> None:
    """A change that bypasses the services (a manual SQL fix): newer than its document, no outbox row."""
    Record.objects.filter(pk=record.pk).update(title=title, updated_at=F("updated_at") + timedelta(seconds=1))


def test_library_in_sync_reports_no_drift(in_sync):
    drift = find_drift(library=in_sync)

    assert drift.in_sync
    public = Record.objects.filter(opac_hide=False).count()
    assert drift.records_in_schema == drift.documents_in_index == public


def test_record_missing_from_the_index_is_reported(in_sync):
    lost = upsert_record(normalized=make_normalized_record()).record
    clear_outbox()  # the change never reached the index

    drift = find_drift(library=in_sync)

    assert (drift.missing_ids, drift.extra_ids, drift.stale_ids) == ([lost.pk], [], [])


def test_document_without_a_public_record_is_reported_as_extra(in_sync, union):
    hidden = a_record()
    Record.objects.filter(pk=hidden.pk).update(opac_hide=True)  # no outbox row: the index never heard
    get_client().index(index=union, id=f"{CODE_A}:888888888", document={"library_code": CODE_A})

    drift = find_drift(library=in_sync)

    assert drift.extra_ids == sorted([f"{CODE_A}:{hidden.pk}", f"{CODE_A}:888888888"])
    assert (drift.missing_ids, drift.stale_ids) == ([], [])


def test_document_older_than_its_record_is_reported_as_stale(in_sync):
    edited = a_record()
    edit_behind_the_outbox(edited, title="Diubah Tanpa Antrean")

    drift = find_drift(library=in_sync)

    assert (drift.stale_ids, drift.missing_ids, drift.extra_ids) == ([edited.pk], [], [])


def test_repair_fixes_missing_extra_and_stale_documents(in_sync, union):
    missing = upsert_record(normalized=make_normalized_record()).record
    clear_outbox()
    stale = a_record()
    edit_behind_the_outbox(stale, title="Judul Perbaikan")
    get_client().index(index=union, id=f"{CODE_A}:777777777", document={"library_code": CODE_A})

    repaired = repair_drift(library=in_sync)

    assert repaired.repaired
    assert (repaired.missing_ids, repaired.stale_ids, repaired.extra_ids) == (
        [missing.pk],
        [stale.pk],
        [f"{CODE_A}:777777777"],
    )
    assert (repaired.rows_enqueued, repaired.documents_deleted) == (2, 1)
    assert find_drift(library=in_sync).in_sync
    documents = union_documents(CODE_A)
    assert documents[f"{CODE_A}:{stale.pk}"]["title"] == "Judul Perbaikan"
    assert f"{CODE_A}:{missing.pk}" in documents and f"{CODE_A}:777777777" not in documents
    assert IndexOutbox.objects.count() == 0


def test_check_index_command_reports_drift_then_repairs_it(in_sync):
    lost = upsert_record(normalized=make_normalized_record()).record
    clear_outbox()
    report, repair, after = StringIO(), StringIO(), StringIO()

    call_command("check_index", "--library", CODE_A, stdout=report)
    call_command("check_index", "--library", CODE_A, "--repair", stdout=repair)
    call_command("check_index", stdout=after)

    assert "missing 1, extra 0, stale 0" in report.getvalue()
    assert f"missing: {lost.pk}" in report.getvalue()
    assert "repaired: 1 re-indexed, 0 deleted" in repair.getvalue()
    assert f"{CODE_A}:" in after.getvalue() and "missing 0, extra 0, stale 0" in after.getvalue()
