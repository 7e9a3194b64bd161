"""The role matrix of every cataloguing page and endpoint: five actors × libraries A (managed) and B,
direct object URLs of another library's records and copies, another library's ids in form fields."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from catalog.cataloguing.services import save_record
from catalog.models import MoveOver
from tests.catalog.cataloguing.builders import barcode, copies, form_post, record_data
from tests.catalog.roles import ACTORS, make_actors, managed
from tests.factories import host_of

READ = {"anonymous": 302, "librarian_a": 200, "librarian_b": 403, "supervisor": 200, "operator": 200}
EDIT = {"anonymous": 302, "librarian_a": 200, "librarian_b": 403, "supervisor": 403, "operator": 200}
EDIT_JSON = {**EDIT, "anonymous": 401}
MANAGE = EDIT
MANAGE_JSON = EDIT_JSON


@pytest.fixture
def world(library_a, library_b):
    managed(library_a)
    actors = make_actors(library_a, library_b, prefix="katalog")
    with tenant_context(library_a):
        record = save_record(
            record=None, data=record_data(), copies=copies(barcode("R")), actor=actors["librarian_a"]
        )
        item = record.items.get()
        move_over = MoveOver.objects.create(status=MoveOver.Status.SUCCEEDED)
    return {"actors": actors, "record": record, "item": item, "move_over": move_over}


def call(actors, actor: str, method: str, path: str, library, data=None):
    client = Client(HTTP_HOST=host_of(library))
    if actors[actor] is not None:
        client.force_login(actors[actor])
    response = getattr(client, method)(path, data or {})
    return response


def outcome(response) -> int:
    """The status, with a redirect to the login page kept as 302 and any other redirect counted as 200
    (a save that went through)."""
    if response.status_code == 302 and "/akun/" not in response["Location"]:
        return 200
    return response.status_code


PAGES = [
    ("get", "/kelola/katalog/", READ),
    ("get", "/kelola/katalog/{record}/", READ),
    ("get", "/kelola/katalog/eksemplar/{item}/", READ),
    ("get", "/kelola/katalog/baru/", EDIT),
    ("get", "/kelola/katalog/{record}/ubah/", EDIT),
    ("get", "/kelola/katalog/{record}/hapus/", EDIT),
    ("get", "/kelola/katalog/salin-dari-katalog-bersama/", EDIT),
    ("get", "/kelola/katalog/cek-duplikat/?judul=Tafsir", EDIT_JSON),
    ("get", "/kelola/katalog/otoritas/penerbit/?q=lentera", EDIT_JSON),
    ("get", "/kelola/katalog/pindah-dari-slims/", MANAGE),
    ("get", "/kelola/katalog/pindah-dari-slims/{move_over}/", MANAGE),
    ("get", "/kelola/katalog/pindah-dari-slims/{move_over}/status/", MANAGE_JSON),
]


@pytest.mark.parametrize(("method", "template", "expected"), PAGES, ids=[page[1] for page in PAGES])
def test_every_page_answers_each_actor_as_the_roles_say(world, library_a, method, template, expected):
    path = template.format(record=world["record"].pk, item=world["item"].pk, move_over=world["move_over"].pk)
    got = {actor: outcome(call(world["actors"], actor, method, path, library_a)) for actor in ACTORS}
    assert got == expected


def test_saving_deleting_and_batch_edits_are_refused_to_everyone_but_as_edit_allows(world, library_a):
    actors, record = world["actors"], world["record"]
    posts = [
        ("/kelola/katalog/baru/", form_post(title="Judul Baru Uji Peran")),
        (f"/kelola/katalog/{record.pk}/ubah/", form_post(title="Diubah Uji Peran")),
        ("/kelola/katalog/ubah-massal/", {"field": "location", "value": "Rak Peran", "ids": [record.pk]}),
    ]
    for path, data in posts:
        got = {actor: outcome(call(actors, actor, "post", path, library_a, data)) for actor in ACTORS}
        assert got == EDIT, path
    denied = {
        actor: outcome(call(actors, actor, "post", f"/kelola/katalog/{record.pk}/hapus/", library_a))
        for actor in ("anonymous", "librarian_b", "supervisor")
    }
    assert denied == {"anonymous": 302, "librarian_b": 403, "supervisor": 403}
    assert (
        outcome(call(actors, "librarian_a", "post", f"/kelola/katalog/{record.pk}/hapus/", library_a)) == 200
    )


def test_nobody_edits_a_harvested_catalogue_but_staff_read_it(world, library_b):
    actors = world["actors"]
    expected_edit = {actor: (302 if actor == "anonymous" else 403) for actor in ACTORS}
    for path in ("/kelola/katalog/baru/", "/kelola/katalog/salin-dari-katalog-bersama/"):
        assert {
            actor: outcome(call(actors, actor, "get", path, library_b)) for actor in ACTORS
        } == expected_edit
    expected_read = {
        "anonymous": 302,
        "librarian_a": 403,
        "librarian_b": 200,
        "supervisor": 200,
        "operator": 200,
    }
    assert {
        actor: outcome(call(actors, actor, "get", "/kelola/katalog/", library_b)) for actor in ACTORS
    } == expected_read
    move = {"anonymous": 302, "librarian_a": 403, "librarian_b": 200, "supervisor": 403, "operator": 200}
    assert {
        actor: outcome(call(actors, actor, "get", "/kelola/katalog/pindah-dari-slims/", library_b))
        for actor in ACTORS
    } == move


def test_a_record_and_copy_of_library_a_are_not_reachable_through_library_bs_host(world, library_b):
    managed(library_b)
    actors, record, item = world["actors"], world["record"], world["item"]
    with tenant_context(library_b):
        from catalog.models import Item, Record

        ids_in_b = (
            set(Record.objects.values_list("pk", flat=True)),
            set(Item.objects.values_list("pk", flat=True)),
        )
    for path, exists_in_b in (
        (f"/kelola/katalog/{record.pk}/", record.pk in ids_in_b[0]),
        (f"/kelola/katalog/eksemplar/{item.pk}/", item.pk in ids_in_b[1]),
    ):
        response = call(actors, "librarian_b", "get", path, library_b)
        assert response.status_code == (200 if exists_in_b else 404)
        assert record.title not in response.content.decode()
        assert outcome(call(actors, "librarian_a", "get", path, library_b)) == 403
