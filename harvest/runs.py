"""A harvest run's lifecycle, from queued to finished (docs/architecture.md, "One pipeline for every
record"): the run to work on under the source's lock (a task's own run, an orphan whose worker died, or a
new one), a run skipped because another session holds the lock, the start (Identify first: the server's
clock is the next ``from``), the mode that really runs and why, the failure with what the operator can act
on, and the end. What happens between start and end — pages fetched, mapped, batched and committed — is
the page loop, ``harvest.pipeline``; the services (``harvest.services``) tie the two together.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from harvest.adapters import (
    BadResumptionToken,
    EndpointProfile,
    ForbiddenRequest,
    OaiClient,
    RequestFailed,
    SourceUnreachable,
)
from harvest.models import HarvestProblem, HarvestRun, HarvestSource

logger = logging.getLogger(__name__)


class HarvestError(Exception):
    """A request that cannot be carried out as asked; the message is for the person who asked."""


# --- claiming, skipping, failing ----------------------------------------------------------------

HARVEST_MODES = (HarvestRun.Mode.INCREMENTAL, HarvestRun.Mode.FULL)


def fresh_source(source: HarvestSource) -> HarvestSource:
    return HarvestSource.objects.select_related("library").get(pk=source.pk)


def skip_run(*, source: HarvestSource, mode: str, run: HarvestRun | None) -> HarvestRun:
    """Another session holds the source's lock. A queued run of ours becomes ``skipped``; a running one is
    left alone (it may be the very run the lock holder is working on — a task delivered twice)."""
    message = _("Dilewati: sumber ini sedang dipanen oleh proses lain.")
    if run is not None:
        run.refresh_from_db()
        run.lock_held = True
        if run.status != HarvestRun.Status.QUEUED:
            return run
    else:
        run = HarvestRun(source=source, mode=mode)
    run.status = HarvestRun.Status.SKIPPED
    run.last_error = message
    run.finished_at = timezone.now()
    run.save()
    run.lock_held = True
    return run


def claim_run(*, source: HarvestSource, mode: str, run: HarvestRun | None) -> HarvestRun:
    """The run to work on, under the source's lock: the one asked for (a task's own run, perhaps
    redelivered after a kill), else an unfinished run of the same kind whose worker died, else a new one."""
    family = HARVEST_MODES if mode in HARVEST_MODES else (mode,)
    if run is not None:
        run.refresh_from_db()
        return run
    orphans = list(
        source.runs.filter(status__in=HarvestRun.ACTIVE, mode__in=family).order_by("-status", "created_at")
    )
    # a run that already started (status "running") wins over queued ones; the others are merged into it
    claimed = next(
        (candidate for candidate in orphans if candidate.status == HarvestRun.Status.RUNNING), None
    )
    claimed = claimed or (orphans[0] if orphans else None)
    for other in orphans:
        if other is not claimed and other.status == HarvestRun.Status.QUEUED:
            other.status = HarvestRun.Status.SKIPPED
            other.last_error = _("Digabung dengan run #%(id)s.") % {"id": claimed.pk}
            other.finished_at = timezone.now()
            other.save(update_fields=["status", "last_error", "finished_at"])
    return claimed or HarvestRun.objects.create(source=source, mode=mode)


def fail_on_client_error(run: HarvestRun, error: Exception) -> HarvestRun:
    """A harvest or reconciliation stopped by the OAI-PMH client: the run fails with what went wrong;
    protocol errors are not retried (the same request would get the same answer)."""
    if isinstance(error, BadResumptionToken):
        return fail_run(run, _("Token ditolak berulang kali (badResumptionToken): %(e)s") % {"e": error})
    if isinstance(error, ForbiddenRequest):
        address = getattr(error.__cause__, "address", "")
        return fail_run(run, forbidden_message(run.source.base_url, address), retry=False)
    if isinstance(error, SourceUnreachable):
        return fail_run(run, _("Sumber tidak dapat dihubungi: %(e)s") % {"e": describe(error)})
    if isinstance(error, RequestFailed):
        return fail_run(run, _("Permintaan gagal: %(e)s") % {"e": describe(error)})
    return fail_run(run, _("Kesalahan protokol OAI-PMH: %(e)s") % {"e": error}, retry=False)


def fail_run(
    run: HarvestRun, message: str, *, problem: tuple[str, str, str] | None = None, retry: bool = True
) -> HarvestRun:
    """Mark the run failed; its resumption point is kept, so a retry continues from it. ``problem``
    (identifier, reason, page token) records where it stopped; it is not counted in ``failed_count``
    (records that could not be stored): a resumed run that then completes has lost nothing."""
    with transaction.atomic():
        if problem is not None:
            identifier, reason, token = problem
            HarvestProblem.objects.create(
                run=run, identifier=identifier[:500], reason=reason, page_token=token
            )
        run.last_error = message[:4000]
        finish_run(run, status=HarvestRun.Status.FAILED)
    run.retry_advised = retry
    logger.warning("harvest run #%s of %s failed: %s", run.pk, run.source_id, message)
    return run


def start_run(run: HarvestRun, client: OaiClient) -> None:
    """Identify before the list: its responseDate (server clock) is the next ``from`` and the baseline of
    the next reconciliation."""
    identify = client.identify()
    run.response_date = identify.response_date
    run.status = HarvestRun.Status.RUNNING
    run.started_at = run.started_at or timezone.now()
    run.finished_at = None
    run.last_error = ""
    save_run(
        run,
        "response_date",
        "status",
        "started_at",
        "finished_at",
        "last_error",
        "mode",
        "from_used",
        "requested_mode",
        "note",
    )


def resume_run(run: HarvestRun) -> None:
    run.status = HarvestRun.Status.RUNNING
    run.finished_at = None
    save_run(run, "status", "finished_at")


def describe(error: Exception) -> str:
    return str(getattr(error, "reason", "") or error)


# --- what runs, and the end ----------------------------------------------------------------------------


def choose_mode(run: HarvestRun, *, source: HarvestSource, profile: EndpointProfile) -> None:
    """Before a run starts: an incremental asked of an endpoint that cannot do one (SLiMS ``oai.php``), or
    of a source that has no ``from`` yet, runs in full — and the run says so (``requested_mode``,
    ``note``)."""
    run.requested_mode = run.requested_mode or run.mode
    if run.mode == HarvestRun.Mode.INCREMENTAL and not profile.supports_incremental:
        run.mode = HarvestRun.Mode.FULL
        run.note = _(
            "Diminta inkremental, dijalankan penuh (titik akses ini tidak mendukung panen inkremental)."
        )
    elif run.mode == HarvestRun.Mode.INCREMENTAL and not source.next_from:
        run.mode = HarvestRun.Mode.FULL
        run.note = _(
            "Diminta inkremental, dijalankan penuh (belum ada panen tuntas yang memberi titik 'from')."
        )
    run.from_used = source.next_from if run.mode == HarvestRun.Mode.INCREMENTAL else ""


def final_status(run: HarvestRun) -> str:
    return HarvestRun.Status.PARTIAL if run.failed_count else HarvestRun.Status.SUCCEEDED


def finish_run(run: HarvestRun, *, status: str | None = None, source_updates: dict | None = None) -> None:
    """End the run (``final_status`` unless ``status`` is given) and apply ``source_updates``."""
    with transaction.atomic():
        run.status = status or final_status(run)
        run.finished_at = timezone.now()
        run.resumption_token = "" if run.status != HarvestRun.Status.FAILED else run.resumption_token
        save_run(run, "status", "finished_at", "resumption_token", "last_error")
        if source_updates:
            HarvestSource.objects.filter(pk=run.source_id).update(**source_updates)


def save_run(run: HarvestRun, *fields: str) -> None:
    """Save some of the run's fields at once (outside a page transaction), with a heartbeat."""
    run.heartbeat_at = timezone.now()
    run.save(update_fields=[*fields, "heartbeat_at"])


def create_run(*, source: HarvestSource, mode: str, task_id: str = "") -> HarvestRun:
    """Record a queued run of the source (the operator page shows it at once); ``harvest_source`` or
    ``reconcile_source`` given this run works on it (a task, or a command in the foreground)."""
    if source.kind == HarvestSource.Kind.FILE:
        raise HarvestError(_("Sumber berkas diisi lewat impor berkas."))
    if mode == HarvestRun.Mode.RECONCILE and source.kind != HarvestSource.Kind.OAI_PMH:
        raise HarvestError(_("Hanya sumber OAI-PMH yang dapat direkonsiliasi."))
    return HarvestRun.objects.create(source=source, mode=mode, requested_mode=mode, task_id=task_id)


def forbidden_message(base_url: str, address: str) -> str:
    return _(
        "Alamat %(url)s menunjuk ke jaringan privat, loopback atau link-local (%(address)s); sumber panen "
        "di alamat seperti itu ditolak. Bila memang sah (mis. intranet kementerian), pengelola server dapat "
        "mengizinkan jaringannya lewat SIMPUL_HARVEST_ALLOWED_PRIVATE_NETWORKS."
    ) % {"url": base_url, "address": address or "?"}
