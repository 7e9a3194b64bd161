"""Reading harvest state for the operator page and its progress endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from harvest.locking import locked_source_ids
from harvest.models import HarvestProblem, HarvestRun, HarvestSource

# A "running" run whose source lock nobody holds and whose heartbeat is older than this has lost its
# worker; the next request for the source resumes it from its last committed page.
STALL_AFTER = timedelta(minutes=2)


@dataclass
class SourceOverview:
    source: HarvestSource
    last_run: HarvestRun | None
    busy: bool  # a worker holds the source's lock right now
    problems: list[HarvestProblem]

    @property
    def stalled(self) -> bool:
        run = self.last_run
        if run is None or run.status != HarvestRun.Status.RUNNING or self.busy:
            return False
        beat = run.heartbeat_at or run.started_at or run.created_at
        return timezone.now() - beat > STALL_AFTER

    @property
    def active(self) -> bool:
        return self.busy or bool(self.last_run and self.last_run.is_active and not self.stalled)


class SourceNotFound(LookupError):
    """No source, or more than one, matches what an operator named; the message says which."""


def source_named(*, source_id: int | None = None, library_code: str = "") -> HarvestSource:
    """The source an operator means on the command line: by id, or the one OAI-PMH source of a library."""
    sources = HarvestSource.objects.select_related("library")
    if source_id is not None:
        source = sources.filter(pk=source_id).first()
        if source is None:
            raise SourceNotFound(f"Sumber #{source_id} tidak ada.")
        return source
    candidates = list(sources.filter(library__code=library_code, kind=HarvestSource.Kind.OAI_PMH)[:2])
    if not candidates:
        raise SourceNotFound(f"Perpustakaan '{library_code}' tidak punya sumber OAI-PMH.")
    if len(candidates) > 1:
        raise SourceNotFound(
            f"Perpustakaan '{library_code}' punya beberapa sumber OAI-PMH; pilih dengan --source ID."
        )
    return candidates[0]


def sources_for_operator() -> QuerySet[HarvestSource]:
    return HarvestSource.objects.select_related("library", "schedule", "reconcile_schedule").order_by(
        "library__name", "kind", "id"
    )


def latest_runs(source_ids: list[int]) -> dict[int, HarvestRun]:
    """The newest run of each source, in one query (PostgreSQL ``DISTINCT ON``)."""
    runs = HarvestRun.objects.filter(source_id__in=source_ids).order_by("source_id", "-created_at", "-id")
    return {run.source_id: run for run in runs.distinct("source_id")}


def source_overviews(*, problems_per_run: int = 5) -> list[SourceOverview]:
    sources = list(sources_for_operator())
    ids = [source.pk for source in sources]
    runs = latest_runs(ids)
    busy = locked_source_ids(ids)
    overviews = []
    for source in sources:
        run = runs.get(source.pk)
        problems = list(run.problems.order_by("id")[:problems_per_run]) if run and problems_per_run else []
        overviews.append(
            SourceOverview(source=source, last_run=run, busy=source.pk in busy, problems=problems)
        )
    return overviews


def labelled_time(moment: datetime | None) -> str | None:
    """A moment in the project's time zone, ISO 8601 with its UTC offset (``2024-05-01T10:00:00+07:00``):
    every time the harvest shows an operator carries its zone."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def run_payload(run: HarvestRun | None) -> dict[str, object] | None:
    if run is None:
        return None
    return {
        "id": run.pk,
        "status": run.status,
        "status_label": str(run.get_status_display()),
        "mode_label": str(run.get_mode_display()),
        "phase_label": str(run.get_phase_display()) if run.mode == HarvestRun.Mode.RECONCILE else "",
        "records_seen": run.records_seen,
        "complete_list_size": run.complete_list_size,
        "percent": run.progress_percent,
        "created": run.created_count,
        "updated": run.updated_count,
        "unchanged": run.unchanged_count,
        "deleted": run.deleted_count,
        "failed": run.failed_count,
        "skipped": run.skipped_count,
        "note": run.note,
        "last_error": run.last_error,
        "started_at": labelled_time(run.started_at),
        "finished_at": labelled_time(run.finished_at),
    }


def progress_payload() -> dict[str, object]:
    """What the operator page polls every 2 s: each source's last run and whether any run is active."""
    overviews = source_overviews(problems_per_run=0)
    return {
        "active": any(overview.active for overview in overviews),
        "sources": [
            {
                "id": overview.source.pk,
                "busy": overview.busy,
                "active": overview.active,
                "stalled": overview.stalled,
                "run": run_payload(overview.last_run),
            }
            for overview in overviews
        ],
    }
