"""The harvest's modules import one way (docs/architecture.md, "The house"): the tasks call the services,
the services send tasks by name; the page loop (harvest/pipeline.py) and a run's lifecycle
(harvest/runs.py) never reach back into the services, and the lifecycle never into the page loop."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

HARVEST = Path(__file__).resolve().parents[2] / "harvest"


def imported_modules(path: Path) -> set[str]:
    """Every module the file imports, at its top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    names |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return names


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("services.py", {"harvest.tasks"}),
        ("pipeline.py", {"harvest.services", "harvest.tasks"}),
        ("runs.py", {"harvest.services", "harvest.tasks", "harvest.pipeline"}),
    ],
)
def test_harvest_modules_import_one_way(module, forbidden):
    assert not imported_modules(HARVEST / module) & forbidden


def test_enqueued_tasks_are_sent_by_the_names_the_worker_knows():
    from harvest import tasks
    from harvest.schedules import HARVEST_TASK, RECONCILE_TASK

    names = (tasks.harvest_source_task.name, tasks.reconcile_source_task.name)
    assert names == (HARVEST_TASK, RECONCILE_TASK)
