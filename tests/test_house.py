"""The house's arrows point one way (docs/architecture.md, "The house"): no two modules of the project import
each other, directly or round a loop; tenancy imports no domain; production code never imports the demo
generators; the catalogue's core (models, services, selectors) imports neither harvest nor search — only its
staff pages do (the move-over, file import, copy cataloguing); the outbox drain is requested by a signal."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIPPED_PARTS = {"migrations", "tests", "bench", "node_modules", ".venv", "scripts", "static", "templates"}


def project_modules() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if len(relative.parts) < 2 or SKIPPED_PARTS & set(relative.parts):
            continue
        if not (ROOT / relative.parts[0] / "__init__.py").exists():
            continue
        parts = list(relative.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def imports_of(path: Path, module: str, modules: dict[str, Path]) -> set[str]:
    """The project modules ``module`` imports, at its top or inside a function; a name taken from a package
    counts as an arrow to that name's module when it is one."""
    is_package = path.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != module:
                found.add(target)
                break
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {module: imports_of(path, module, modules) for module, path in modules.items()}


def circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(component)
                continue
            if child not in graph:
                continue
            if child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def arrows_between(graph: dict[str, set[str]], source_room: str, target_room: str) -> set[tuple[str, str]]:
    return {
        (module, target)
        for module, targets in graph.items()
        if module.split(".")[0] == source_room
        for target in targets
        if target.split(".")[0] == target_room
    }


def test_the_finder_sees_a_loop_when_there_is_one():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_two_modules_import_each_other():
    assert circles(import_graph()) == []


def test_tenancy_imports_no_domain():
    graph = import_graph()
    domains = {"catalog", "search", "harvest", "monev", "oaipmh", "demo"}
    assert {pair for room in domains for pair in arrows_between(graph, "tenants", room)} == set()


def test_production_code_never_imports_the_demo_generators():
    graph = import_graph()
    importers = {
        module for module, targets in graph.items() for target in targets if target.split(".")[0] == "demo"
    }
    assert {module for module in importers if module.split(".")[0] != "demo"} == set()


STAFF_PAGES_OF_CATALOG = ("catalog.cataloguing", "catalog.circulation", "catalog.transfer", "catalog.reports")


def test_only_the_staff_pages_of_the_catalogue_call_harvest_and_search():
    graph = import_graph()
    importers = {
        module for room in ("harvest", "search") for module, _ in arrows_between(graph, "catalog", room)
    }
    assert importers, "the move-over, file import and copy cataloguing call harvest and search"
    assert {module for module in importers if not module.startswith(STAFF_PAGES_OF_CATALOG)} == set()
