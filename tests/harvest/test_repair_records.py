"""``manage.py repair_records`` (harvest.services.repair_stored_records): stored records mapped again from
their kept raw metadata; what an older mapper got wrong is repaired and the union index follows through
the outbox; a library with nothing wrong is left untouched."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django_tenants.utils import tenant_context

from catalog.models import IndexOutbox, Record
from harvest.models import HarvestRun
from harvest.services import harvest_source, repair_stored_records
from tests.harvest.builders import build_records
from tests.harvest.harvesting import drain, indexed, make_source, outbox_size, schema_records
from tests.harvest.oai_server import Catalogue, OaiTestServer

SIZE = 60
REPOSITORY = "oai:repo.simpul.test:"


@pytest.fixture(scope="module")
def server():
    with OaiTestServer(Catalogue(build_records(size=SIZE))) as running:
        yield running


def harvested(library, url: str, metadata_format: str = "oai_dc"):
    run = harvest_source(source=make_source(library, url, metadata_format), mode=HarvestRun.Mode.FULL)
    assert run.status == HarvestRun.Status.SUCCEEDED
    with tenant_context(library):
        IndexOutbox.objects.all().delete()


@pytest.mark.parametrize(
    ("url", "metadata_format"),
    [("oai_php_url", "oai_dc"), ("oai2_php_url", "oai_dc"), ("repo_url", "marcxml"), ("repo_url", "mods")],
    ids=["oai.php", "oai2.php+mods-detail", "marcxml", "mods"],
)
def test_a_library_whose_records_are_right_is_left_untouched(library, server, url, metadata_format):
    harvested(library, getattr(server, url), metadata_format)

    report = repair_stored_records(library=library)

    assert (report.examined, report.rewritten, report.unreadable) == (SIZE, 0, [])
    assert outbox_size(library) == 0


def test_isbns_an_older_mapper_stored_as_call_numbers_are_repaired_and_reindexed(library, server, union):
    server.faults.isbn_form = "urn:isbn:{compact}"
    try:
        harvested(library, server.repo_url)
    finally:
        server.faults.isbn_form = "{isbn}"
    wanted = {key: record.isbn_issn for key, record in schema_records(library).items() if record.isbn_issn}
    with tenant_context(library):  # what the mapper before isbnlib left: the URN as the call number
        for key, isbn in wanted.items():
            Record.objects.filter(source_key=key).update(
                isbn_issn="", call_number=f"urn:isbn:{isbn}", content_hash="hash-of-the-old-mapping"
            )
    drain(library)

    out = io.StringIO()
    call_command("repair_records", "--library", library.code, stdout=out)

    assert f"{len(wanted)} ditulis ulang ({len(wanted)} dengan ISBN/ISSN atau nomor panggil berpindah)" in (
        out.getvalue()
    )
    records = schema_records(library)
    assert {key: records[key].isbn_issn for key in wanted} == wanted
    assert {record.call_number for record in records.values()} == {""}
    assert outbox_size(library) == len(wanted)  # the index follows through the outbox
    drain(library)
    documents = {document["source_key"]: document for document in indexed(library).values()}
    assert all(documents[key]["isbn_display"] == isbn for key, isbn in wanted.items())
    again = repair_stored_records(library=library)
    assert again.rewritten == 0


def test_dry_run_counts_without_writing(library, server):
    harvested(library, server.repo_url)
    with tenant_context(library):
        Record.objects.filter(source_key=f"{REPOSITORY}3").update(title="Judul rusak", content_hash="x")

    report = repair_stored_records(library=library, dry_run=True)

    assert report.rewritten == 1 and outbox_size(library) == 0
    assert schema_records(library)[f"{REPOSITORY}3"].title == "Judul rusak"
