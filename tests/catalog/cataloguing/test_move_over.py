""" "Pindah dari SLiMS" end to end: the librarian starts it on the library's host, a real Celery worker
harvests the OAI-PMH source (the loopback server) in full one last time, switches the source off and makes
the catalogue managed in Simpul; the union index keeps the same documents (same ids, same count) before,
during and after. A failed harvest changes nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from catalog.cataloguing.move_over import MoveOverRefused, run_move_over, start_move_over
from catalog.models import AuditEntry, MoveOver, Record
from harvest.models import HarvestRun, HarvestSource
from harvest.services import harvest_source
from tenants.models import Library, LibrarySystem
from tests.celery_worker import running_worker
from tests.factories import host_of, make_user
from tests.harvest.builders import build_records
from tests.harvest.harvesting import drain, duplicate_keys, indexed, make_source
from tests.harvest.oai_server import Catalogue, OaiTestServer
from tests.search.union_index import isolated_union_index, union_count, worker_index_prefix

SIZE = 240
WAIT_SECONDS = 60


@pytest.fixture(scope="module")
def worker_prefix() -> Iterator[str]:
    with worker_index_prefix() as prefix:
        yield prefix


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, worker_prefix):
    from portal.celery import app

    with pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock():
        patch.setenv("SIMPUL_ES_PREFIX", worker_prefix)
        app.control.purge()
        with running_worker(name="uji-pindah") as process:
            yield process


@pytest.fixture
def union(settings, worker_prefix):
    with isolated_union_index(settings, prefix=worker_prefix) as alias:
        yield alias


@pytest.fixture
def server():
    with OaiTestServer(Catalogue(build_records(size=SIZE))) as running:
        yield running


@pytest.fixture
def librarian(harvested_library):
    user = make_user(f"pindah-{harvested_library.code}", libraries=[harvested_library])
    yield user
    if connection.schema_name != "public":
        connection.set_schema_to_public()
    user.delete()


def wait_for(move_over: MoveOver, library, *, while_waiting=lambda: None) -> MoveOver:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        while_waiting()
        with tenant_context(library):
            move_over.refresh_from_db()
        if not move_over.is_active:
            return move_over
        time.sleep(0.2)
    raise AssertionError(f"move-over #{move_over.pk} still {move_over.status} after {WAIT_SECONDS} s")


def test_the_librarian_moves_the_catalogue_over_nothing_lost_no_duplicates_index_unchanged(
    harvested_library, server, union, worker, librarian
):
    library = harvested_library
    source = make_source(library, server.oai2_php_url)
    assert harvest_source(source=source, mode=HarvestRun.Mode.FULL).status == HarvestRun.Status.SUCCEEDED
    drain(library)
    before = set(indexed(library))
    with tenant_context(library):
        ids_before = set(Record.objects.values_list("pk", flat=True))
    assert len(before) == len([r for r in server.catalogue.visible_records()]) and before
    server.catalogue.add(build_records(size=1, seed=99)[0])  # catalogued in SLiMS just before the move

    client = Client(HTTP_HOST=host_of(library))
    client.force_login(librarian)
    page = client.get("/kelola/katalog/pindah-dari-slims/")
    assert page.status_code == 200 and "Mulai pindah ke Simpul" in page.content.decode()
    refused = client.post("/kelola/katalog/pindah-dari-slims/", {})
    assert refused.status_code == 400 and "Centang pernyataan ini" in refused.content.decode()
    started = client.post("/kelola/katalog/pindah-dari-slims/", {"confirm": "on"})
    assert started.status_code == 302
    with tenant_context(library):
        move_over = MoveOver.objects.get()

    counts_seen: set[int] = set()
    move_over = wait_for(move_over, library, while_waiting=lambda: counts_seen.add(union_count(library.code)))

    assert move_over.status == MoveOver.Status.SUCCEEDED, move_over.message
    library = Library.objects.get(pk=library.pk)
    assert library.catalogue_managed_in_simpul and library.system == LibrarySystem.SIMPUL
    assert not HarvestSource.objects.get(pk=source.pk).enabled
    with tenant_context(library):
        ids_after = set(Record.objects.values_list("pk", flat=True))
        assert AuditEntry.objects.filter(object_type="moveover", action="move_over").count() == 1
    assert ids_before < ids_after and len(ids_after) == len(ids_before) + 1  # nothing lost, the new one in
    assert duplicate_keys(library) == []
    assert min(counts_seen) >= len(before)  # the index kept serving every document meanwhile
    drain(library)
    after = set(indexed(library))
    assert before < after and len(after) == len(before) + 1  # same document ids, plus the newcomer

    progress = client.get(started["Location"])
    assert "Selesai: katalog dikelola di Simpul" in progress.content.decode()
    status = client.get(started["Location"] + "status/").json()
    assert status["status"] == "succeeded" and status["runs"][0]["status"] == "succeeded"
    assert client.get("/kelola/katalog/baru/").status_code == 200  # editable now


def test_a_failed_last_harvest_leaves_the_library_harvested_with_its_source_on(
    harvested_library, server, librarian
):
    library = harvested_library
    source = make_source(library, server.oai2_php_url)
    server.faults.unavailable = 10_000  # every request answers 503 from now on
    with tenant_context(library):
        move_over = MoveOver.objects.create(source_ids=[source.pk], records_before=0)

    finished = run_move_over(library=library, move_over_id=move_over.pk)

    assert finished.status == MoveOver.Status.FAILED and "gagal" in finished.message
    library = Library.objects.get(pk=library.pk)
    assert library.system == LibrarySystem.SLIMS and HarvestSource.objects.get(pk=source.pk).enabled
    server.faults.unavailable = 0


def test_a_managed_library_or_a_running_move_over_is_refused(harvested_library, librarian):
    library = harvested_library
    with tenant_context(library):
        MoveOver.objects.create(status=MoveOver.Status.HARVESTING)
    with pytest.raises(MoveOverRefused, match="sedang berjalan"):
        start_move_over(library=library, actor=librarian)
    Library.objects.filter(pk=library.pk).update(system=LibrarySystem.SIMPUL)
    with pytest.raises(MoveOverRefused, match="sudah dikelola"):
        start_move_over(library=Library.objects.get(pk=library.pk), actor=librarian)
