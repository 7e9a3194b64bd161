"""harvest.services.reconcile_source: what `from`-harvesting never shows — edits and physical deletes at
a SLiMS source, hidden records — reaches the schema and the union index; unchanged content writes
nothing; a wrong or incomplete identifier list never empties a catalogue."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from catalog.models import IndexOutbox
from catalog.normalized import NormalizedCopy
from catalog.services import upsert_record
from harvest.models import HarvestProblem, HarvestRun
from harvest.services import harvest_source, reconcile_source
from tests.factories import make_normalized_record
from tests.harvest.builders import build_records
from tests.harvest.harvesting import (
    copy_codes,
    drain,
    duplicate_keys,
    indexed,
    make_source,
    outbox_size,
    schema_records,
)
from tests.harvest.oai_server import Catalogue, Faults, OaiTestServer

SIZE = 180


@pytest.fixture
def server():
    with OaiTestServer(Catalogue(build_records(size=SIZE))) as running:
        yield running


def harvested(library, url: str, metadata_format: str = "oai_dc"):
    source = make_source(library, url, metadata_format)
    run = harvest_source(source=source, mode=HarvestRun.Mode.FULL)
    assert run.status == HarvestRun.Status.SUCCEEDED
    return source


def requests_by_verb(server) -> dict[str, int]:
    counts: dict[str, int] = {}
    for entry in server.requests:
        verb = entry.params.get("verb") or ("MODS" if entry.params.get("inXML") else "other")
        counts[verb] = counts.get(verb, 0) + 1
    return counts


def assert_index_matches_source(library, server, key=str) -> dict[str, dict]:
    drain(library)
    documents = indexed(library)
    visible = {key(source.biblio_id) for source in server.catalogue.visible_records()}
    assert {document["source_key"] for document in documents.values()} == visible
    assert len(documents) == len(visible) and duplicate_keys(library) == []
    return {document["source_key"]: document for document in documents.values()}


def test_edit_and_physical_delete_at_oai_php_reach_schema_and_index(library, server, union):
    source = harvested(library, server.oai_php_url)
    drain(library)
    server.catalogue.edit_title(40, "Sejarah Peradaban Islam Nusantara (revisi)")
    server.catalogue.delete(41)
    server.clear_requests()

    run = reconcile_source(source=source)

    assert (run.status, run.mode) == (HarvestRun.Status.SUCCEEDED, HarvestRun.Mode.RECONCILE)
    assert (run.deleted_count, run.updated_count, run.created_count) == (1, 1, 0)
    records = schema_records(library)
    assert records["40"].title == "Sejarah Peradaban Islam Nusantara (revisi)" and "41" not in records
    # the edit showed only in ListIdentifiers' last_update: one GetRecord, no second ListRecords walk
    assert requests_by_verb(server).get("GetRecord") == 1 and "ListRecords" not in requests_by_verb(server)
    documents = assert_index_matches_source(library, server)
    assert documents["40"]["title"] == "Sejarah Peradaban Islam Nusantara (revisi)"


def test_edit_delete_and_hide_at_oai2_php_reach_schema_and_index(library, server, union):
    source = harvested(library, server.oai2_php_url)
    drain(library)
    server.catalogue.edit_title(60, "Akhlak Tasawuf (edisi baru)")
    server.catalogue.delete(61)
    server.catalogue.hide(62)

    run = reconcile_source(source=source)

    assert run.status == HarvestRun.Status.SUCCEEDED
    assert (run.deleted_count, run.updated_count) == (2, 1)
    records = schema_records(library)
    assert records["60"].title == "Akhlak Tasawuf (edisi baru)"
    assert "61" not in records and "62" not in records
    documents = assert_index_matches_source(library, server)
    assert documents["60"]["title"] == "Akhlak Tasawuf (edisi baru)"


def test_copies_changed_in_slims_arrive_from_the_mods_detail_export(library, server):
    source = harvested(library, server.oai2_php_url)
    copies = (NormalizedCopy(item_code="B0000701", call_number="297.4 HAS f", location="Rak 3"),)
    server.catalogue.edit(70, copies=copies)

    run = reconcile_source(source=source)

    assert run.updated_count == 1
    assert copy_codes(schema_records(library)["70"]) == ["B0000701"]


def test_edit_and_persistent_delete_at_a_standard_repository_reach_schema_and_index(library, server, union):
    source = harvested(library, server.repo_url, "marcxml")
    server.catalogue.edit_title(15, "Manajemen Madrasah Modern")
    server.catalogue.delete(16)
    server.clear_requests()

    run = reconcile_source(source=source)

    key = "oai:repo.simpul.test:{}".format
    records = schema_records(library)
    assert (run.deleted_count, run.updated_count) == (1, 1)
    assert records[key(15)].title == "Manajemen Madrasah Modern" and key(16) not in records
    assert requests_by_verb(server).get("GetRecord") == 1
    assert_index_matches_source(library, server, key=key)


def test_reconciling_an_unchanged_source_writes_nothing_not_even_an_outbox_row(library, server):
    source = harvested(library, server.oai2_php_url)
    with tenant_context(library):
        IndexOutbox.objects.all().delete()

    run = reconcile_source(source=source)

    assert (run.status, run.unchanged_count) == (HarvestRun.Status.SUCCEEDED, SIZE)
    assert (run.created_count, run.updated_count, run.deleted_count) == (0, 0, 0)
    assert outbox_size(library) == 0


def test_reconciliation_never_deletes_records_typed_in_simpul(library, server):
    source = harvested(library, server.oai_php_url)
    with tenant_context(library):
        upsert_record(normalized=make_normalized_record(source_key="9001", raw_format="local"))

    reconcile_source(source=source)

    assert "9001" in schema_records(library)


def test_source_that_suddenly_lists_almost_nothing_deletes_nothing(library, server):
    source = harvested(library, server.oai_php_url)
    for biblio_id in range(5, SIZE + 1):
        server.catalogue.delete(biblio_id)

    run = reconcile_source(source=source)

    assert run.status == HarvestRun.Status.PARTIAL and run.deleted_count == 0
    assert "menolak menghapus" in HarvestProblem.objects.get(run=run).reason
    assert len(schema_records(library)) == SIZE


def test_incomplete_identifier_list_fails_the_run_and_deletes_nothing(library, server):
    source = harvested(library, server.repo_url)
    server.catalogue.delete(3)
    server.faults = Faults(reset=1000, verbs=frozenset({"ListIdentifiers"}))

    run = reconcile_source(source=source)

    assert run.status == HarvestRun.Status.FAILED and "Tidak ada yang dihapus" in run.last_error
    assert run.deleted_count == 0 and len(schema_records(library)) == SIZE


def test_reconciliation_is_safe_to_run_twice(library, server):
    source = harvested(library, server.oai_php_url)
    server.catalogue.delete(10)
    first = reconcile_source(source=source)

    second = reconcile_source(source=source)

    assert (first.deleted_count, second.deleted_count) == (1, 0)
    assert (second.created_count, second.updated_count) == (0, 0)
    assert len(schema_records(library)) == SIZE - 1


@pytest.fixture
def recent_server():
    """Records created and last changed within the last day (a catalogue typed in yesterday): every
    header date is later than the last full pass minus its one-day margin."""
    from datetime import UTC, datetime, timedelta

    start = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=20)
    catalogue = Catalogue(build_records(size=SIZE), first_input_date=start, spacing=timedelta(seconds=30))
    with OaiTestServer(catalogue) as running:
        yield running


def test_reconcile_after_an_incremental_skips_records_whose_header_date_is_the_stored_one(
    library, recent_server
):
    server = recent_server
    source = harvested(library, server.repo_url)
    server.catalogue.edit_title(15, "Manajemen Madrasah Modern")
    source.refresh_from_db()
    incremental = harvest_source(source=source, mode=HarvestRun.Mode.INCREMENTAL)
    assert (incremental.mode, incremental.updated_count) == (HarvestRun.Mode.INCREMENTAL, 1)
    server.clear_requests()

    run = reconcile_source(source=source)

    assert run.status == HarvestRun.Status.SUCCEEDED
    assert (run.skipped_count, run.updated_count, run.created_count, run.deleted_count) == (SIZE, 0, 0, 0)
    verbs = requests_by_verb(server)
    assert "GetRecord" not in verbs and "ListRecords" not in verbs


def test_reconcile_fetches_only_what_changed_since_the_stored_header_dates(library, recent_server):
    server = recent_server
    source = harvested(library, server.repo_url)
    server.catalogue.edit_title(20, "Fiqih Zakat Kontemporer")
    server.clear_requests()

    run = reconcile_source(source=source)

    assert (run.skipped_count, run.updated_count) == (SIZE - 1, 1)
    assert requests_by_verb(server).get("GetRecord") == 1
    assert schema_records(library)["oai:repo.simpul.test:20"].title == "Fiqih Zakat Kontemporer"


def test_second_reconcile_of_oai_php_skips_every_record_by_its_last_update(library, server):
    source = harvested(library, server.oai_php_url)  # oai.php's ListRecords carries no dates
    first = reconcile_source(source=source)
    server.clear_requests()

    second = reconcile_source(source=source)

    assert (first.status, second.status) == (HarvestRun.Status.SUCCEEDED, HarvestRun.Status.SUCCEEDED)
    assert (second.skipped_count, second.updated_count) == (SIZE, 0)
    assert "GetRecord" not in requests_by_verb(server)
