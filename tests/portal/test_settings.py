"""portal/settings.py as each kind of deployment loads it: imported in a subprocess with an environment of
its own (the test run's own SIMPUL_ENV, SIMPUL_DEBUG and SIMPUL_SECRET_KEY are left out)."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEPLOYMENT_VARIABLES = ("SIMPUL_ENV", "SIMPUL_DEBUG", "SIMPUL_SECRET_KEY", "DJANGO_SETTINGS_MODULE")
SHOWN = (
    "SIMPUL_ENV",
    "PRODUCTION",
    "DEBUG",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "PROXY_COUNT",
    "ALLOWED_HOSTS",
)


def _import_settings(**overrides: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in DEPLOYMENT_VARIABLES}
    env.update(overrides)
    show = "import json, portal.settings as s; print(json.dumps({n: getattr(s, n, None) for n in %r}))"
    return subprocess.run(
        [sys.executable, "-c", show % (SHOWN,)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _settings(**overrides: str) -> dict:
    loaded = _import_settings(**overrides)
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    return json.loads(loaded.stdout.strip().splitlines()[-1])


def test_production_mode_refuses_the_public_development_key():
    refused = _import_settings(SIMPUL_DEBUG="0")

    assert refused.returncode != 0
    assert "SIMPUL_SECRET_KEY" in refused.stderr


def test_production_mode_starts_with_a_key_of_its_own():
    assert _import_settings(SIMPUL_DEBUG="0", SIMPUL_SECRET_KEY="a-real-secret").returncode == 0


def test_an_environment_that_says_nothing_is_production():
    loaded = _settings(SIMPUL_SECRET_KEY="a-real-secret")

    assert loaded["SIMPUL_ENV"] == "production" and loaded["PRODUCTION"] is True
    assert loaded["DEBUG"] is False


@pytest.mark.parametrize("debug", ["1", "0"])
def test_production_refuses_the_development_key_whatever_debug_says(debug):
    from portal.settings import DEV_SECRET_KEY

    for key in (None, DEV_SECRET_KEY, ""):
        environment = {"SIMPUL_ENV": "production", "SIMPUL_DEBUG": debug}
        if key is not None:
            environment["SIMPUL_SECRET_KEY"] = key
        refused = _import_settings(**environment)

        assert refused.returncode != 0, key
        assert "SIMPUL_SECRET_KEY" in refused.stderr


def test_debug_is_off_unless_the_environment_turns_it_on():
    assert _settings(SIMPUL_ENV="development")["DEBUG"] is False
    assert _settings(SIMPUL_ENV="development", SIMPUL_DEBUG="1")["DEBUG"] is True


def test_an_unknown_environment_name_is_refused():
    refused = _import_settings(SIMPUL_ENV="prod", SIMPUL_SECRET_KEY="a-real-secret")

    assert refused.returncode != 0 and "SIMPUL_ENV" in refused.stderr


def test_production_expects_https_from_the_proxy_in_front():
    loaded = _settings(SIMPUL_SECRET_KEY="a-real-secret")

    assert loaded["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert loaded["SECURE_SSL_REDIRECT"] is True
    assert loaded["SECURE_REDIRECT_EXEMPT"] == ["^healthz$"]  # the container health check, plain HTTP
    assert loaded["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert loaded["SESSION_COOKIE_SECURE"] is True and loaded["CSRF_COOKIE_SECURE"] is True
    assert loaded["PROXY_COUNT"] == 1
    assert "testserver" not in loaded["ALLOWED_HOSTS"]


def test_production_with_debug_on_still_expects_https():
    loaded = _settings(SIMPUL_SECRET_KEY="a-real-secret", SIMPUL_DEBUG="1")

    assert loaded["DEBUG"] is True
    assert loaded["SECURE_SSL_REDIRECT"] is True and loaded["SESSION_COOKIE_SECURE"] is True


def test_development_speaks_plain_http_and_trusts_no_forwarded_header():
    loaded = _settings(SIMPUL_ENV="development")

    assert loaded["SECURE_PROXY_SSL_HEADER"] is None
    assert not loaded["SECURE_SSL_REDIRECT"] and not loaded["SECURE_HSTS_SECONDS"]
    assert not loaded["SESSION_COOKIE_SECURE"]
    assert loaded["PROXY_COUNT"] == 0


def test_the_test_settings_are_development_whatever_the_shell_says():
    env = {key: value for key, value in os.environ.items() if key not in DEPLOYMENT_VARIABLES}
    env["SIMPUL_ENV"] = "production"
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import portal.settings_test as s; print(s.SIMPUL_ENV, getattr(s, 'SECURE_SSL_REDIRECT', False))",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    assert loaded.stdout.split() == ["development", "False"]


def _security_warnings_of_deploy_check(**overrides: str) -> set[str]:
    env = {key: value for key, value in os.environ.items() if key not in DEPLOYMENT_VARIABLES}
    env.update(SIMPUL_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_SETTINGS_MODULE="portal.settings")
    env.update(overrides)
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-3000:]
    return set(re.findall(r"\(security\.(\w+)\)", checked.stdout + checked.stderr))


def test_deploy_check_finds_only_the_documented_hsts_choices_in_production():
    # W005: HSTS leaves sub-domains alone unless SIMPUL_HSTS_INCLUDE_SUBDOMAINS=1 (README: production
    # settings); W021: the site is not submitted to the browsers' preload list.
    assert _security_warnings_of_deploy_check() == {"W005", "W021"}
    assert _security_warnings_of_deploy_check(SIMPUL_HSTS_INCLUDE_SUBDOMAINS="1") == {"W021"}
