"""The production set-up as shipped: docker-compose.yml puts Caddy (deploy/Caddyfile) in front of gunicorn,
and the app gets the production settings. There is no Docker engine here, so the compose file is read as
data, and the very Caddyfile runs on loopback (Debian's caddy) in front of a real gunicorn with the
production settings, a certificate of the test's own, and the test database.

Without caddy these tests are skipped locally but fail when ``CI=true`` (scripts/test installs it).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import yaml
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection

from tests.factories import LIBRARY_A, host_of
from tests.ports import free_port

REPO = Path(__file__).resolve().parents[2]
CADDYFILE = REPO / "deploy" / "Caddyfile"
USERNAME, PASSWORD = "proksi-uji", "rahasia-proksi-123"
DEPLOYMENT_VARIABLES = ("SIMPUL_ENV", "SIMPUL_DEBUG", "SIMPUL_SECRET_KEY", "DJANGO_SETTINGS_MODULE")


def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def interpolate(value: str, environment: dict[str, str]) -> str:
    """docker compose's ${NAME}, ${NAME:-default} and ${NAME:?message}, innermost first."""
    pattern = re.compile(r"\$\{(\w+)(?:(:-|:\?)([^${}]*))?\}")

    def replace(match: re.Match) -> str:
        name, operator, argument = match.groups()
        if environment.get(name):
            return environment[name]
        if operator == ":?":
            raise KeyError(f"{name}: {argument}")
        return argument or ""

    while pattern.search(value):
        value = pattern.sub(replace, value)
    return value


def _caddy() -> str:
    caddy = shutil.which("caddy")
    if caddy is None:
        reason = "caddy is not installed (apt-get install caddy; scripts/test does it as root)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI=true, so the proxy tests must run, not be skipped", pytrace=False)
        pytest.skip(reason)
    return caddy


def test_compose_puts_caddy_with_the_repo_caddyfile_in_front_of_gunicorn():
    services = compose()["services"]
    proxy, web = services["proxy"], services["web"]

    assert proxy["image"].startswith("caddy:2")
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert any(volume.endswith(":/etc/caddy/certs:ro") for volume in proxy["volumes"])
    assert {port.rsplit(":", 1)[1] for port in proxy["ports"]} == {"80", "443", "443/udp"}
    assert "web" in proxy["depends_on"]
    assert proxy["environment"]["SIMPUL_UPSTREAM"] == "web:8000"
    # gunicorn is reached only through the proxy: the settings believe X-Forwarded-Proto and -For.
    assert "ports" not in web
    assert web["command"][:2] == ["gunicorn", "portal.wsgi:application"]
    assert "8000" in (web.get("expose") or [])
    assert "{$SIMPUL_UPSTREAM:web:8000}" in CADDYFILE.read_text()


def test_every_app_service_gets_the_production_settings():
    services = compose()["services"]
    environment = {
        name: interpolate(
            str(value), {"SIMPUL_SECRET_KEY": "k", "SIMPUL_PG_PASSWORD": "p", "SIMPUL_BASE_DOMAIN": "d"}
        )
        for name, value in compose()["x-simpul-env"].items()
    }
    for name in ("migrate", "web", "worker", "beat"):
        assert services[name]["environment"] == compose()["x-simpul-env"], name

    assert environment["SIMPUL_ENV"] == "production" and environment["SIMPUL_DEBUG"] == "0"
    assert environment["SIMPUL_PROXY_COUNT"] == "1"
    with pytest.raises(KeyError, match="SIMPUL_SECRET_KEY"):  # compose refuses to start without a key
        interpolate(compose()["x-simpul-env"]["SIMPUL_SECRET_KEY"], {})


