import pytest

from tests.factories import LIBRARY_A, LIBRARY_B, host_of, make_user


def test_home_lists_libraries_with_city_province_and_kind(client, db):
    response = client.get("/", HTTP_HOST="localhost")

    assert response.status_code == 200
    for spec in (LIBRARY_A, LIBRARY_B):
        assert spec["name"] in response.text
        assert spec["province"] in response.text
    assert "Balai Diklat Keagamaan" in response.text


def test_home_filters_by_province(client, db):
    response = client.get("/", {"provinsi": "Aceh"}, HTTP_HOST="localhost")

    assert LIBRARY_A["name"] in response.text
    assert LIBRARY_B["name"] not in response.text


def test_home_ignores_unknown_kind_filter(client, db):
    response = client.get("/", {"jenis": "<script>"}, HTTP_HOST="localhost")
    assert response.status_code == 200 and LIBRARY_A["name"] in response.text


def test_library_page_shows_facts_and_link_to_its_own_site(client, library_a):
    response = client.get(f"/perpustakaan/{library_a.code}/", HTTP_HOST="localhost")

    assert response.status_code == 200
    assert library_a.name in response.text and "Banda Aceh" in response.text
    assert f"//{host_of(library_a)}" in response.text


def test_unknown_library_page_is_404(client, db):
    assert client.get("/perpustakaan/tidak-ada/", HTTP_HOST="localhost").status_code == 404


def test_pages_are_in_indonesian_by_default_and_english_on_request(client, db):
    assert "Perpustakaan anggota" in client.get("/", HTTP_HOST="localhost").text

    client.post("/i18n/setlang/", {"language": "en", "next": "/"}, HTTP_HOST="localhost")
    english = client.get("/", HTTP_HOST="localhost").text

    assert "Member libraries" in english


def test_login_and_logout(client, db):
    make_user("pembina-uji", global_role="supervisor")

    page = client.get("/akun/masuk/", HTTP_HOST="localhost")
    response = client.post(
        "/akun/masuk/", {"username": "pembina-uji", "password": "rahasia-uji-123"}, HTTP_HOST="localhost"
    )
    assert page.status_code == 200
    assert response.status_code == 302
    assert "pembina-uji" in client.get("/", HTTP_HOST="localhost").text

    client.post("/akun/keluar/", HTTP_HOST="localhost")
    assert "pembina-uji" not in client.get("/", HTTP_HOST="localhost").text


def test_wrong_password_shows_an_error(client, db):
    make_user("salah-sandi")
    response = client.post(
        "/akun/masuk/", {"username": "salah-sandi", "password": "keliru"}, HTTP_HOST="localhost"
    )
    assert response.status_code == 200 and "salah" in response.text


@pytest.mark.parametrize(("role", "status"), [("operator", 200), ("supervisor", 302), ("", 302)])
def test_only_operators_reach_the_admin(client, db, role, status):
    client.force_login(make_user(f"admin-{role or 'none'}", global_role=role))
    assert client.get("/admin/", HTTP_HOST="localhost").status_code == status


def test_operator_creates_a_library_through_the_admin(client, db):
    from tenants.models import Library

    client.force_login(make_user("op-admin", global_role="operator"))

    response = client.post(
        "/admin/tenants/library/add/",
        {
            "code": "admin-baru",
            "name": "Perpustakaan Admin Baru",
            "kind": "bla",
            "city": "Semarang",
            "province": "Jawa Tengah",
            "system": "slims",
            "active": "on",
        },
        HTTP_HOST="localhost",
    )
    bad = client.post(
        "/admin/tenants/library/add/",
        {"code": "public", "name": "Publik", "kind": "other", "system": "slims"},
        HTTP_HOST="localhost",
    )

    assert response.status_code == 302, response.text[:2000]
    assert Library.objects.get(code="admin-baru").primary_domain == host_of("admin-baru")
    assert bad.status_code == 200 and "dicadangkan" in bad.text
    assert not Library.objects.filter(code="public").exists()


def test_browser_language_alone_does_not_switch_to_english(client, db):
    response = client.get("/", HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Perpustakaan anggota" in response.text
