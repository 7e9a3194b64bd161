"""django-axes on the login forms: the portal's, each library's and the admin's. Failures count per
username and client address, in the public schema, so every host adds to the same count."""

from __future__ import annotations

import pytest

from tests.factories import host_of, make_user

PASSWORD = "rahasia-uji-123"


def login(
    client, username: str, password: str, *, host: str = "localhost", path: str = "/akun/masuk/", **extra
):
    return client.post(path, {"username": username, "password": password}, HTTP_HOST=host, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def user(db):
    return make_user("kunci-uji")


def test_the_fifth_failure_locks_the_login_and_the_right_password_no_longer_helps(client, user, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert login(client, "kunci-uji", "keliru").status_code == 200  # the form again, with its error

    fifth = login(client, "kunci-uji", "keliru")
    right = login(client, "kunci-uji", PASSWORD)

    assert fifth.status_code == 429
    assert "Masuk dikunci sementara" in fifth.text and "15 menit" in fifth.text
    assert right.status_code == 429
    assert not signed_in(client)


def test_four_failures_then_the_right_password_signs_in_and_starts_the_count_again(client, user):
    for _ in range(4):
        login(client, "kunci-uji", "keliru")
    assert login(client, "kunci-uji", PASSWORD).status_code == 302
    client.post("/akun/keluar/", HTTP_HOST="localhost")

    for _ in range(4):
        assert login(client, "kunci-uji", "keliru").status_code == 200
    assert login(client, "kunci-uji", PASSWORD).status_code == 302


def test_failures_on_a_library_host_and_on_the_portal_add_up(client, user, library_a, library_b):
    for host in ("localhost", host_of(library_a), host_of(library_b), host_of(library_a)):
        assert login(client, "kunci-uji", "keliru", host=host).status_code == 200

    assert login(client, "kunci-uji", "keliru", host="localhost").status_code == 429
    assert login(client, "kunci-uji", PASSWORD, host=host_of(library_b)).status_code == 429


def test_the_lockout_is_for_that_username_from_that_address_only(client, user):
    make_user("tetangga-uji")
    for _ in range(5):
        login(client, "kunci-uji", "keliru")

    assert login(client, "tetangga-uji", PASSWORD).status_code == 302  # same address, another user
    client.post("/akun/keluar/", HTTP_HOST="localhost")
    assert login(client, "kunci-uji", PASSWORD, REMOTE_ADDR="198.51.100.9").status_code == 302  # elsewhere


def test_the_admin_login_is_locked_too(client, db):
    make_user("operator-kunci", global_role="operator")
    for _ in range(4):
        assert login(client, "operator-kunci", "keliru", path="/admin/login/").status_code == 200

    assert login(client, "operator-kunci", "keliru", path="/admin/login/").status_code == 429
    assert login(client, "operator-kunci", PASSWORD, path="/admin/login/").status_code == 429
    assert client.get("/admin/", HTTP_HOST="localhost").status_code == 302  # still not signed in


def test_the_lockout_page_is_in_english_for_a_visitor_who_chose_english(client, user):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"}, HTTP_HOST="localhost")
    for _ in range(5):
        response = login(client, "kunci-uji", "keliru")

    assert response.status_code == 429
    assert "Sign-in temporarily locked" in response.text and "15 minutes" in response.text


def test_behind_the_proxy_the_address_is_the_one_the_proxy_appended(client, user, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}  # production's PROXY_COUNT
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(5):
        login(client, "kunci-uji", "keliru", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)

    # A locked-out client cannot escape by writing its own entry in front of the proxy's.
    spoofed = login(client, "kunci-uji", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5", **proxy)
    other_client = login(client, "kunci-uji", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy)

    assert spoofed.status_code == 429
    assert other_client.status_code == 302


def test_without_a_proxy_a_forwarded_header_is_not_believed(client, user):
    for number in range(5):
        login(client, "kunci-uji", "keliru", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")

    assert login(client, "kunci-uji", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429
