"""A record created in library A is invisible from library B: ORM, B's host over HTTP, B's API."""

import pytest
from django.http import HttpRequest
from django_tenants.utils import tenant_context

from catalog.models import Record
from catalog.services import upsert_record
from tests.factories import host_of, make_normalized_record, make_user


@pytest.fixture
def record_in_a(library_a):
    with tenant_context(library_a):
        return upsert_record(normalized=make_normalized_record(title="Tafsir Al-Misbah Jilid 1")).record


def test_record_of_a_is_invisible_to_b_through_the_orm(record_in_a, library_a, library_b):
    with tenant_context(library_b):
        assert not Record.objects.filter(title="Tafsir Al-Misbah Jilid 1").exists()
        assert Record.objects.count() == 0
    with tenant_context(library_a):
        assert Record.objects.filter(title="Tafsir Al-Misbah Jilid 1").count() == 1


def test_record_of_a_is_shown_on_a_host_and_not_on_b_host(client, record_in_a, library_a, library_b):
    page_a = client.get("/", HTTP_HOST=host_of(library_a))
    page_b = client.get("/", HTTP_HOST=host_of(library_b))

    assert page_a.status_code == 200 and "Tafsir Al-Misbah Jilid 1" in page_a.text
    assert page_b.status_code == 200 and "Tafsir Al-Misbah Jilid 1" not in page_b.text
    assert client.get(f"/koleksi/{record_in_a.pk}/", HTTP_HOST=host_of(library_b)).status_code == 404
    assert client.get(f"/koleksi/{record_in_a.pk}/", HTTP_HOST=host_of(library_a)).status_code == 200


def test_record_of_a_is_absent_from_b_api(client, record_in_a, library_a, library_b):
    titles_a = [
        row["title"] for row in client.get("/api/records/", HTTP_HOST=host_of(library_a)).json()["results"]
    ]
    response_b = client.get("/api/records/", HTTP_HOST=host_of(library_b))

    assert "Tafsir Al-Misbah Jilid 1" in titles_a
    assert response_b.json()["results"] == []
    assert client.get(f"/api/records/{record_in_a.pk}/", HTTP_HOST=host_of(library_b)).status_code == 404


def test_librarian_of_a_gets_403_on_b_staff_pages(client, library_a, library_b):
    make_user("pustakawan-a", libraries=[library_a])
    # django-axes checks every authentication against its request; the test client's login has none.
    assert client.login(request=HttpRequest(), username="pustakawan-a", password="rahasia-uji-123")

    assert client.get("/kelola/", HTTP_HOST=host_of(library_a)).status_code == 200
    assert client.get("/kelola/", HTTP_HOST=host_of(library_b)).status_code == 403


def test_anonymous_user_is_sent_to_login_from_staff_pages(client, library_a):
    response = client.get("/kelola/", HTTP_HOST=host_of(library_a))
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_public_portal_does_not_serve_library_pages(client, record_in_a):
    assert client.get("/kelola/", HTTP_HOST="localhost").status_code == 404
    assert client.get(f"/koleksi/{record_in_a.pk}/", HTTP_HOST="localhost").status_code == 404
