"""Fixtures of the browser tests: ``browser``, a headless Debian chromium driven through Playwright.

Without Playwright or chromium the browser tests are skipped locally, but fail when ``CI=true``: on CI a
missing browser must not pass as a green run.

Every page a test opens with ``browser.new_page`` is checked with axe-core (``tests/e2e/axe.py``): a serious
or critical WCAG 2.1 AA violation on any document it loaded fails the test; the URLs checked are listed
in ``test-artifacts/axe-checked.txt``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.axe import AxeWatch
from tests.e2e.support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS


def _browser_unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI=true, so the browser tests must run, not be skipped", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def browser(monkeypatch, request):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        _browser_unavailable(f"Playwright is not installed ({error})")
    if not Path(CHROMIUM).exists():
        _browser_unavailable(f"Debian chromium is not installed ({CHROMIUM} is missing)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        watch = AxeWatch()
        watch.install(monkeypatch)
        try:
            yield CheckedBrowser(launched, watch)
            watch.check_open_pages()
        finally:
            launched.close()
        ARTIFACTS.mkdir(exist_ok=True)
        with (ARTIFACTS / "axe-checked.txt").open("a", encoding="utf-8") as log:
            log.writelines(f"{request.node.nodeid}\t{url}\n" for url in watch.checked)
        if watch.violations:
            listing = "\n".join(f"  {violation}" for violation in watch.violations)
            pytest.fail(f"WCAG 2.1 AA (axe-core): serious or critical violations\n{listing}", pytrace=False)


class CheckedBrowser:
    """The launched browser, whose ``new_page`` pages are watched by axe (everything else passes through)."""

    def __init__(self, browser, watch: AxeWatch) -> None:
        self._browser = browser
        self.axe = watch

    def new_page(self, **options):
        page = self._browser.new_page(**options)
        self.axe.watch(page)
        return page

    def __getattr__(self, name: str):
        return getattr(self._browser, name)
