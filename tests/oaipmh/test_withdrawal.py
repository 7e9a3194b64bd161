"""A library set inactive or deleted leaves the union endpoint as the protocol wants it: its set leaves
ListSets and every record of it is reported deleted (persistent deletions), so an aggregator's next
incremental harvest removes them; reinstated, the records come back with later datestamps."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from catalog.services import upsert_records
from tenants.services import delete_library, set_library_active
from tests.factories import host_of, make_normalized_record
from tests.harvest.harvesting import fresh_library, remove_library
from tests.oaipmh.builders import headers
from tests.oaipmh.client import oai
from tests.oaipmh.validation import NS, parse


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def library(committed):
    created = fresh_library("oai-tarik")
    with tenant_context(created):
        upsert_records([make_normalized_record() for _ in range(3)])
    yield created
    remove_library(created)


def _set_specs(client) -> list[str]:
    return [node.text for node in parse(oai(client, {"verb": "ListSets"})).iter(f"{{{NS['oai']}}}setSpec")]


def _library_headers(client, code, **params):
    return headers(
        oai(
            client,
            {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": f"library:{code}", **params},
        )
    )


def test_an_inactive_library_is_reported_deleted_and_comes_back_when_reinstated(client, library):
    live = _library_headers(client, library.code)
    assert [deleted for _, _, deleted in live] == [False] * 3
    set_library_active(library=library, active=False)
    assert f"library:{library.code}" not in _set_specs(client)
    withdrawn = _library_headers(client, library.code)
    assert [(identifier, deleted) for identifier, _, deleted in withdrawn] == [(i, True) for i, _, _ in live]
    # Its own host still answers OAI-PMH (every other page says it is not active), with the deletions.
    own = headers(oai(client, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}, host=host_of(library)))
    assert [deleted for _, _, deleted in own] == [True] * 3
    assert client.get("/", HTTP_HOST=host_of(library)).status_code == 404

    set_library_active(library=library, active=True)
    back = _library_headers(client, library.code, **{"from": withdrawn[0][1]})
    assert [(identifier, deleted) for identifier, _, deleted in back] == [(i, False) for i, _, _ in live]


def test_a_deleted_library_leaves_its_records_as_deletions(client, committed):
    created = fresh_library("oai-hapus")
    with tenant_context(created):
        upsert_records([make_normalized_record() for _ in range(2)])
    code = created.code
    delete_library(library=created)
    assert f"library:{code}" not in _set_specs(client)
    assert [deleted for _, _, deleted in _library_headers(client, code)] == [True, True]
    union = headers(oai(client, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}))
    assert all(deleted for identifier, _, deleted in union if f":{code}:" in identifier)
