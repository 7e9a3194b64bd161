"""Celery tasks of the harvest (thin: load by id, call a service).

Both are idempotent and ``acks_late``: a worker killed mid-run leaves the message unacknowledged, the
broker delivers it again, and the service resumes the same run from its last committed page (a harvest)
or starts the reconciliation over (safe to re-run). A harvest hands the worker back every
``HARVEST_PAGES_PER_TASK`` pages by sending itself again, so one big source cannot hold a worker for
hours while other sources wait; the source's lock keeps its slices in order.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from harvest.models import HarvestRun, HarvestSource
from harvest.schedules import HARVEST_TASK, RECONCILE_TASK
from harvest.services import harvest_source, reconcile_source

DEFAULT_PAGES_PER_TASK = 200
RETRY_DELAYS = (60, 300, 900)  # seconds before the 1st, 2nd, 3rd retry of a failed run


def _summary(run: HarvestRun) -> dict[str, object]:
    return {
        "run_id": run.pk,
        "status": run.status,
        "mode": run.mode,
        "records_seen": run.records_seen,
        "created": run.created_count,
        "updated": run.updated_count,
        "deleted": run.deleted_count,
        "failed": run.failed_count,
        "error": run.last_error,
    }


def _should_retry(task, run: HarvestRun) -> bool:
    """A failed run that may succeed later (source unreachable, a page that kept failing) is retried with
    its own run id, so it continues from its resumption point; protocol errors are not."""
    advised = run.status == HarvestRun.Status.FAILED and getattr(run, "retry_advised", False)
    return advised and task.request.retries < task.max_retries


def _retry_delay(retries: int) -> int:
    delays = getattr(settings, "HARVEST_RETRY_DELAYS", RETRY_DELAYS)
    return int(delays[min(retries, len(delays) - 1)])


@shared_task(
    bind=True,
    name=HARVEST_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=len(RETRY_DELAYS),
)
def harvest_source_task(
    self, source_id: int, mode: str = HarvestRun.Mode.INCREMENTAL, run_id: int | None = None
):
    source = HarvestSource.objects.filter(pk=source_id).first()
    if source is None:
        return {"skipped": f"source {source_id} no longer exists"}
    run = HarvestRun.objects.filter(pk=run_id, source=source).first() if run_id else None
    pages = getattr(settings, "HARVEST_PAGES_PER_TASK", DEFAULT_PAGES_PER_TASK)
    run = harvest_source(source=source, mode=mode, run=run, max_pages=pages)
    if run.status == HarvestRun.Status.RUNNING and not getattr(run, "lock_held", False):
        # stopped after `pages` pages: the next slice continues the run
        harvest_source_task.apply_async(kwargs={"source_id": source_id, "mode": run.mode, "run_id": run.pk})
    elif _should_retry(self, run):
        raise self.retry(
            kwargs={"source_id": source_id, "mode": run.mode, "run_id": run.pk},
            countdown=_retry_delay(self.request.retries),
        )
    return _summary(run)


@shared_task(
    bind=True,
    name=RECONCILE_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=len(RETRY_DELAYS),
)
def reconcile_source_task(self, source_id: int, run_id: int | None = None):
    source = HarvestSource.objects.filter(pk=source_id).first()
    if source is None:
        return {"skipped": f"source {source_id} no longer exists"}
    run = HarvestRun.objects.filter(pk=run_id, source=source).first() if run_id else None
    run = reconcile_source(source=source, run=run)
    if _should_retry(self, run):
        raise self.retry(
            kwargs={"source_id": source_id, "run_id": run.pk},
            countdown=_retry_delay(self.request.retries),
        )
    return _summary(run)
