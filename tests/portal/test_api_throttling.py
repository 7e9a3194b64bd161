"""The API for anonymous callers: a rate per client address across every host (429 beyond it), no
throttle for signed-in users, and no HTTP Basic authentication."""

from __future__ import annotations

import base64

import pytest
from django.core.cache import caches

from tests.factories import host_of, make_user

ADDRESS = "203.0.113.77"  # documentation range: only a value in REMOTE_ADDR, never a connection


@pytest.fixture
def three_a_minute(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"}}
    shared = caches["shared"]
    shared.delete(f"throttle_anon_{ADDRESS}")
    yield
    shared.delete(f"throttle_anon_{ADDRESS}")


def records(client, library, **extra):
    return client.get("/api/records/", HTTP_HOST=host_of(library), REMOTE_ADDR=ADDRESS, **extra)


def test_an_anonymous_caller_gets_429_past_the_rate(client, library_a, three_a_minute):
    statuses = [records(client, library_a).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert int(records(client, library_a)["Retry-After"]) > 0


def test_the_rate_counts_every_library_host_together(client, library_a, library_b, three_a_minute):
    for library in (library_a, library_b, library_a):
        assert records(client, library).status_code == 200

    assert records(client, library_b).status_code == 429


def test_a_forwarded_header_does_not_buy_a_fresh_allowance(client, library_a, three_a_minute):
    statuses = [records(client, library_a, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(4)]

    assert statuses[-1] == 429


def test_signed_in_users_are_not_throttled(client, library_a, three_a_minute):
    client.force_login(make_user("api-pustakawan", libraries=[library_a]))

    assert {records(client, library_a).status_code for _ in range(6)} == {200}


def test_http_basic_credentials_are_refused(client, db):
    make_user("pembina-basic", global_role="supervisor")
    credentials = base64.b64encode(b"pembina-basic:rahasia-uji-123").decode()

    response = client.get(
        "/monev/api/peringkat/", HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Basic {credentials}"
    )

    assert response.status_code == 403
    assert "Basic" not in response.get("WWW-Authenticate", "")


def test_http_basic_credentials_count_as_anonymous_for_the_throttle(client, library_a, three_a_minute):
    make_user("basic-pustakawan", libraries=[library_a])
    credentials = base64.b64encode(b"basic-pustakawan:rahasia-uji-123").decode()
    basic = {"HTTP_AUTHORIZATION": f"Basic {credentials}"}

    assert [records(client, library_a, **basic).status_code for _ in range(4)][-1] == 429
