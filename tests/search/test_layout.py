"""The house rules of docs/architecture.md, for search/: no module imports another module's views (the
pages and the API share their parameter parsing through ``search.params``), and search names nothing of
the project that includes it (no ``portal`` import, no ``portal.urls_public`` string)."""

from __future__ import annotations

import ast
from pathlib import Path

SEARCH = Path(__file__).resolve().parents[2] / "search"
VIEW_MODULES = {"views", "api"}  # HTML views and DRF views
OUR_APPS = {"portal", "tenants", "catalog", "harvest", "search", "monev", "demo"}


def _modules() -> list[Path]:
    return sorted(path for path in SEARCH.rglob("*.py") if "migrations" not in path.parts)


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_only_the_urlconf_imports_views_or_api_modules():
    offenders = []
    for path in _modules():
        if path.name == "urls.py":
            continue
        for name in _imported(path):
            parts = name.split(".")
            if parts[0] in OUR_APPS and len(parts) >= 2 and parts[1] in VIEW_MODULES:
                offenders.append(f"{path.relative_to(SEARCH.parent)} imports {name}")
    assert not offenders


def test_search_does_not_name_the_project_that_includes_it():
    offenders = []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        if "portal.urls" in text or any(name.split(".")[0] == "portal" for name in _imported(path)):
            offenders.append(str(path.relative_to(SEARCH.parent)))
    assert not offenders
