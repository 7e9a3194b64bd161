"""Records are keyed per source: a MARC file whose 001 control numbers equal a SLiMS harvest's biblio ids
lands beside the harvested records, never on them, and a reconciliation of the SLiMS source touches only
its own records."""

from __future__ import annotations

import io

import pymarc
import pytest
from django_tenants.utils import tenant_context

from catalog.models import Record
from harvest.models import HarvestRun
from harvest.services import file_source_for, harvest_source, import_file, reconcile_source
from tests.harvest.builders import build_records
from tests.harvest.harvesting import drain, indexed, make_source
from tests.harvest.oai_server import Catalogue, OaiTestServer, marc_record

HARVESTED = 60
IMPORTED = 40


@pytest.fixture
def server():
    with OaiTestServer(Catalogue(build_records(size=HARVESTED))) as running:
        yield running


def marc_file(catalogue: Catalogue) -> io.BytesIO:
    data = b"".join(
        pymarc.record_to_xml(marc_record(catalogue.get(biblio_id))) for biblio_id in catalogue.live_ids()
    )
    stream = io.BytesIO(
        b'<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="http://www.loc.gov/MARC21/slim">'
        + data
        + b"</collection>"
    )
    stream.name = "ekspor-inlislite.xml"
    return stream


def titles_by_source(library) -> dict[int | None, dict[str, str]]:
    with tenant_context(library):
        found: dict[int | None, dict[str, str]] = {}
        for source_id, key, title in Record.objects.values_list("source_id", "source_key", "title"):
            found.setdefault(source_id, {})[key] = title
        return found


def test_marc_import_with_the_same_keys_as_a_slims_harvest_never_overwrites_it(library, server, union):
    source = make_source(library, server.oai_php_url)
    assert harvest_source(source=source, mode=HarvestRun.Mode.FULL).status == HarvestRun.Status.SUCCEEDED
    harvested = titles_by_source(library)[source.pk]
    assert set(harvested) == {str(entry.biblio_id) for entry in server.catalogue.visible_records()}
    # Another catalogue whose 001s are 1..40 as well: the same keys as the first 40 SLiMS biblio ids.
    other = Catalogue(build_records("BERKAS", size=IMPORTED, seed=11))
    assert {str(biblio_id) for biblio_id in other.live_ids()} <= set(harvested)
    run = import_file(library=library, uploaded_file=marc_file(other))
    assert (run.status, run.created_count) == (HarvestRun.Status.SUCCEEDED, IMPORTED)
    imported = titles_by_source(library)[file_source_for(library).pk]
    assert set(imported) == {str(biblio_id) for biblio_id in other.live_ids()}
    assert sum(imported[key] != harvested[key] for key in imported) >= IMPORTED // 2  # different books

    reconciled = reconcile_source(source=source)

    assert reconciled.status == HarvestRun.Status.SUCCEEDED
    assert (reconciled.deleted_count, reconciled.updated_count, reconciled.created_count) == (0, 0, 0)
    assert titles_by_source(library) == {source.pk: harvested, file_source_for(library).pk: imported}
    drain(library)
    assert len(indexed(library)) == len(harvested) + len(imported)


def test_a_second_harvest_after_the_import_changes_neither_set(library, server, union):
    source = make_source(library, server.oai_php_url)
    harvest_source(source=source, mode=HarvestRun.Mode.FULL)
    import_file(
        library=library, uploaded_file=marc_file(Catalogue(build_records("BERKAS", size=IMPORTED, seed=11)))
    )
    before = titles_by_source(library)

    again = harvest_source(source=source, mode=HarvestRun.Mode.FULL)

    assert (again.created_count, again.updated_count, again.deleted_count) == (0, 0, 0)
    assert titles_by_source(library) == before
