"""Reads for the import/export pages (run with the library's schema active)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from catalog.labels import LabelCopy
from catalog.models import ImportJob, Item
from harvest.models import HarvestProblem, HarvestRun
from tenants.models import Library


def run_of(job: ImportJob, library: Library) -> HarvestRun | None:
    """The job's run — only if it belongs to this library's file source (runs live in the public schema,
    where every library's run ids exist)."""
    if job.run_id is None:
        return None
    return HarvestRun.objects.filter(pk=job.run_id, source__library=library).first()


def recent_jobs(library: Library, *, limit: int = 20) -> list[tuple[ImportJob, HarvestRun | None]]:
    jobs = list(ImportJob.objects.all()[:limit])
    runs = HarvestRun.objects.filter(
        pk__in=[job.run_id for job in jobs if job.run_id], source__library=library
    )
    by_id = {run.pk: run for run in runs}
    return [(job, by_id.get(job.run_id)) for job in jobs]


def problems_of(run: HarvestRun) -> QuerySet[HarvestProblem]:
    return run.problems.order_by("position", "id")


def progress_payload(job: ImportJob, run: HarvestRun | None) -> dict:
    if run is None:
        return {"job": job.pk, "started": False}
    return {
        "job": job.pk,
        "started": True,
        "active": run.is_active,
        "status": run.status,
        "status_label": run.get_status_display(),
        "records_seen": run.records_seen,
        "total": run.complete_list_size,
        "percent": run.progress_percent,
        "created": run.created_count,
        "updated": run.updated_count,
        "unchanged": run.unchanged_count,
        "failed": run.failed_count,
        "error": run.last_error,
    }


def copies_for_labels(*, query: str = "", record_id: int | None = None) -> QuerySet[Item]:
    items = Item.objects.select_related("record").order_by("-created_at", "item_code")
    if record_id:
        items = items.filter(record_id=record_id)
    if query:
        items = items.filter(
            Q(item_code__icontains=query)
            | Q(record__title__icontains=query)
            | Q(call_number__icontains=query)
        )
    return items


def label_copies(items) -> list[LabelCopy]:
    return [
        LabelCopy(
            item_code=item.item_code,
            call_number=item.call_number or item.record.call_number,
            title=item.record.title,
        )
        for item in sorted(items, key=lambda item: item.item_code)
    ]
