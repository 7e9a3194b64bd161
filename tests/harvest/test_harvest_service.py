"""harvest.services.harvest_source: every flavour of the loopback server into a library's schema and on
into the union index — real HTTP, PostgreSQL and Elasticsearch."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from catalog.models import IndexOutbox, Record
from harvest.adapters.mapping import normalize_isbn_issn
from harvest.models import HarvestProblem, HarvestRun, HarvestSource
from harvest.services import harvest_source
from tests.harvest.builders import ARABIC_TITLE, TAFSIR_TITLE, build_records, mojibake
from tests.harvest.harvesting import (
    authors_of,
    copy_codes,
    drain,
    duplicate_keys,
    indexed,
    make_source,
    outbox_size,
    schema_records,
)
from tests.harvest.oai_server import Catalogue, OaiTestServer

SIZE = 230
REPOSITORY = "oai:repo.simpul.test:"


@pytest.fixture(scope="module")
def server():
    with OaiTestServer(Catalogue(build_records(size=SIZE))) as running:
        yield running


def expected_title(title: str) -> str:
    # broken once in the source database: the harvester repairs it (oai.php breaks it once more)
    return TAFSIR_TITLE if title == mojibake(TAFSIR_TITLE) else title


def assert_stored_exactly(library, server, *, key_prefix: str = "", with_copies: bool = True) -> None:
    records = schema_records(library)
    expected = {
        f"{key_prefix}{biblio_id}": server.catalogue.get(biblio_id)
        for biblio_id in server.catalogue.live_ids()
    }
    assert set(records) == set(expected)
    assert duplicate_keys(library) == []
    for key, source in expected.items():
        stored, wanted = records[key], source.record
        assert stored.title == expected_title(wanted.title), key
        assert authors_of(stored) == list(wanted.authors), key
        assert stored.isbn_issn == normalize_isbn_issn(wanted.isbn_issn), key
        if with_copies:
            assert copy_codes(stored) == sorted(copy.item_code for copy in wanted.copies), key


FLAVOURS = [
    pytest.param("oai_php_url", "oai_dc", "", True, HarvestSource.Flavour.SLIMS_OAI, id="slims-oai.php"),
    pytest.param("oai2_php_url", "oai_dc", "", True, HarvestSource.Flavour.SLIMS_OAI2, id="slims-oai2.php"),
    pytest.param("repo_url", "oai_dc", REPOSITORY, False, HarvestSource.Flavour.STANDARD, id="repo-oai_dc"),
    pytest.param("repo_url", "marcxml", REPOSITORY, True, HarvestSource.Flavour.STANDARD, id="repo-marcxml"),
    pytest.param("repo_url", "mods", REPOSITORY, True, HarvestSource.Flavour.STANDARD, id="repo-mods"),
]


@pytest.mark.parametrize(("url", "metadata_format", "key_prefix", "with_copies", "flavour"), FLAVOURS)
def test_full_harvest_stores_every_record_once_with_titles_authors_isbns_and_copies(
    library, server, url, metadata_format, key_prefix, with_copies, flavour
):
    source = make_source(library, getattr(server, url), metadata_format)

    run = harvest_source(source=source, mode=HarvestRun.Mode.FULL)

    assert source.flavour == flavour
    assert (run.status, run.last_error) == (HarvestRun.Status.SUCCEEDED, "")
    assert (run.records_seen, run.created_count, run.failed_count) == (SIZE, SIZE, 0)
    assert run.resumption_token == ""
    assert_stored_exactly(library, server, key_prefix=key_prefix, with_copies=with_copies)


def test_harvested_records_reach_the_union_index_once_each(library, server, union):
    source = make_source(library, server.oai_php_url)
    harvest_source(source=source, mode=HarvestRun.Mode.FULL)

    drain(library)

    documents = indexed(library)
    with tenant_context(library):
        ids = {f"{library.code}:{pk}" for pk in Record.objects.values_list("pk", flat=True)}
    assert set(documents) == ids and len(documents) == SIZE
    assert outbox_size(library) == 0
    titles = {document["title"] for document in documents.values()}
    assert ARABIC_TITLE in titles and TAFSIR_TITLE in titles


def test_second_full_harvest_of_unchanged_source_writes_nothing(library, server):
    source = make_source(library, server.oai2_php_url)
    harvest_source(source=source, mode=HarvestRun.Mode.FULL)
    with tenant_context(library):
        IndexOutbox.objects.all().delete()

    again = harvest_source(source=source, mode=HarvestRun.Mode.FULL)

    assert (again.unchanged_count, again.created_count, again.updated_count) == (SIZE, 0, 0)
    assert outbox_size(library) == 0
    assert len(schema_records(library)) == SIZE


def test_incremental_harvest_uses_the_servers_response_date_as_the_next_from(library, server):
    source = make_source(library, server.repo_url)
    first = harvest_source(source=source, mode=HarvestRun.Mode.INCREMENTAL)  # no `from` yet: a full run
    source.refresh_from_db()
    server.catalogue.edit_title(5, "Fiqih Zakat Kontemporer")
    server.clear_requests()

    second = harvest_source(source=source, mode=HarvestRun.Mode.INCREMENTAL)

    assert first.mode == HarvestRun.Mode.FULL and first.response_date
    assert source.next_from == first.response_date  # second granularity, from the server's clock
    assert second.mode == HarvestRun.Mode.INCREMENTAL and second.from_used == first.response_date
    listed = [entry.params for entry in server.requests if entry.params.get("verb") == "ListRecords"]
    assert listed[0]["from"] == first.response_date
    assert (second.records_seen, second.updated_count) == (1, 1)
    assert schema_records(library)[f"{REPOSITORY}5"].title == "Fiqih Zakat Kontemporer"


def test_oai2_next_from_overlaps_the_local_time_datestamps(library, server):
    source = make_source(library, server.oai2_php_url)

    run = harvest_source(source=source, mode=HarvestRun.Mode.INCREMENTAL)

    source.refresh_from_db()
    from harvest.pipeline import LOCAL_TIME_OVERLAP, parse_source_date

    assert parse_source_date(run.response_date) - parse_source_date(source.next_from) == LOCAL_TIME_OVERLAP


def test_oai_php_is_always_harvested_in_full(library, server):
    source = make_source(library, server.oai_php_url)
    harvest_source(source=source, mode=HarvestRun.Mode.INCREMENTAL)
    server.clear_requests()

    run = harvest_source(source=source, mode=HarvestRun.Mode.INCREMENTAL)

    assert run.mode == HarvestRun.Mode.FULL and run.from_used == ""
    first_list = next(entry.params for entry in server.requests if entry.params.get("verb") == "ListRecords")
    assert "from" not in first_list and "until" not in first_list


def test_deleted_header_removes_the_record_from_schema_and_index(library, server, union):
    source = make_source(library, server.oai2_php_url)
    harvest_source(source=source, mode=HarvestRun.Mode.FULL)
    drain(library)
    server.catalogue.hide(12)  # oai2.php reports a hidden record as status="deleted"
    try:
        run = harvest_source(source=source, mode=HarvestRun.Mode.FULL)
        drain(library)
    finally:
        server.catalogue.hide(12, hidden=False)

    assert run.deleted_count == 1
    assert "12" not in schema_records(library)
    assert len(indexed(library)) == SIZE - 1


def test_broken_record_is_a_problem_with_its_identifier_and_the_page_goes_on(library, server):
    original = server.catalogue.get(7).record
    server.catalogue.edit(7, title="")  # no dc:title: the mapper refuses it
    try:
        source = make_source(library, server.repo_url)
        run = harvest_source(source=source, mode=HarvestRun.Mode.FULL)
    finally:
        server.catalogue.edit(7, title=original.title)

    assert run.status == HarvestRun.Status.PARTIAL
    assert (run.created_count, run.failed_count) == (SIZE - 1, 1)
    problem = HarvestProblem.objects.get(run=run)
    assert problem.identifier == f"{REPOSITORY}7" and "title" in problem.reason


def test_no_records_match_is_a_successful_run_with_zero_records(library, server):
    source = make_source(library, server.repo_url)
    source.next_from = "2099-01-01T00:00:00Z"
    source.save(update_fields=["next_from"])

    run = harvest_source(source=source, mode=HarvestRun.Mode.INCREMENTAL)

    assert (run.status, run.records_seen, run.pages_seen) == (HarvestRun.Status.SUCCEEDED, 0, 1)
    assert schema_records(library) == {}


@pytest.mark.parametrize(
    "isbn_form", ["urn:isbn:{compact}", "ISBN: {isbn}", "isbn {isbn} (pbk.)"], ids=["urn", "prefix", "pbk"]
)
def test_isbn_forms_of_a_repository_are_stored_as_isbns_and_never_as_call_numbers(library, server, isbn_form):
    server.faults.isbn_form = isbn_form
    try:
        run = harvest_source(source=make_source(library, server.repo_url), mode=HarvestRun.Mode.FULL)
    finally:
        server.faults.isbn_form = "{isbn}"

    assert run.status == HarvestRun.Status.SUCCEEDED
    records = schema_records(library)
    with_isbn = [source for source in server.catalogue.visible_records() if source.record.isbn_issn]
    assert with_isbn
    for source in with_isbn:
        stored = records[f"{REPOSITORY}{source.biblio_id}"]
        assert stored.isbn_issn == source.record.isbn_issn.replace("-", ""), source.biblio_id
    assert {record.call_number for record in records.values()} == {""}


def test_subjects_in_another_order_at_the_next_harvest_change_nothing(library, server):
    source = make_source(library, server.oai_php_url)
    harvest_source(source=source, mode=HarvestRun.Mode.FULL)
    with tenant_context(library):
        IndexOutbox.objects.all().delete()
    assert any(len(source.record.subjects) > 1 for source in server.catalogue.visible_records())

    server.faults.shuffle_subjects = True  # SLiMS oai.php: a record's topics in varying order
    try:
        again = harvest_source(source=source, mode=HarvestRun.Mode.FULL)
    finally:
        server.faults.shuffle_subjects = False

    assert (again.unchanged_count, again.created_count, again.updated_count) == (SIZE, 0, 0)
    assert outbox_size(library) == 0


def test_incremental_asked_of_oai_php_is_recorded_as_run_full_because_the_endpoint_has_none(library, server):
    source = make_source(library, server.oai_php_url)

    run = harvest_source(source=source, mode=HarvestRun.Mode.INCREMENTAL)

    assert (run.requested_mode, run.mode) == (HarvestRun.Mode.INCREMENTAL, HarvestRun.Mode.FULL)
    assert "Diminta inkremental, dijalankan penuh" in run.note and "tidak mendukung" in run.note
    run.refresh_from_db()
    assert run.requested_mode == HarvestRun.Mode.INCREMENTAL and "tidak mendukung" in run.note


def test_first_incremental_of_a_standard_repository_says_why_it_ran_full(library, server):
    run = harvest_source(source=make_source(library, server.repo_url), mode=HarvestRun.Mode.INCREMENTAL)

    assert (run.requested_mode, run.mode) == (HarvestRun.Mode.INCREMENTAL, HarvestRun.Mode.FULL)
    assert "titik 'from'" in run.note
