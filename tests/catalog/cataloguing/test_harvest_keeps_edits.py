"""A harvest can never overwrite an edit made in Simpul — end to end: the loopback OAI-PMH server, a full
harvest, a librarian's edit through the save service, the same record changed at the source, a second full
harvest: the edit stays, the other records follow their source."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from catalog.cataloguing.services import AuthorEntry, RecordData, save_record
from catalog.models import Record
from harvest.models import HarvestRun
from harvest.services import harvest_source
from tests.catalog.roles import managed
from tests.factories import make_user
from tests.harvest.builders import build_records
from tests.harvest.harvesting import make_source
from tests.harvest.oai_server import Catalogue, OaiTestServer


@pytest.fixture
def server():
    with OaiTestServer(Catalogue(build_records(size=30))) as running:
        yield running


def test_a_full_harvest_keeps_the_librarians_edit_and_updates_the_rest(harvested_library, server):
    library = harvested_library
    source = make_source(library, server.oai2_php_url)
    assert harvest_source(source=source, mode=HarvestRun.Mode.FULL).status == HarvestRun.Status.SUCCEEDED
    edited_id, other_id = server.catalogue.live_ids()[5], server.catalogue.live_ids()[6]

    managed(library)
    librarian = make_user(f"sunting-{library.code}", libraries=[library])
    try:
        with tenant_context(library):
            record = Record.objects.get(source_id=source.pk, source_key=str(edited_id))
            save_record(
                record=record,
                data=RecordData(
                    title="Judul dibetulkan pustakawan", authors=(AuthorEntry("Pustakawan Teliti"),)
                ),
                actor=librarian,
            )
        server.catalogue.edit_title(edited_id, "Judul baru di SLiMS")
        server.catalogue.edit_title(other_id, "Judul lain baru di SLiMS")

        run = harvest_source(source=source, mode=HarvestRun.Mode.FULL)

        assert run.status == HarvestRun.Status.SUCCEEDED
        with tenant_context(library):
            kept = Record.objects.get(source_id=source.pk, source_key=str(edited_id))
            followed = Record.objects.get(source_id=source.pk, source_key=str(other_id))
            assert kept.title == "Judul dibetulkan pustakawan"
            assert [link.author.name for link in kept.record_authors.all()] == ["Pustakawan Teliti"]
            assert followed.title == "Judul lain baru di SLiMS"
            assert Record.objects.count() == 30
    finally:
        if connection.schema_name != "public":
            connection.set_schema_to_public()
        librarian.delete()
