"""The automated WCAG 2.1 AA check of every page the browser tests open: axe-core (npm, ``package.json``
devDependency, installed by ``scripts/bootstrap``) runs inside each document the tests load.

How "every page" is caught without a call in each test: ``AxeWatch.watch(page)`` injects axe into every
document of the page's context (an init script, which the pages' Content-Security-Policy does not block).
While the watch is on, Playwright's actions that can leave a document (click, press, check, goto, close…,
on pages, frames, locators, element handles, the keyboard and the mouse) first run axe on the current
document of each watched page, from the test's own thread of control — so no check races a navigation,
and each document is checked once, in the state the test left it in (suggestions open, a form filled).
The document a test is looking at when it ends is checked then.

A violation counts when axe rates it serious or critical under the WCAG 2.0/2.1 A and AA rules, or breaks
the order of headings (axe's best-practice ``heading-order``, at any impact); the
``browser`` fixture fails the test naming the page, the rule and the elements.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
# Best-practice rules that fail at any impact too: the issue asks for headings in order.
EXTRA_RULES = ["heading-order"]
# Methods that may leave the current document (or change it past recognition) before they return.
LEAVING_ACTIONS = (
    "click",
    "dblclick",
    "tap",
    "press",
    "press_sequentially",
    "type",
    "check",
    "uncheck",
    "set_checked",
    "select_option",
    "set_input_files",
    "dispatch_event",
    "goto",
    "reload",
    "go_back",
    "go_forward",
    "close",
    "down",
    "up",
)

# Runs in the page: axe once per document; later calls answer null (already reported).
_RUN = """async ([tags, extra]) => {
  if (!window.axe) return {missing: true};
  if (window.__simpulAxe) return null;
  if (document.readyState !== 'complete') {
    await new Promise(done => window.addEventListener('load', done, {once: true}));
  }
  window.__simpulAxe = true;
  const options = {resultTypes: ['violations']};
  const wcag = await axe.run(document, {...options, runOnly: {type: 'tag', values: tags}});
  const more = await axe.run(document, {...options, runOnly: {type: 'rule', values: extra}});
  const all = wcag.violations.concat(more.violations.map(v => ({...v, impact: 'serious'})));
  return {violations: all.map(v => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5),
  }))};
}"""


@dataclass
class Violation:
    url: str
    rule: str
    impact: str
    help: str
    nodes: list[str]

    def __str__(self) -> str:
        return f"{self.url}: {self.rule} ({self.impact}) {self.help} — {', '.join(self.nodes)}"


@dataclass
class AxeWatch:
    """Checks every document of the pages it watches; ``violations`` holds what failed, ``checked`` the
    URLs of the documents checked (in order)."""

    violations: list[Violation] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    _pages: list = field(default_factory=list)
    _busy: bool = False

    def watch(self, page) -> None:
        page.context.add_init_script(path=str(AXE_SOURCE))
        self._pages.append(page)

    def install(self, monkeypatch) -> None:
        """Make the leaving actions of Playwright's sync API check the watched pages first (undone by
        ``monkeypatch`` at the end of the test)."""
        from playwright.sync_api import ElementHandle, Frame, Keyboard, Locator, Mouse, Page

        for cls in (Page, Frame, Locator, ElementHandle, Keyboard, Mouse):
            for name in LEAVING_ACTIONS:
                if name in vars(cls):
                    monkeypatch.setattr(cls, name, self._checking_first(getattr(cls, name)))

    def _checking_first(self, method):
        @functools.wraps(method)
        def action(*args, **kwargs):
            self.check_open_pages()
            return method(*args, **kwargs)

        return action

    def check_open_pages(self) -> None:
        if self._busy:
            return
        self._busy = True
        try:
            for page in self._pages:
                self.check(page)
        finally:
            self._busy = False

    def check(self, page) -> None:
        """Run axe on the page's current document unless it was checked already."""
        if page.is_closed() or not page.url.startswith("http"):
            return
        url = page.url
        try:
            found = page.evaluate(_RUN, [WCAG_TAGS, EXTRA_RULES])
        except Exception as error:
            if page.is_closed():
                return
            # A navigation under way destroyed the document: check the one that replaces it.
            page.wait_for_load_state()
            url = page.url
            try:
                found = page.evaluate(_RUN, [WCAG_TAGS, EXTRA_RULES])
            except Exception:
                raise AssertionError(f"axe could not check {url}: {error}") from error
        if found is None:
            return
        if found.get("missing"):
            raise AssertionError(f"axe-core is not loaded in {url} (run scripts/bootstrap: npm ci)")
        self.checked.append(url)
        for item in found["violations"]:
            if item["impact"] in FAILING_IMPACTS:
                violation = Violation(url, item["id"], item["impact"], item["help"], item["nodes"])
                if str(violation) not in {str(v) for v in self.violations}:
                    self.violations.append(violation)
