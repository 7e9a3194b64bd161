"""The role matrix of the staff API's writes: five actors × every write of records, copies and
authorities on library A (managed in Simpul); a harvested library's catalogue is written by no one; the
direct object URLs of library B's records, copies and authorities are 404 on A's host and their ids in a
body are refused; a write needs the CSRF token a browser session sends."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from catalog.cataloguing.services import save_authority
from catalog.models import Author, Item, Publisher, Record, Subject
from tests.catalog.api.helpers import barcode, call, record_body, saved_record
from tests.catalog.roles import ACTORS, client_for, make_actors, managed
from tests.factories import host_of

ENDPOINTS = {
    "records": Record,
    "copies": Item,
    "authors": Author,
    "subjects": Subject,
    "publishers": Publisher,
}
AUTHORITIES = {"authors": Author, "subjects": Subject, "publishers": Publisher}
# Anonymous callers and readers who may not write get 403 (the API does not redirect to a login page).
DENIED = {"anonymous": 403, "librarian_b": 403, "supervisor": 403}


@pytest.fixture
def actors(library_a, library_b):
    managed(library_a)
    return make_actors(library_a, library_b, prefix="api")


def _objects(library, tag: str) -> dict[str, int]:
    """A record with two copies and one unused row of each authority in ``library``: their ids."""
    record = saved_record(library, codes=2, title=f"Cantuman {tag}")
    with tenant_context(library):
        ids = {"records": record.pk, "copies": record.items.order_by("pk").first().pk}
        for endpoint, model in AUTHORITIES.items():
            ids[endpoint] = save_authority(model=model, name=f"Tak terpakai {tag}", actor=None).pk
    return ids


def _writes(ids: dict[str, int], tag: str) -> list[tuple[str, str, dict | None, int]]:
    """Every write of the API, as (method, path, body, the status of an allowed caller)."""
    writes = [
        ("post", "/api/katalog/records/", record_body(copies=[{"item_code": barcode(tag)}]), 201),
        ("put", f"/api/katalog/records/{ids['records']}/", {"title": f"Judul baru {tag}"}, 200),
        ("patch", f"/api/katalog/records/{ids['records']}/", {"edition": "Cet. 2"}, 200),
        ("post", "/api/katalog/copies/", {"record": ids["records"], "item_code": barcode(tag)}, 201),
        (
            "put",
            f"/api/katalog/copies/{ids['copies']}/",
            {"record": ids["records"], "item_code": barcode(tag)},
            200,
        ),
        ("patch", f"/api/katalog/copies/{ids['copies']}/", {"location": "Rak 7"}, 200),
        ("delete", f"/api/katalog/copies/{ids['copies']}/", None, 204),
    ]
    for endpoint in AUTHORITIES:
        writes += [
            ("post", f"/api/katalog/{endpoint}/", {"name": f"Baru {tag}"}, 201),
            ("put", f"/api/katalog/{endpoint}/{ids[endpoint]}/", {"name": f"Ganti {tag}"}, 200),
            ("patch", f"/api/katalog/{endpoint}/{ids[endpoint]}/", {"name": f"Lagi {tag}"}, 200),
            ("delete", f"/api/katalog/{endpoint}/{ids[endpoint]}/", None, 204),
        ]
    writes.append(("delete", f"/api/katalog/records/{ids['records']}/", None, 204))
    return writes


def _state(library) -> dict[str, int]:
    with tenant_context(library):
        return {endpoint: model.objects.count() for endpoint, model in ENDPOINTS.items()}


@pytest.mark.parametrize("actor", ACTORS)
def test_every_write_by_every_actor(actors, library_a, actor):
    ids = _objects(library_a, actor)
    client = client_for(actors, actor)
    before = _state(library_a)

    statuses = {
        f"{method.upper()} {path}": call(client, method, path, library_a, body).status_code
        for method, path, body, _allowed in _writes(ids, actor)
    }

    if actor in DENIED:
        assert set(statuses.values()) == {DENIED[actor]}, statuses
        assert _state(library_a) == before  # nothing written
    else:  # the library's librarian, and the operator, who may do everything
        assert list(statuses.values()) == [allowed for *_rest, allowed in _writes(ids, actor)], statuses


def test_the_duplicate_check_is_read_by_staff_and_supervisors(actors, library_a):
    statuses = {
        actor: call(
            client_for(actors, actor), "get", "/api/katalog/records/duplicates/?judul=Tafsir", library_a
        ).status_code
        for actor in ACTORS
    }

    assert statuses == {
        "anonymous": 403,
        "librarian_a": 200,
        "librarian_b": 403,
        "supervisor": 200,
        "operator": 200,
    }


def test_a_refusal_says_why(actors, library_a):
    reader = call(
        client_for(actors, "supervisor"), "post", "/api/katalog/subjects/", library_a, {"name": "X"}
    )
    stranger = call(
        client_for(actors, "librarian_b"), "post", "/api/katalog/subjects/", library_a, {"name": "X"}
    )

    assert "tidak mengubahnya" in reader.json()["detail"]
    assert library_a.name in stranger.json()["detail"]


def test_a_harvested_catalogue_is_written_through_no_endpoint(actors, library_b):
    assert not library_b.catalogue_managed_in_simpul
    client = client_for(actors, "librarian_b")
    for endpoint in ENDPOINTS:
        response = call(client, "post", f"/api/katalog/{endpoint}/", library_b, {"name": "X", "title": "X"})
        assert response.status_code == 403 and "dipanen" in response.json()["detail"], endpoint
    reads = call(client, "get", "/api/katalog/records/", library_b)
    assert reads.status_code == 200  # its own librarian still reads it


def _foreign_ids(library_a, library_b) -> dict[str, int]:
    """Ids of B's record, copy and authorities that name nothing in A (A's rows with such an id are
    removed for this test: the schemas number their rows each on its own)."""
    managed(library_b)
    ids = _objects(library_b, "b")
    with tenant_context(library_a):
        for endpoint, model in ENDPOINTS.items():
            model.objects.filter(pk=ids[endpoint]).delete()
    return ids


def test_another_librarys_object_urls_are_not_found_here(actors, library_a, library_b):
    foreign = _foreign_ids(library_a, library_b)
    client = client_for(actors, "librarian_a")
    before = _state(library_b)

    statuses = {}
    for endpoint in ENDPOINTS:
        path = f"/api/katalog/{endpoint}/{foreign[endpoint]}/"
        for method, body in (("get", None), ("put", {}), ("patch", {"name": "X"}), ("delete", None)):
            statuses[f"{method.upper()} {path}"] = call(client, method, path, library_a, body).status_code

    assert set(statuses.values()) == {404}, statuses
    assert _state(library_b) == before
    # and on B's own host, A's librarian is no one
    on_b = call(client, "patch", f"/api/katalog/records/{foreign['records']}/", library_b, {"title": "X"})
    assert on_b.status_code == 403


def test_another_librarys_ids_in_a_body_are_refused(actors, library_a, library_b):
    foreign = _foreign_ids(library_a, library_b)
    own = saved_record(library_a, codes=1)
    client = client_for(actors, "librarian_a")

    copy_of_foreign = call(
        client, "post", "/api/katalog/copies/", library_a, {"record": foreign["records"], "item_code": "X-1"}
    )
    foreign_copy = call(
        client,
        "patch",
        f"/api/katalog/records/{own.pk}/",
        library_a,
        {"copies": [{"id": foreign["copies"], "location": "Rak curian"}]},
    )

    assert copy_of_foreign.status_code == 400 and list(copy_of_foreign.json()) == ["record"]
    assert foreign_copy.status_code == 400 and "id" in foreign_copy.json()["copies"]["0"]
    with tenant_context(library_b):
        assert Item.objects.get(pk=foreign["copies"]).location == "Rak 2"
        assert Record.objects.get(pk=foreign["records"]).items.count() == 2


def test_a_write_needs_the_csrf_token(actors, library_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(actors["librarian_a"])
    host = host_of(library_a)
    client.get("/api/katalog/docs/", HTTP_HOST=host)  # a page of the site sets the CSRF cookie
    token = client.cookies["csrftoken"].value

    refused = call(client, "post", "/api/katalog/subjects/", library_a, {"name": "Tanpa token"})
    accepted = call(
        client, "post", "/api/katalog/subjects/", library_a, {"name": "Dengan token"}, HTTP_X_CSRFTOKEN=token
    )

    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert accepted.status_code == 201
