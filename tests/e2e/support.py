"""Plain helpers shared by the browser tests (the ``browser`` fixture is in ``conftest.py``).

The live server is Django's ``LiveServerThread`` started by ``live_server_thread()`` rather than
pytest-django's ``live_server`` fixture: that fixture pulls in ``transactional_db``, whose teardown flushes
every public table — the session's libraries included. The live server reads committed data, so data a test
needs there is written with ``committed()`` on a connection of its own (outside the test's transaction) and
removed the same way at the end. The server answers on "localhost", which is no library's domain, so
django-tenants serves the public site (SHOW_PUBLIC_IF_NO_TENANT_FOUND); ``<library>.localhost`` resolves to
127.0.0.1 in Chromium and reaches that library's site.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django.test.testcases import LiveServerThread

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot of ``page`` as ``test-artifacts/<name>`` and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=full_page)
    return path


def settle_width(page, *, timeout_ms: int = 10_000) -> None:
    """After a viewport change, wait (bounded) until the page fits or the time runs out: charts redraw at
    the new width asynchronously, so a fixed pause is flaky on a loaded machine. The assertion that follows
    (``wider_than_the_screen``) still fails, naming the elements, when the page never fits."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    # On a timeout the caller's assertion reports what sticks out.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            "document.documentElement.scrollWidth <= window.innerWidth + 1", timeout=timeout_ms
        )


def wider_than_the_screen(page) -> list[str]:
    """Elements sticking out to the right (empty when the page fits; tables scroll inside their box)."""
    return page.evaluate(
        """() => document.documentElement.scrollWidth <= window.innerWidth + 1 ? [] :
        [...document.querySelectorAll('body *')]
          .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
          .map(el => el.tagName + '.' + el.className).slice(0, 8)"""
    )


def committed(function):
    """Run ``function`` on a connection of its own (autocommit), outside the test's transaction, so the
    live server's connection sees what it writes. Returns its value or raises its error."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = function()
        except BaseException as error:
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@contextmanager
def live_server_thread() -> Iterator[str]:
    """Serve the site (static files included) on a free port of "localhost" in a thread of its own; yields
    the base URL, ``http://localhost:<port>``, and stops the server on the way out."""
    thread = LiveServerThread("localhost", StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait(timeout=30)
    try:
        if thread.error:
            raise thread.error
        yield f"http://localhost:{thread.port}"
    finally:
        thread.terminate()
        thread.join(timeout=10)
