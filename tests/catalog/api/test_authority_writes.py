"""Authorities (authors, subjects, publishers) written through the staff API: created, renamed (every
record naming the row follows: audited, its datestamp moved, reindexed), a rename that would merge two
rows refused with a message, deletion refused (409) while records use the row."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from catalog.models import AuditEntry, Author, IndexOutbox, Publisher, Record, Subject
from tests.catalog.api.helpers import call, librarian_client, saved_record
from tests.catalog.roles import managed

KINDS = {"authors": Author, "subjects": Subject, "publishers": Publisher}
# The names record_data() gives a record (tests/catalog/cataloguing/builders.py).
USED = {"authors": "M. Quraish Shihab", "subjects": "Tafsir", "publishers": "Lentera Hati"}


@pytest.fixture
def library(library_a):
    return managed(library_a)


@pytest.fixture
def librarian(library):
    return librarian_client(library)


def _row(library, kind: str, name: str):
    with tenant_context(library):
        return KINDS[kind].objects.get(name=name)


@pytest.mark.parametrize("kind", KINDS)
def test_post_creates_an_authority_and_a_name_that_exists_in_any_case_is_400(library, librarian, kind):
    client, user = librarian

    created = call(client, "post", f"/api/katalog/{kind}/", library, {"name": "  Ibnu   Katsir "})
    again = call(client, "post", f"/api/katalog/{kind}/", library, {"name": "IBNU KATSIR"})

    assert created.status_code == 201, created.content
    assert created.json()["name"] == "Ibnu Katsir" and created.json()["records"] == 0
    assert again.status_code == 400 and "sudah ada" in again.json()["name"][0]
    with tenant_context(library):
        assert KINDS[kind].objects.filter(name__iexact="ibnu katsir").count() == 1
        entry = AuditEntry.objects.get(
            object_type=KINDS[kind]._meta.model_name, object_id=created.json()["id"]
        )
        assert entry.action == "create" and entry.actor_id == user.pk


def test_an_author_is_created_with_its_type(library, librarian):
    client, _user = librarian

    response = call(
        client, "post", "/api/katalog/authors/", library, {"name": "Kementerian Agama RI", "author_type": "o"}
    )

    assert response.status_code == 201 and response.json()["author_type"] == "o"


@pytest.mark.parametrize("kind", KINDS)
def test_a_rename_changes_every_record_naming_it(library, librarian, kind):
    client, user = librarian
    first, second = saved_record(library), saved_record(library, title="Tafsir Al-Mishbah Jilid 2")
    row = _row(library, kind, USED[kind])
    with tenant_context(library):
        IndexOutbox.objects.all().delete()
        stamps = dict(Record.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "updated_at"))

    response = call(client, "patch", f"/api/katalog/{kind}/{row.pk}/", library, {"name": "Nama Baru"})

    assert response.status_code == 200, response.content
    assert response.json() == {**response.json(), "id": row.pk, "name": "Nama Baru", "records": 2}
    with tenant_context(library):
        for record in Record.objects.filter(pk__in=[first.pk, second.pk]):
            assert record.updated_at > stamps[record.pk]  # the OAI-PMH datestamp moves with it
        reindexed = set(IndexOutbox.objects.values_list("record_id", flat=True))
        assert reindexed == {first.pk, second.pk}
        own = AuditEntry.objects.get(object_type=KINDS[kind]._meta.model_name, object_id=row.pk)
        assert own.changes["name"] == [USED[kind], "Nama Baru"] and own.actor_id == user.pk
        on_records = AuditEntry.objects.filter(object_type="record", action="authority_update")
        assert sorted(on_records.values_list("object_id", flat=True)) == sorted([first.pk, second.pk])
        field = {"authors": "authors", "subjects": "subjects", "publishers": "publisher"}[kind]
        assert on_records.first().changes == {field: [USED[kind], "Nama Baru"]}
    shown = call(client, "get", f"/api/katalog/records/{first.pk}/", library).json()
    names = {
        "authors": [author["name"] for author in shown["authors"]],
        "subjects": shown["subjects"],
        "publishers": [shown["publisher"]],
    }[kind]
    assert "Nama Baru" in names and USED[kind] not in names


@pytest.mark.parametrize("kind", KINDS)
def test_a_rename_onto_another_rows_name_is_refused_with_a_message(library, librarian, kind):
    client, _user = librarian
    saved_record(library)
    used = _row(library, kind, USED[kind])
    other = call(client, "post", f"/api/katalog/{kind}/", library, {"name": "Nama Lain"}).json()

    response = call(
        client, "put", f"/api/katalog/{kind}/{other['id']}/", library, {"name": USED[kind].upper()}
    )

    assert response.status_code == 400
    message = response.json()["name"][0]
    assert "menggabungkan" in message and f"#{used.pk}" in message
    with tenant_context(library):
        assert KINDS[kind].objects.get(pk=other["id"]).name == "Nama Lain"


def test_a_change_of_case_of_its_own_name_is_a_rename(library, librarian):
    client, _user = librarian
    saved_record(library)
    row = _row(library, "subjects", "Tafsir")

    response = call(client, "patch", f"/api/katalog/subjects/{row.pk}/", library, {"name": "TAFSIR"})

    assert response.status_code == 200 and response.json()["name"] == "TAFSIR"


@pytest.mark.parametrize("kind", KINDS)
def test_delete_is_refused_while_records_use_it_and_allowed_after(library, librarian, kind):
    client, user = librarian
    record = saved_record(library)
    row = _row(library, kind, USED[kind])

    refused = call(client, "delete", f"/api/katalog/{kind}/{row.pk}/", library)
    call(client, "delete", f"/api/katalog/records/{record.pk}/", library)
    allowed = call(client, "delete", f"/api/katalog/{kind}/{row.pk}/", library)

    assert refused.status_code == 409 and "masih dipakai 1 cantuman" in refused.json()["detail"]
    assert allowed.status_code == 204
    with tenant_context(library):
        assert not KINDS[kind].objects.filter(pk=row.pk).exists()
        assert AuditEntry.objects.filter(
            object_type=KINDS[kind]._meta.model_name, object_id=row.pk, action="delete", actor_id=user.pk
        ).exists()


@pytest.mark.parametrize(
    ("kind", "body", "field"),
    [
        ("subjects", {"name": ""}, "name"),
        ("subjects", {"name": "   "}, "name"),
        ("publishers", {"name": "x" * 256}, "name"),
        ("authors", {"name": "Ahmad", "author_type": "x"}, "author_type"),
        ("authors", {}, "name"),
    ],
)
def test_bad_authority_values_are_400_on_the_field(library, librarian, kind, body, field):
    client, _user = librarian

    response = call(client, "post", f"/api/katalog/{kind}/", library, body)

    assert response.status_code == 400 and field in response.json(), response.content


def test_refusals_are_in_english_for_a_user_who_chose_english(library, librarian, settings):
    client, _user = librarian
    call(client, "post", "/api/katalog/subjects/", library, {"name": "Akhlak"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    again = call(client, "post", "/api/katalog/subjects/", library, {"name": "akhlak"})

    assert again.status_code == 400 and "already exists" in again.json()["name"][0]