def test_the_settings_compose_passes_are_the_production_ones():
    given = {"SIMPUL_SECRET_KEY": secrets.token_urlsafe(50), "SIMPUL_PG_PASSWORD": "p"}
    given["SIMPUL_BASE_DOMAIN"] = "simpul.example.go.id"
    environment = {k: v for k, v in os.environ.items() if k not in DEPLOYMENT_VARIABLES}
    environment.update(
        {name: interpolate(str(value), given) for name, value in compose()["x-simpul-env"].items()}
    )
    names = ("PRODUCTION", "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "PROXY_COUNT")
    names = (*names, "ALLOWED_HOSTS", "SESSION_COOKIE_SECURE")
    show = "import json, portal.settings as s; print(json.dumps({n: getattr(s, n, None) for n in %r}))"
    loaded = subprocess.run(
        [sys.executable, "-c", show % (names,)],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    values = json.loads(loaded.stdout.strip().splitlines()[-1])

    assert values["PRODUCTION"] is True and values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True and values["SESSION_COOKIE_SECURE"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["PROXY_COUNT"] == 1
    assert ".simpul.example.go.id" in values["ALLOWED_HOSTS"]


# --- the Caddyfile, run ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """Self-signed, for localhost, *.localhost and the session's library hosts (OpenSSL will not match a
    wildcard directly under a single-label name such as localhost, so they are named too)."""
    folder = tmp_path_factory.mktemp("certs")
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    names = ["localhost", "*.localhost", host_of(LIBRARY_A["code"])]
    key_options = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"]
    subject = ["-subj", "/CN=localhost", "-addext", "subjectAltName=" + ",".join(f"DNS:{n}" for n in names)]
    subprocess.run(
        ["openssl", "req", "-x509", *key_options, *subject, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def caddy_environment(tmp_path: Path, cert: Path, key: Path, **ports: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("SIMPUL_")},
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "SIMPUL_BASE_DOMAIN": "localhost",
        "SIMPUL_TLS_CERT": str(cert),
        "SIMPUL_TLS_KEY": str(key),
        "SIMPUL_PROXY_BIND": "127.0.0.1",
        **ports,
    }


def test_caddy_accepts_the_caddyfile(certificate, tmp_path):
    caddy = _caddy()
    checked = subprocess.run(
        [caddy, "validate", "--adapter", "caddyfile", "--config", str(CADDYFILE)],
        env=caddy_environment(tmp_path, *certificate, SIMPUL_UPSTREAM="127.0.0.1:9"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stderr[-3000:]
    assert "Valid configuration" in checked.stdout + checked.stderr


def _wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{what} exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{what} did not listen on {port} within {timeout} s")


class LoopbackHTTPS(http.client.HTTPSConnection):
    """HTTPS to 127.0.0.1 whatever the host name, which still goes out as SNI and in the Host header."""

    def connect(self):
        sock = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class Browser:
    """Just enough of one: cookies per host, and the HTTPS requests a sign-in takes."""

    def __init__(self, port: int, cert: Path):
        self.port = port
        self.context = ssl.create_default_context(cafile=str(cert))
        self.cookies: dict[str, SimpleCookie] = {}
        self.set_cookie_headers: list[str] = []

    def request(self, method: str, path: str, *, host: str = "localhost", form=None, headers=None):
        connection_ = LoopbackHTTPS(host, self.port, context=self.context, timeout=30)
        jar = self.cookies.setdefault(host, SimpleCookie())
        sent = {"Cookie": "; ".join(f"{k}={m.value}" for k, m in jar.items()), **(headers or {})}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            sent |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin(host)}
        connection_.request(method, path, body=body, headers=sent)
        response = connection_.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            self.set_cookie_headers.append(header)
            jar.load(header)
        connection_.close()
        return response, text

    def origin(self, host: str) -> str:
        return f"https://{host}:{self.port}"

    def sign_in(self, username: str, password: str, *, host: str = "localhost", headers=None):
        self.request("GET", "/akun/masuk/", host=host)
        token = self.cookies[host]["csrftoken"].value
        form = {"username": username, "password": password, "csrfmiddlewaretoken": token, "next": "/"}
        return self.request("POST", "/akun/masuk/", host=host, form=form, headers=headers)


@pytest.fixture(scope="module")
def proxied_portal(certificate, tmp_path_factory, django_db_setup, django_db_blocker):
    """Caddy with deploy/Caddyfile in front of gunicorn with the production settings; yields the HTTPS and
    HTTP ports of the proxy and gunicorn's own port."""
    caddy = _caddy()
    from portal.accounts.models import User

    web_port, https_port, http_port = free_port(), free_port(), free_port()
    web_environment = {
        **{k: v for k, v in os.environ.items() if k not in DEPLOYMENT_VARIABLES},
        "DJANGO_SETTINGS_MODULE": "portal.settings",  # not settings_test: production's as shipped
        "SIMPUL_ENV": "production",
        "SIMPUL_SECRET_KEY": secrets.token_urlsafe(50),
        "SIMPUL_PG_DB": connection.settings_dict["NAME"],
        "SIMPUL_BASE_DOMAIN": "localhost",
        "SIMPUL_API_ANON_RATE": "5/minute",
        "SIMPUL_WEB_WORKERS": "2",
        "SIMPUL_WEB_ACCESS_LOG": "",
        # Like the proxy's container address in docker-compose: gunicorn does not trust it for the scheme,
        # so what makes HTTPS known is Django's SECURE_PROXY_SSL_HEADER alone.
        "FORWARDED_ALLOW_IPS": "192.0.2.1",
    }
    # Production's static storage reads the manifest collectstatic writes, as the Dockerfile does.
    static_root = tmp_path_factory.mktemp("static")
    web_environment["SIMPUL_STATIC_ROOT"] = str(static_root)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=REPO,
        env=web_environment,
        check=True,
        timeout=300,
    )
    with django_db_blocker.unblock():
        User.objects.filter(username=USERNAME).delete()
        # Hashed as production hashes (the test settings' MD5 hasher is not among production's).
        hasher = PBKDF2PasswordHasher()
        User.objects.create(username=USERNAME, password=hasher.encode(PASSWORD, hasher.salt()))
        sessions_before = set(Session.objects.values_list("session_key", flat=True))
    logs = tmp_path_factory.mktemp("logs")
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "portal.wsgi:application",
        "-c",
        "python:portal.gunicorn_conf",
    ]
    web = subprocess.Popen(
        [*gunicorn, "--bind", f"127.0.0.1:{web_port}"],
        cwd=REPO,
        env=web_environment,
        stdout=(logs / "web.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    proxy_home = tmp_path_factory.mktemp("caddy")
    proxy = subprocess.Popen(
        [caddy, "run", "--adapter", "caddyfile", "--config", str(CADDYFILE)],
        env=caddy_environment(
            proxy_home,
            *certificate,
            SIMPUL_UPSTREAM=f"127.0.0.1:{web_port}",
            SIMPUL_PROXY_HTTPS_PORT=str(https_port),
            SIMPUL_PROXY_HTTP_PORT=str(http_port),
        ),
        stdout=(logs / "caddy.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_port(web_port, web, "gunicorn")
        _wait_for_port(https_port, proxy, "caddy")
        _wait_for_port(http_port, proxy, "caddy")
        browser = Browser(https_port, certificate[0])
        for _ in range(240):  # bounded: gunicorn's workers import Django after the port opens
            if browser.request("GET", "/healthz")[0].status in (200, 503):
                break
            time.sleep(0.25)
        yield {"https": https_port, "http": http_port, "web": web_port, "cert": certificate[0]}
    finally:
        for process in (proxy, web):
            process.terminate()
        for process in (proxy, web):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        with django_db_blocker.unblock():
            from axes.models import AccessAttempt, AccessLog

            AccessAttempt.objects.filter(username=USERNAME).delete()
            AccessLog.objects.filter(username=USERNAME).delete()
            User.objects.filter(username=USERNAME).delete()
            Session.objects.exclude(session_key__in=sessions_before).delete()


@pytest.fixture
def browser(proxied_portal, django_db_blocker):
    with django_db_blocker.unblock():
        from axes.models import AccessAttempt

        AccessAttempt.objects.filter(username=USERNAME).delete()  # each test starts with no failures
    return Browser(proxied_portal["https"], proxied_portal["cert"])


def test_plain_http_to_the_proxy_is_sent_to_https(proxied_portal):
    plain = http.client.HTTPConnection("127.0.0.1", proxied_portal["http"], timeout=30)
    plain.request("GET", "/akun/masuk/", headers={"Host": "localhost"})
    response = plain.getresponse()

    assert response.status in (301, 308)
    assert response.getheader("Location").startswith("https://localhost")


def test_sign_in_over_https_sets_secure_cookies_and_hsts(browser):
    page, _ = browser.request("GET", "/akun/masuk/")
    signed_in, _ = browser.sign_in(USERNAME, PASSWORD)
    home, text = browser.request("GET", "/")

    assert page.status == 200
    assert int(re.search(r"max-age=(\d+)", page.getheader("Strict-Transport-Security")).group(1)) > 0
    assert signed_in.status == 302, "the sign-in was refused (CSRF over HTTPS, or the proxy's scheme)"
    cookies = {header.split("=", 1)[0]: header.lower() for header in browser.set_cookie_headers}
    assert "secure" in cookies["csrftoken"]
    assert "secure" in cookies["sessionid"] and "httponly" in cookies["sessionid"]
    assert home.status == 200 and USERNAME in text


def test_a_library_site_is_served_over_https_by_its_own_name(browser):
    response, text = browser.request("GET", "/", host=host_of(LIBRARY_A["code"]))

    assert response.status == 200
    assert LIBRARY_A["name"] in text


def test_gunicorn_without_the_proxy_serves_no_page_over_plain_http(proxied_portal):
    direct = http.client.HTTPConnection("127.0.0.1", proxied_portal["web"], timeout=30)
    direct.request("GET", "/akun/masuk/", headers={"Host": "localhost"})
    redirected = direct.getresponse()
    redirected.read()
    direct.request("GET", "/healthz", headers={"Host": "127.0.0.1"})  # the container's health check
    health = direct.getresponse()

    assert redirected.status == 301 and redirected.getheader("Location").startswith("https://")
    assert health.status in (200, 503) and set(json.loads(health.read())) == {"status"}


def test_the_lockout_counts_the_client_the_proxy_saw_not_the_header_it_sent(browser):
    for number in range(5):
        failed, _ = browser.sign_in(USERNAME, "keliru", headers={"X-Forwarded-For": f"192.0.2.{number}"})
    right, text = browser.sign_in(USERNAME, PASSWORD, headers={"X-Forwarded-For": "192.0.2.99"})

    assert failed.status == 429
    assert right.status == 429 and "Masuk dikunci sementara" in text


def test_an_anonymous_caller_is_throttled_through_the_proxy(browser):
    shared = caches["shared"]
    shared.delete("throttle_anon_127.0.0.1")
    try:
        statuses = [
            browser.request("GET", "/api/records/", host=host_of(LIBRARY_A["code"]))[0].status
            for _ in range(6)
        ]
    finally:
        shared.delete("throttle_anon_127.0.0.1")

    assert statuses == [200] * 5 + [429]
