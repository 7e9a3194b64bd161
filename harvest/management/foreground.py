"""Running a harvest or a reconciliation in the foreground of a command, with a progress bar.

The service runs in a thread of its own (its own database session, its own source lock) exactly as a
worker runs it; this thread reads the run's committed counters as the operator page does and draws them
with tqdm. Nothing here decides anything about the harvest.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TextIO

from django.db import connection
from tqdm import tqdm

from harvest.models import HarvestRun
from harvest.selectors import labelled_time

POLL_SECONDS = 0.5


def run_in_foreground(
    run: HarvestRun, work: Callable[[], HarvestRun], *, progress: bool = True, stream: TextIO | None = None
) -> HarvestRun:
    """Call ``work`` (a service working on ``run``) and show the run's progress until it returns."""
    outcome: list[HarvestRun] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(work())
        except BaseException as error:  # handed to the caller, raised there
            failure.append(error)
        finally:
            connection.close()

    worker = threading.Thread(target=target, name=f"harvest-run-{run.pk}", daemon=True)
    bar = tqdm(desc=f"run #{run.pk}", unit="rec", file=stream or sys.stderr, disable=not progress)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(POLL_SECONDS)
            _draw(bar, run)
        _draw(bar, run)
    finally:
        bar.close()
    if failure:
        raise failure[0]
    outcome[0].refresh_from_db()  # the worker thread is done with it
    return outcome[0]


def _draw(bar: tqdm, run: HarvestRun) -> None:
    """Read the run's committed progress into a row of its own: the ``run`` object belongs to the worker
    thread, which counts in it (refreshing it here would overwrite its counters)."""
    progress = HarvestRun.objects.filter(pk=run.pk).values(
        "records_seen", "complete_list_size", "phase", "mode"
    )
    row = progress.first()
    if row is None:
        return
    if row["complete_list_size"] and bar.total != row["complete_list_size"]:
        bar.total = row["complete_list_size"]
    bar.n = row["records_seen"]
    if row["mode"] == HarvestRun.Mode.RECONCILE:
        bar.set_postfix_str(str(HarvestRun.Phase(row["phase"]).label), refresh=False)
    bar.refresh()


def run_summary(run: HarvestRun) -> str:
    """One line per run for the command line, times with their zone."""
    mode = run.get_mode_display()
    if run.requested_mode and run.requested_mode != run.mode:
        mode = f"{mode} (diminta {run.get_requested_mode_display()})"
    counts = (
        f"{run.records_seen} dilihat: {run.created_count} baru, {run.updated_count} diperbarui, "
        f"{run.unchanged_count} tak berubah, {run.deleted_count} dihapus, {run.failed_count} gagal"
    )
    if run.skipped_count:
        counts += f", {run.skipped_count} dilewati (tanggal sama)"
    times = f"mulai {labelled_time(run.started_at) or '—'}, selesai {labelled_time(run.finished_at) or '—'}"
    return f"run #{run.pk} {run.status} · {mode} · {counts} · {times}"
