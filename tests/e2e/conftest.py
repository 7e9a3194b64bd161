"""Fixtures of the browser tests: ``browser``, a headless Debian chromium driven through Playwright.

Without Playwright or chromium the browser tests are skipped locally, but fail when ``CI=true``: on CI a
missing browser must not pass as a green run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.support import CHROMIUM, CHROMIUM_ARGS


def _browser_unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI=true, so the browser tests must run, not be skipped", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        _browser_unavailable(f"Playwright is not installed ({error})")
    if not Path(CHROMIUM).exists():
        _browser_unavailable(f"Debian chromium is not installed ({CHROMIUM} is missing)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
