"""Datestamps, deletions and resumption: what an aggregator's incremental harvest relies on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from catalog.models import Record
from catalog.services import delete_record, upsert_records
from oaipmh.identifiers import identifier_for
from oaipmh.models import Entry
from tests.factories import make_normalized_record
from tests.oaipmh.builders import add_records, headers, set_last_change, token_of, touch
from tests.oaipmh.client import oai
from tests.oaipmh.validation import NS, error_code, parse

JAN_1 = datetime(2024, 1, 1, 10, 0, 0, tzinfo=UTC)


def _listed(client, **params) -> list[tuple[str, str, bool]]:
    body = oai(client, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", **params})
    return [] if error_code(parse(body)) == "noRecordsMatch" else headers(body)


def test_from_and_until_select_on_the_last_change_at_second_granularity(client, library_a):
    first, second = add_records(library_a, 2)
    set_last_change(library_a, first, JAN_1)
    set_last_change(library_a, second, JAN_1 + timedelta(days=1))
    one, two = identifier_for(library_a.code, first), identifier_for(library_a.code, second)
    at = "2024-01-01T10:00:00Z"
    assert [h[0] for h in _listed(client, **{"from": at, "until": at})] == [one]
    assert [
        h[0] for h in _listed(client, **{"from": "2024-01-01T10:00:01Z", "until": "2024-01-03T00:00:00Z"})
    ] == [two]
    assert [h[0] for h in _listed(client, until="2024-01-01")] == [one]
    assert [h[1] for h in _listed(client, **{"from": "2024-01-01", "until": "2024-01-02"})] == [
        "2024-01-01T10:00:00Z",
        "2024-01-02T10:00:00Z",
    ]


def test_an_edit_moves_the_datestamp_to_the_moment_of_the_edit(client, library_a):
    (record_id,) = add_records(library_a, 1, source_key="edit-me")
    set_last_change(library_a, record_id, JAN_1)
    with tenant_context(library_a):
        upsert_records([make_normalized_record(source_key="edit-me", title="Judul yang Diperbaiki")])
    since = (datetime.now(tz=UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert [h[0] for h in _listed(client, **{"from": since})] == [identifier_for(library_a.code, record_id)]


def test_a_deleted_record_is_reported_deleted_for_ever(client, library_a):
    (record_id,) = add_records(library_a, 1, source_key="gone")
    set_last_change(library_a, record_id, JAN_1)
    with tenant_context(library_a):
        assert delete_record(source_key="gone")
    identifier = identifier_for(library_a.code, record_id)
    since = (datetime.now(tz=UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert _listed(client, **{"from": since}) == [(identifier, _listed(client)[0][1], True)]
    root = parse(oai(client, {"verb": "GetRecord", "metadataPrefix": "mods", "identifier": identifier}))
    record = root.find("oai:GetRecord/oai:record", NS)
    assert record.find("oai:header", NS).get("status") == "deleted"
    assert record.find("oai:metadata", NS) is None
    body = oai(client, {"verb": "ListRecords", "metadataPrefix": "marcxml"})
    assert headers(body) == [(identifier, _listed(client)[0][1], True)]


def test_a_record_hidden_from_the_start_is_never_exposed(client, library_a):
    (record_id,) = add_records(library_a, 1, opac_hide=True)
    assert not Entry.objects.filter(library_id=library_a.pk, record_id=record_id).exists()
    assert (
        error_code(parse(oai(client, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})))
        == "noRecordsMatch"
    )
    params = {
        "verb": "GetRecord",
        "metadataPrefix": "oai_dc",
        "identifier": identifier_for(library_a.code, record_id),
    }
    assert error_code(parse(oai(client, params))) == "idDoesNotExist"


def test_a_record_hidden_later_is_deleted_for_an_aggregator_and_returns_when_shown(client, library_a):
    (record_id,) = add_records(library_a, 1, source_key="hide-me")
    set_last_change(library_a, record_id, JAN_1)
    with tenant_context(library_a):
        upsert_records([make_normalized_record(source_key="hide-me", opac_hide=True)])
    identifier = identifier_for(library_a.code, record_id)
    assert [(h[0], h[2]) for h in _listed(client, **{"from": "2024-06-01"})] == [(identifier, True)]
    with tenant_context(library_a):
        upsert_records([make_normalized_record(source_key="hide-me", opac_hide=False)])
    assert [(h[0], h[2]) for h in _listed(client, **{"from": "2024-06-01"})] == [(identifier, False)]


def test_the_feed_row_commits_and_rolls_back_with_the_catalogue_change(library_a):
    before = Entry.objects.count()
    try:
        with transaction.atomic():
            add_records(library_a, 2)
            assert Entry.objects.count() == before + 2
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert Entry.objects.count() == before


def test_a_harvest_batch_writes_the_feed_with_one_statement(library_a):
    with tenant_context(library_a), CaptureQueriesContext(connection) as queries:
        upsert_records([make_normalized_record() for _ in range(50)])
    feed_statements = [query["sql"] for query in queries.captured_queries if "oaipmh_entry" in query["sql"]]
    assert len(feed_statements) == 1


def test_datestamps_never_move_backwards(library_a):
    (record_id,) = add_records(library_a, 1)
    row = Entry.objects.get(library_id=library_a.pk, record_id=record_id)
    with tenant_context(library_a):
        Record.objects.filter(pk=record_id).update(updated_at=JAN_1)
    touch(library_a, record_id, JAN_1)
    assert Entry.objects.get(pk=row.pk).datestamp == row.datestamp


def test_paging_with_tokens_gives_every_record_once_with_cursor_and_size(client, library_a, settings):
    settings.OAIPMH_RECORDS_PAGE_SIZE = 2
    ids = add_records(library_a, 5)
    seen, cursors, params = [], [], {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    for _page in range(10):
        body = oai(client, params)
        seen += [h[0] for h in headers(body)]
        token = token_of(body)
        assert token is not None
        cursors.append(token.get("cursor"))
        assert token.get("completeListSize") == "5"
        if not token.text:
            break
        expires = datetime.strptime(token.get("expirationDate"), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        assert expires - datetime.now(tz=UTC) > timedelta(days=1)
        params = {"verb": "ListRecords", "resumptionToken": token.text}
    assert seen == [identifier_for(library_a.code, i) for i in ids]
    assert cursors == ["0", "2", "4"]


def test_a_list_survives_changes_made_during_the_harvest(client, library_a, settings):
    settings.OAIPMH_IDENTIFIERS_PAGE_SIZE = 2
    ids = add_records(library_a, 6)
    for position, record_id in enumerate(ids):
        set_last_change(library_a, record_id, JAN_1 + timedelta(seconds=position))
    # A harvest up to a moment in the past (as a list without ``until`` is frozen at its first response).
    first = oai(
        client, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "until": "2024-01-02T00:00:00Z"}
    )
    seen = [h[0] for h in headers(first)]
    started = parse(first).findtext("oai:responseDate", namespaces=NS)
    touch(library_a, ids[4], datetime.now(tz=UTC))  # an edit ahead of the cursor
    (new_id,) = add_records(library_a, 1)  # a record created meanwhile
    with tenant_context(library_a):  # a deletion behind the cursor
        delete_record(source_key=Record.objects.get(pk=ids[0]).source_key)
    seen = [(identifier, False) for identifier in seen]
    token = token_of(first).text
    while token:
        body = oai(client, {"verb": "ListIdentifiers", "resumptionToken": token})
        seen += [(h[0], h[2]) for h in headers(body)]
        token = token_of(body).text
    expected = [identifier_for(library_a.code, i) for i in ids]
    # Every record once, in order, except the one edited ahead of the cursor: it moved past the list's
    # ``until`` and belongs to the next harvest, like the new record and the deletion.
    assert seen == [(identifier, False) for identifier in expected if identifier != expected[4]]
    # The next incremental harvest (from the first response's date) sees the edit, the new record and the
    # deletion.
    settings.OAIPMH_IDENTIFIERS_PAGE_SIZE = 100
    changed = {(h[0], h[2]) for h in _listed(client, **{"from": started, "until": "2999-01-01T00:00:00Z"})}
    assert changed >= {
        (expected[4], False),
        (identifier_for(library_a.code, new_id), False),
        (expected[0], True),
    }
