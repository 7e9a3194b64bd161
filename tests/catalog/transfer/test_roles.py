"""The role matrix of every page and endpoint of import/export, labels, reports and the staff API:
librarian of A reads and changes only A (imports only when A is managed in Simpul), a supervisor reads and
changes nothing, anonymous users get nothing; another library's job, run and copy ids do not exist here."""

from __future__ import annotations

import io

import pytest
from django_tenants.utils import tenant_context

from catalog.models import ImportJob, Item
from catalog.services import upsert_records
from catalog.transfer.importing import create_run
from harvest.models import HarvestProblem
from harvest.services import file_source_for
from tests.catalog.roles import DENIED, client_for, make_actors, managed, status_for
from tests.catalog.transfer.builders import iso2709, marc
from tests.factories import host_of, make_normalized_record

READ = {"anonymous": 302, "librarian_a": 200, "librarian_b": 403, "supervisor": 200, "operator": 200}
API_READ = {"anonymous": 403, "librarian_a": 200, "librarian_b": 403, "supervisor": 200, "operator": 200}
STAFF = {"anonymous": 302, "librarian_a": 200, "librarian_b": 403, "supervisor": 403, "operator": 200}


@pytest.fixture
def actors(library_a, library_b):
    return make_actors(library_a, library_b)


@pytest.fixture
def job_a(library_a):
    with tenant_context(library_a):
        run = create_run(library=library_a, file_name="a.mrc")
        HarvestProblem.objects.create(run=run, position=3, identifier="x-3", reason="rusak")
        return ImportJob.objects.create(file_name="a.mrc", format="marc", run_id=run.pk, preview=[])


@pytest.mark.parametrize(
    "path",
    [
        "/kelola/impor-ekspor/",
        "/kelola/impor-ekspor/ekspor/marcxml/",
        "/kelola/impor-ekspor/ekspor/marc/",
        "/kelola/impor-ekspor/ekspor/csv/",
        "/kelola/laporan/",
        "/kelola/laporan/laporan.xlsx",
    ],
)
def test_reading_pages(actors, library_a, path):
    assert {actor: status_for(actors, actor, "get", path, library_a) for actor in actors} == READ


@pytest.mark.parametrize("suffix", ["", "progres.json", "laporan.csv"])
def test_import_job_pages_are_read_by_staff_and_supervisors(actors, library_a, job_a, suffix):
    path = f"/kelola/impor-ekspor/impor/{job_a.pk}/{suffix}"
    assert {actor: status_for(actors, actor, "get", path, library_a) for actor in actors} == READ


@pytest.mark.parametrize("path", ["records/", "copies/", "authors/", "subjects/", "publishers/", "schema/"])
def test_staff_api(actors, library_a, path):
    statuses = {
        actor: status_for(actors, actor, "get", f"/api/katalog/{path}", library_a) for actor in actors
    }
    assert statuses == API_READ


def test_api_writes_take_json_only(actors, library_a):
    # The API writes now (its role matrix: tests/catalog/api/test_roles.py); a form-encoded body is not
    # one it reads.
    managed(library_a)
    assert (
        status_for(actors, "librarian_a", "post", "/api/katalog/records/", library_a, {"title": "x"}) == 415
    )


def test_labels_are_for_the_library_staff(actors, library_a):
    assert {
        a: status_for(actors, a, "get", "/kelola/impor-ekspor/label/", library_a) for a in actors
    } == STAFF


def test_upload_and_start_need_a_managed_library(actors, library_a, library_b, job_a):
    upload = {"file": io.BytesIO(iso2709(marc("r-1", "Fiqih"))), "format": "auto"}
    # library B is harvested from its own SLiMS: its librarian imports there, not here
    assert not library_b.catalogue_managed_in_simpul
    assert status_for(actors, "librarian_b", "post", "/kelola/impor-ekspor/", library_b, dict(upload)) == 403

    managed(library_a)
    for actor, expected in {**DENIED, "librarian_a": 302, "operator": 302}.items():
        data = {"file": io.BytesIO(iso2709(marc("r-1", "Fiqih"))), "format": "auto"}
        data["file"].name = "r.mrc"
        assert status_for(actors, actor, "post", "/kelola/impor-ekspor/", library_a, data) == expected, actor
    start = f"/kelola/impor-ekspor/impor/{job_a.pk}/batal/"
    assert status_for(actors, "supervisor", "post", start, library_a, {}) == 403


def test_another_librarys_import_report_and_ids_are_not_found_here(actors, library_a, library_b, job_a):
    for suffix in ("", "laporan.csv", "progres.json"):
        path = f"/kelola/impor-ekspor/impor/{job_a.pk}/{suffix}"
        assert status_for(actors, "librarian_b", "get", path, library_b) == 404
    # a job of B whose run id points at A's run: the run is A's, so B's page shows no run and no report
    with tenant_context(library_b):
        forged = ImportJob.objects.create(file_name="b.mrc", format="marc", run_id=job_a.run_id, preview=[])
    report = status_for(
        actors, "librarian_b", "get", f"/kelola/impor-ekspor/impor/{forged.pk}/laporan.csv", library_b
    )
    page = client_for(actors, "librarian_b").get(
        f"/kelola/impor-ekspor/impor/{forged.pk}/", HTTP_HOST=host_of(library_b)
    )
    assert report == 404 and "x-3" not in page.content.decode()


def test_another_librarys_copy_ids_in_the_label_form_are_refused(actors, library_a, library_b):
    with tenant_context(library_b):
        upsert_records([make_normalized_record()], source_id=None)
        foreign = list(Item.objects.values_list("pk", flat=True))
    with tenant_context(library_a):
        own = set(Item.objects.values_list("pk", flat=True))
    foreign = [pk for pk in foreign if pk not in own] or [max(foreign) + 1000]
    client = client_for(actors, "librarian_a")

    response = client.post(
        "/kelola/impor-ekspor/label/",
        {"items": foreign, "kind": "barcode", "layout": "3x8", "start_at": 1},
        HTTP_HOST=host_of(library_a),
    )

    assert response.status_code == 400 and "tidak ada di perpustakaan ini" in response.content.decode()


def test_another_librarys_record_in_the_api_is_not_found(actors, library_a, library_b):
    with tenant_context(library_b):
        upsert_records([make_normalized_record()], source_id=None)
        from catalog.models import Record

        foreign = Record.objects.first().pk
    with tenant_context(library_a):
        from catalog.models import Record

        Record.objects.filter(pk=foreign).delete()
    assert status_for(actors, "librarian_a", "get", f"/api/katalog/records/{foreign}/", library_a) == 404
    assert file_source_for(library_a).library_id == library_a.pk
