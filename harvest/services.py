"""Bringing records home: registering a source, harvesting it, reconciling it, importing a file.

Every function here is safe to call again after a crash, a kill or a half-finished run:

* ``harvest_source`` walks ListRecords from the run's last committed page (``harvest.pipeline``), so a
  redelivered task resumes instead of starting over, and a page stored twice changes nothing;
* ``reconcile_source`` finds what ``from``-harvesting never shows (SLiMS reports neither edits nor
  physical deletes): the whole identifier list against the library's record keys, then the changed
  records, compared by content hash (unchanged content writes nothing, not even an outbox row);
* two runs of one source never overlap (``harvest.locking``); a second request is recorded as skipped.

Views, tasks, the admin and the management commands call these and nothing else.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import IO

from celery import current_app
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from catalog.models import Record
from catalog.services import enqueue_index_changes, set_source_datestamps, upsert_records
from harvest.adapters import (
    BadResumptionToken,
    ForbiddenRequest,
    NotOaiPmh,
    OaiClient,
    OaiError,
    OaiProtocolError,
    PageFailed,
    RequestFailed,
    RetryPolicy,
    SlimsFlavour,
    SourceUnreachable,
    detect_slims_flavour,
    record_key_from_identifier,
)
from harvest.adapters.addresses import ForbiddenAddress
from harvest.adapters.files import FileEntry, UnreadableFile, detect_format, read_records
from harvest.adapters.mapping import MalformedRecord
from harvest.adapters.stored import REMAPPABLE_FORMATS, remap_stored
from harvest.locking import locked_source_ids, source_lock
from harvest.models import HarvestRun, HarvestSource
from harvest.pipeline import (
    Batch,
    ListRecordsWalk,
    ModsDetails,
    address_policy,
    batch_from_records,
    client_for,
    commit_batch,
    fetch_records,
    max_response_bytes,
    metadata_prefix_of,
    next_from_point,
    parse_source_date,
    profile_of,
)
from harvest.runs import (
    HarvestError,
    choose_mode,
    claim_run,
    create_run,
    fail_on_client_error,
    fail_run,
    finish_run,
    forbidden_message,
    fresh_source,
    resume_run,
    save_run,
    skip_run,
    start_run,
)
from harvest.schedules import HARVEST_TASK, RECONCILE_TASK, ensure_source_schedules
from tenants.models import Library

logger = logging.getLogger(__name__)

FORMAT_ALIASES = {
    HarvestSource.MetadataFormat.OAI_DC: ("oai_dc",),
    HarvestSource.MetadataFormat.MARCXML: ("marcxml", "marc21", "marc", "MARC21", "marcxml21", "slim"),
    HarvestSource.MetadataFormat.MODS: ("mods", "MODS", "mods3", "mods-3"),
}
FLAVOURS = {
    SlimsFlavour.OAI_PHP: HarvestSource.Flavour.SLIMS_OAI,
    SlimsFlavour.OAI2_PHP: HarvestSource.Flavour.SLIMS_OAI2,
}
RECONCILE_FETCH_CHUNK = 100
# Above this share of changed records, one ListRecords walk is cheaper than GetRecord one by one.
RECONCILE_REFETCH_ALL_SHARE = 0.3
# Edits are found by the header date: the baseline is the previous full pass's start, minus this margin.
RECONCILE_DATE_MARGIN = timedelta(days=1)
# A reconciliation that would delete more than this share of a library's harvested records stops and asks.
MASS_DELETE_SHARE = 0.5
MASS_DELETE_MINIMUM = 20
DELETE_CHUNK = 500
IMPORT_BATCH = 100


class SourceRegistrationError(HarvestError):
    """The endpoint cannot be registered: unreachable, not OAI-PMH, or without the chosen format."""


# --- registering ---------------------------------------------------------------------------------------


def _registration_client(base_url: str) -> OaiClient:
    # A person is waiting: a short timeout and one retry, not a harvest's patience.
    retry = RetryPolicy(
        max_retries=1,
        max_server_error_retries=1,
        max_unavailable_retries=1,
        max_retry_after=5,
        backoff_base=0.5,
    )
    return OaiClient(
        base_url,
        timeout=15.0,
        connect_timeout=5.0,
        retry=retry,
        max_response_bytes=max_response_bytes(),
        address_policy=address_policy(),
    )


def check_source_address(*, base_url: str) -> None:
    """Refuse a source URL whose host is (or resolves to) a private, loopback or link-local address not
    allowed by ``HARVEST_ALLOWED_PRIVATE_NETWORKS`` (``harvest.adapters.addresses``)."""
    try:
        address_policy().check_url(base_url)
    except ForbiddenAddress as error:
        raise SourceRegistrationError(forbidden_message(base_url, error.address)) from error


def inspect_endpoint(*, base_url: str, metadata_format: str, set_spec: str = "") -> dict[str, str]:
    """Identify + ListMetadataFormats (+ ListSets when a set is asked for): what a source needs to know
    about its endpoint. Raises ``SourceRegistrationError`` with a message an operator can act on."""
    check_source_address(base_url=base_url)
    with _registration_client(base_url) as client:
        try:
            identify = client.identify()
        except ForbiddenRequest as error:
            raise SourceRegistrationError(
                forbidden_message(base_url, getattr(error.__cause__, "address", ""))
            ) from error
        except SourceUnreachable as error:
            raise SourceRegistrationError(
                _("Alamat %(url)s tidak dapat dihubungi (%(reason)s). Periksa alamat dan jaringan.")
                % {"url": base_url, "reason": error.reason}
            ) from error
        except NotOaiPmh as error:
            raise SourceRegistrationError(
                _("Alamat %(url)s menjawab, tetapi bukan titik akses OAI-PMH (%(reason)s).")
                % {"url": base_url, "reason": error.reason}
            ) from error
        except RequestFailed as error:
            raise SourceRegistrationError(
                _("Alamat %(url)s tidak menjawab Identify dengan benar: %(reason)s.")
                % {"url": base_url, "reason": error.reason}
            ) from error
        except (OaiError, OaiProtocolError) as error:
            raise SourceRegistrationError(
                _("Alamat %(url)s bukan titik akses OAI-PMH yang berfungsi: %(reason)s.")
                % {"url": base_url, "reason": error}
            ) from error
        try:
            formats = client.list_metadata_formats()
        except (RequestFailed, OaiError, OaiProtocolError) as error:
            raise SourceRegistrationError(
                _("ListMetadataFormats gagal di %(url)s: %(reason)s.") % {"url": base_url, "reason": error}
            ) from error
        offered = [entry.metadata_prefix for entry in formats if entry.metadata_prefix]
        aliases = FORMAT_ALIASES.get(metadata_format, (metadata_format,))
        prefix = next((name for name in offered if name in aliases or name.lower() in aliases), "")
        if not prefix:
            raise SourceRegistrationError(
                _("Titik akses ini tidak menyediakan format %(format)s; yang tersedia: %(offered)s.")
                % {"format": metadata_format, "offered": ", ".join(offered) or _("tidak ada")}
            )
        if set_spec:
            known = {entry.set_spec for entry in client.list_sets()}
            if set_spec not in known:
                raise SourceRegistrationError(
                    _("Set '%(set)s' tidak ada di titik akses ini.") % {"set": set_spec}
                )
    flavour = detect_slims_flavour(base_url, identify)
    return {
        "metadata_prefix": prefix,
        "flavour": FLAVOURS.get(flavour, HarvestSource.Flavour.STANDARD),
        "granularity": identify.granularity,
        "repository_name": identify.repository_name[:255],
    }


def register_source(
    *,
    library: Library,
    base_url: str,
    metadata_format: str = HarvestSource.MetadataFormat.OAI_DC,
    set_spec: str = "",
    name: str = "",
    reconcile_every_days: int = 7,
    enabled: bool = True,
) -> HarvestSource:
    """Register an OAI-PMH endpoint for a library after checking it (``inspect_endpoint``): recognizes the
    two SLiMS endpoints and stores the flavour, the server's granularity and its prefix for the format;
    creates the source's beat schedules."""
    base_url = (base_url or "").strip().rstrip("?")
    if not base_url.startswith(("http://", "https://")):
        raise SourceRegistrationError(_("Alamat harus diawali http:// atau https://."))
    if metadata_format not in HarvestSource.MetadataFormat.values:
        raise SourceRegistrationError(
            _("Format metadata '%(format)s' tidak dikenal.") % {"format": metadata_format}
        )
    duplicate = HarvestSource.objects.filter(
        library=library, kind=HarvestSource.Kind.OAI_PMH, base_url=base_url,
        metadata_format=metadata_format, set_spec=set_spec,
    )  # fmt: skip
    if duplicate.exists():
        raise SourceRegistrationError(_("Sumber ini sudah terdaftar untuk perpustakaan tersebut."))
    details = inspect_endpoint(base_url=base_url, metadata_format=metadata_format, set_spec=set_spec)
    with transaction.atomic():
        source = HarvestSource.objects.create(
            library=library,
            kind=HarvestSource.Kind.OAI_PMH,
            name=name or details["repository_name"],
            base_url=base_url,
            metadata_format=metadata_format,
            set_spec=set_spec,
            reconcile_every_days=reconcile_every_days,
            enabled=enabled,
            **details,
        )
        ensure_source_schedules(source)
    return source


def set_source_enabled(*, source: HarvestSource, enabled: bool) -> HarvestSource:
    """Switch a source (and its beat schedules) on or off."""
    with transaction.atomic():
        source.enabled = enabled
        source.save(update_fields=["enabled"])
        ensure_source_schedules(source)
    return source


# --- harvesting -----------------------------------------------------------------------------------------


def harvest_source(
    *,
    source: HarvestSource,
    mode: str = HarvestRun.Mode.INCREMENTAL,
    run: HarvestRun | None = None,
    max_pages: int | None = None,
) -> HarvestRun:
    """Harvest a source's ListRecords into its library's schema, page by page (see ``harvest.pipeline``).

    ``incremental`` uses the source's ``next_from`` where the endpoint supports it (SLiMS ``oai.php``
    does not: it is always harvested in full); otherwise the run is ``full``. ``run``: the run to work on
    (a task passes its own, so a redelivered task resumes it from its last committed page). ``max_pages``:
    stop after that many pages and leave the run resumable (tasks hand the worker back between slices).

    Returns the run: ``succeeded``, ``partial`` (records or pages recorded as problems), ``failed`` (with
    ``last_error``; ``run.retry_advised`` says whether trying again later may help), ``skipped`` (another
    run of the source holds the lock), or ``running`` when it stopped at ``max_pages``.
    """
    source = fresh_source(source)
    if source.kind == HarvestSource.Kind.FILE:
        raise HarvestError(_("Sumber berkas diisi lewat impor berkas, bukan dipanen."))
    with source_lock(source.pk) as acquired:
        if not acquired:
            return skip_run(source=source, mode=mode, run=run)
        run = claim_run(source=source, mode=mode, run=run)
        if run.status in (HarvestRun.Status.SUCCEEDED, HarvestRun.Status.PARTIAL, HarvestRun.Status.SKIPPED):
            return run  # done already (a task delivered again after it finished)
        run.retry_advised = False
        if source.kind == HarvestSource.Kind.LOCAL:
            return _announce_local_catalogue(source=source, run=run)
        return _harvest_oai(source=source, run=run, max_pages=max_pages)


def _harvest_oai(*, source: HarvestSource, run: HarvestRun, max_pages: int | None) -> HarvestRun:
    profile = profile_of(source)
    with client_for(source, profile) as client:
        try:
            if not run.response_date:
                choose_mode(run, source=source, profile=profile)
                start_run(run, client)
            else:
                resume_run(run)
            source_updates = None
            if profile.supports_incremental:
                next_from = next_from_point(run.response_date, source.granularity, profile)
                source_updates = {"next_from": next_from} if next_from else None
            walk = ListRecordsWalk(
                run=run,
                source=source,
                client=client,
                profile=profile,
                from_=run.from_used or None,
                max_pages=max_pages,
                source_updates=source_updates,
            )
            walk.run()
        except PageFailed as error:
            token = error.resumption_token or ""
            return fail_run(
                run,
                _("Halaman gagal diambil setelah %(attempts)s percobaan: %(reason)s")
                % {"attempts": error.attempts, "reason": error.reason},
                problem=("", f"{error.verb}: {error.reason}", token or _("(halaman pertama)")),
                retry=error.kind != "too_large",  # the same page will be as large next time
            )
        except (RequestFailed, OaiError, OaiProtocolError) as error:
            return fail_on_client_error(run, error)
        except Exception as error:
            fail_run(run, f"{type(error).__name__}: {error}", retry=False)
            raise
    return run


def _announce_local_catalogue(*, source: HarvestSource, run: HarvestRun) -> HarvestRun:
    """A library cataloguing in Simpul itself: its records are already in its schema; a "harvest" sends
    every one of them down the same road again (outbox → indexer), which refreshes the union index."""
    run.status = HarvestRun.Status.RUNNING
    run.mode = HarvestRun.Mode.FULL
    run.started_at = timezone.now()
    save_run(run, "status", "mode", "started_at")
    with tenant_context(source.library):
        ids = list(Record.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), 1000):
            with transaction.atomic():
                enqueue_index_changes(record_ids=ids[start : start + 1000])
    run.records_seen = run.unchanged_count = len(ids)
    run.complete_list_size = len(ids)
    save_run(run, "records_seen", "unchanged_count", "complete_list_size")
    finish_run(run)
    return run


# --- reconciling ------------------------------------------------------------------------------------------


def reconcile_source(
    *, source: HarvestSource, run: HarvestRun | None = None, allow_mass_delete: bool = False
) -> HarvestRun:
    """Full identifier reconciliation of an OAI-PMH source (returns the run).

    1. ListIdentifiers for the whole source (restarted on ``badResumptionToken``). If the list cannot be
       completed, nothing is deleted and the run fails.
    2. Records of the library that this source wrote and that are no longer listed (or listed as deleted;
       SLiMS oai2.php lists hidden records so) are deleted — unless that would be more than half of them
       (``MASS_DELETE_SHARE``; ``allow_mass_delete`` overrides): a misconfigured endpoint must not empty a
       catalogue.
    3. Changed records: where the header date shows edits (SLiMS oai.php's ``last_update``, a standard
       repository's datestamp) the records dated after the previous full pass (minus a day) and those
       missing here are fetched with GetRecord (SLiMS: MODS when GetRecord fails); where no usable date
       exists (oai2.php: creation dates), or too many changed, the whole ListRecords is walked again. Either
       way the upsert compares content hashes, so unchanged records write nothing.
    Safe to re-run at any point; an interrupted reconciliation starts over.
    """
    source = fresh_source(source)
    if source.kind != HarvestSource.Kind.OAI_PMH:
        raise HarvestError(_("Hanya sumber OAI-PMH yang dapat direkonsiliasi."))
    with source_lock(source.pk) as acquired:
        if not acquired:
            return skip_run(source=source, mode=HarvestRun.Mode.RECONCILE, run=run)
        run = claim_run(source=source, mode=HarvestRun.Mode.RECONCILE, run=run)
        if run.status in (HarvestRun.Status.SUCCEEDED, HarvestRun.Status.PARTIAL, HarvestRun.Status.SKIPPED):
            return run
        run.retry_advised = False
        profile = profile_of(source)
        with client_for(source, profile) as client:
            try:
                _reconcile(source=source, run=run, client=client, allow_mass_delete=allow_mass_delete)
            except PageFailed as error:
                return fail_run(
                    run,
                    _("Rekonsiliasi terhenti: halaman %(verb)s gagal (%(reason)s). Tidak ada yang dihapus.")
                    % {"verb": error.verb, "reason": error.reason},
                    problem=("", f"{error.verb}: {error.reason}", error.resumption_token or ""),
                )
            except (RequestFailed, OaiError, OaiProtocolError) as error:
                return fail_on_client_error(run, error)
            except Exception as error:
                fail_run(run, f"{type(error).__name__}: {error}", retry=False)
                raise
    return run


def _list_identifiers(run: HarvestRun, source: HarvestSource, client: OaiClient) -> dict[str, tuple]:
    """``{record key: (identifier, header date, deleted)}`` of the whole source; progress saved per page."""
    headers: dict[str, tuple[str, str | None, bool]] = {}
    restarts = 0
    while True:
        try:
            for page in client.iter_pages(
                "ListIdentifiers",
                metadata_prefix=metadata_prefix_of(source),
                set_spec=source.set_spec or None,
            ):
                for record in page.records:
                    headers[_key(record.identifier)] = (
                        record.identifier,
                        record.header.datestamp,
                        record.deleted,
                    )
                run.records_seen = len(headers)
                run.pages_seen += 1
                if page.complete_list_size:
                    run.complete_list_size = page.complete_list_size
                save_run(run, "records_seen", "pages_seen", "complete_list_size")
            return headers
        except BadResumptionToken:
            if restarts >= 2:
                raise
            restarts += 1
            run.restarts += 1
            save_run(run, "restarts")


def _key(identifier: str) -> str:
    return record_key_from_identifier(identifier)


def _harvested_keys(source: HarvestSource) -> dict[str, str]:
    """``{record key: stored source datestamp}`` of the records in the library's schema that this source
    wrote (run with the schema active)."""
    return dict(Record.objects.filter(source_id=source.pk).values_list("source_key", "source_datestamp"))


def _baseline(source: HarvestSource, run: HarvestRun):
    """Start (server clock) of the last completed full pass of this source, minus a margin: records whose
    header date is later may have been edited since."""
    previous = (
        source.runs.filter(
            mode__in=(HarvestRun.Mode.FULL, HarvestRun.Mode.RECONCILE),
            status__in=(HarvestRun.Status.SUCCEEDED, HarvestRun.Status.PARTIAL),
        )
        .exclude(pk=run.pk)
        .exclude(response_date="")
        .order_by("-created_at")
        .first()
    )
    moment = parse_source_date(previous.response_date) if previous else None
    return moment - RECONCILE_DATE_MARGIN if moment else None


def _reconcile(*, source: HarvestSource, run: HarvestRun, client: OaiClient, allow_mass_delete: bool) -> None:
    library = source.library
    profile = profile_of(source)
    run.mode = run.requested_mode = HarvestRun.Mode.RECONCILE
    run.phase = HarvestRun.Phase.LISTING
    run.resumption_token = ""
    run.pages_seen = run.records_seen = 0
    run.complete_list_size = None
    run.from_used = ""
    run.skipped_count = 0
    save_run(
        run, "phase", "resumption_token", "pages_seen", "records_seen", "complete_list_size", "skipped_count"
    )
    start_run(run, client)
    headers = _list_identifiers(run, source, client)

    # 2. vanished records
    run.phase = HarvestRun.Phase.DELETING
    save_run(run, "phase")
    with tenant_context(library):
        stored = _harvested_keys(source)
    harvested = set(stored)
    live = {key for key, (_, _, deleted) in headers.items() if not deleted}
    vanished = sorted(harvested - live)
    if (
        not allow_mass_delete
        and len(harvested) >= MASS_DELETE_MINIMUM
        and len(vanished) > MASS_DELETE_SHARE * len(harvested)
    ):
        reason = _(
            "Rekonsiliasi menolak menghapus %(n)s dari %(total)s cantuman sekaligus (sumber salah atur?). "
            "Jalankan dengan allow_mass_delete bila memang benar."
        ) % {"n": len(vanished), "total": len(harvested)}
        commit_batch(run=run, library=library, batch=Batch(problems=[("", reason)]), count_page=False)
        vanished = []
    for start in range(0, len(vanished), DELETE_CHUNK):
        commit_batch(
            run=run,
            library=library,
            batch=Batch(deletes=vanished[start : start + DELETE_CHUNK]),
            count_page=False,
        )

    # 3. changed records
    run.phase = HarvestRun.Phase.FETCHING
    run.pages_seen = run.records_seen = 0
    save_run(run, "phase", "pages_seen", "records_seen")
    baseline = _baseline(source, run)
    dates_show_edits = profile.reports_edits or profile.list_identifiers_date == "last_update"
    to_fetch: list[str] | None = None
    if dates_show_edits:
        # a record whose header still shows the date of the version stored here has not changed
        current = {
            key
            for key, (_, stamp, deleted) in headers.items()
            if not deleted and stamp and stored.get(key) == stamp
        }
        undated = [key for key in live - current if key in stored and not stored[key]]
        if baseline is not None or not undated:
            to_fetch = [
                identifier
                for key, (identifier, stamp, deleted) in headers.items()
                if not deleted
                and key not in current
                and (key not in stored or stored[key] or _dated_after(stamp, baseline))
            ]
        if to_fetch is not None and len(to_fetch) > RECONCILE_REFETCH_ALL_SHARE * max(len(live), 1):
            to_fetch = None
    if to_fetch is None:
        run.complete_list_size = len(live) or None
        save_run(run, "complete_list_size")
        ListRecordsWalk(run=run, source=source, client=client, profile=profile, finish=False).run()
    else:
        run.skipped_count = len(current)
        run.complete_list_size = len(to_fetch)
        save_run(run, "complete_list_size", "skipped_count")
        wanted = set(to_fetch)
        with tenant_context(library):
            # not fetched because older than the last full pass: their header dates are those of the
            # versions stored here, so the next reconciliation can tell them unchanged by date alone
            set_source_datestamps(
                source_id=source.pk,
                datestamps={
                    key: stamp
                    for key, (identifier, stamp, deleted) in headers.items()
                    if stamp and not deleted and key in stored and identifier not in wanted
                },
            )
        _fetch_changed(run=run, source=source, client=client, identifiers=to_fetch, headers=headers)
    finish_run(run)


def _dated_after(stamp: str | None, baseline) -> bool:
    moment = parse_source_date(stamp)
    return moment is None or moment >= baseline


def _fetch_changed(
    *,
    run: HarvestRun,
    source: HarvestSource,
    client: OaiClient,
    identifiers: list[str],
    headers: dict[str, tuple],
) -> None:
    profile = profile_of(source)
    prefix = metadata_prefix_of(source)
    details = ModsDetails(client) if (profile.flavour is not None and not profile.oai_dc_has_copies) else None
    try:
        for start in range(0, len(identifiers), RECONCILE_FETCH_CHUNK):
            chunk = identifiers[start : start + RECONCILE_FETCH_CHUNK]
            records, problems = fetch_records(client, profile, chunk, prefix)
            batch = batch_from_records(records, problems=problems)
            for normalized in batch.upserts:  # the listing's date is the one the next listing compares
                stamp = headers.get(normalized.source_key, (None, None, None))[1]
                if stamp:
                    batch.datestamps[normalized.source_key] = stamp
            if details is not None and batch.upserts:
                details.enrich(batch)
            commit_batch(run=run, library=source.library, batch=batch)
    finally:
        if details is not None:
            details.close()


# --- enqueueing (views, admin) ---------------------------------------------------------------------------


def source_is_busy(source: HarvestSource) -> bool:
    """A run of this source is in progress right now (its lock is held by some worker)."""
    return bool(locked_source_ids([source.pk]))


def enqueue_harvest(*, source: HarvestSource, mode: str = HarvestRun.Mode.INCREMENTAL) -> HarvestRun:
    """Record a queued run and send the task after the commit (the page shows it at once)."""
    return _enqueue(source=source, mode=mode, task_name=HARVEST_TASK)


def enqueue_reconcile(*, source: HarvestSource) -> HarvestRun:
    return _enqueue(source=source, mode=HarvestRun.Mode.RECONCILE, task_name=RECONCILE_TASK)


def _enqueue(*, source: HarvestSource, mode: str, task_name: str) -> HarvestRun:
    """The task is sent by its name (``harvest.schedules``), as the beat schedules send it: the services
    do not import ``harvest.tasks``, which imports them."""
    task_id = str(uuid.uuid4())
    with transaction.atomic():
        run = create_run(source=source, mode=mode, task_id=task_id)
        kwargs = {"source_id": source.pk, "run_id": run.pk}
        if mode != HarvestRun.Mode.RECONCILE:
            kwargs["mode"] = mode
        transaction.on_commit(lambda: current_app.send_task(task_name, kwargs=kwargs, task_id=task_id))
    return run


# --- files -------------------------------------------------------------------------------------------------


def file_source_for(library: Library) -> HarvestSource:
    source, _ = HarvestSource.objects.get_or_create(
        library=library,
        kind=HarvestSource.Kind.FILE,
        defaults={"name": "Berkas unggahan", "metadata_format": HarvestSource.MetadataFormat.MARCXML},
    )
    return source


def import_file(
    *, library: Library, uploaded_file: IO[bytes], format: str = "auto", name: str = ""
) -> HarvestRun:
    """Import a MARC (ISO 2709), MARCXML or MODS file into the library's schema along the harvest's road:
    the same mappers, the same batched upsert (one transaction per 100 records), the same problems.
    The run belongs to the library's "file" source, so the operator page shows it like any harvest.

    ``format``: ``marc``, ``marcxml``, ``mods`` or ``auto`` (from the name and the first bytes).
    """
    file_name = name or Path(getattr(uploaded_file, "name", "") or "berkas").name
    source = file_source_for(library)
    source = fresh_source(source)
    with source_lock(source.pk) as acquired:
        if not acquired:
            return skip_run(source=source, mode=HarvestRun.Mode.FULL, run=None)
        run = HarvestRun.objects.create(
            source=source,
            mode=HarvestRun.Mode.FULL,
            status=HarvestRun.Status.RUNNING,
            started_at=timezone.now(),
            file_name=file_name[:255],
        )
        try:
            if format == "auto":
                format = detect_format(_peek(uploaded_file), file_name)
            _import_entries(run=run, library=source.library, entries=read_records(uploaded_file, format))
        except UnreadableFile as error:
            return fail_run(run, str(error), retry=False)
        except Exception as error:
            fail_run(run, f"{type(error).__name__}: {error}", retry=False)
            raise
    return run


def _peek(stream: IO[bytes]) -> bytes:
    position = stream.tell()
    head = stream.read(4096)
    stream.seek(position)
    return head if isinstance(head, bytes) else head.encode()


def _import_entries(*, run: HarvestRun, library: Library, entries: Iterable[FileEntry]) -> None:
    """Commit the file's records 100 at a time. A file that breaks off (XML cut short, a MARC record
    whose length is wrong) keeps what was read before the break: that batch is committed with the
    problem, and the run ends ``partial`` (``failed`` when nothing at all could be read)."""
    batch = Batch()
    try:
        for entry in entries:
            batch.records_seen += 1
            if entry.record is None:
                batch.problems.append((entry.identifier, entry.problem))
            else:
                batch.upserts.append(entry.record)
            if batch.records_seen >= IMPORT_BATCH:
                commit_batch(run=run, library=library, batch=batch)
                batch = Batch()
    except UnreadableFile as error:
        if not (run.records_seen or batch.records_seen):
            raise
        batch.problems.append(("", str(error)))
    commit_batch(run=run, library=library, batch=batch, finish=True)


# --- repairing stored records ------------------------------------------------------------------------------

REPAIR_CHUNK = 500


@dataclass
class RepairReport:
    library_code: str
    examined: int = 0
    rewritten: int = 0  # records whose content (as today's mappers read it) differed: stored and indexed
    identifiers_moved: int = 0  # of those, the ISBN/ISSN or the call number changed
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (source key, reason)


def repair_stored_records(*, library: Library, dry_run: bool = False) -> RepairReport:
    """Map every harvested or imported record of the library again from its kept raw metadata
    (``harvest.adapters.stored``) and store what differs through ``catalog.services.upsert_records``:
    the changed records get their outbox rows, so the union index follows with the next drain; unchanged
    ones write nothing. ``dry_run`` counts without writing. Safe to run again (a second run rewrites
    nothing). One transaction per 500 records."""
    report = RepairReport(library_code=library.code)
    columns = ("pk", "source_id", "source_key", "raw_format", "raw_metadata", "isbn_issn", "call_number")
    with tenant_context(library):
        records = Record.objects.filter(raw_format__in=REMAPPABLE_FORMATS).exclude(raw_metadata="")
        last_id = 0
        while True:
            chunk = list(
                records.filter(pk__gt=last_id)
                .order_by("pk")
                .values(*columns, "content_hash", "source_datestamp")[:REPAIR_CHUNK]
            )
            if not chunk:
                break
            last_id = chunk[-1]["pk"]
            report.examined += len(chunk)
            by_source: dict[int | None, list[dict]] = {}
            for row in chunk:  # keys are unique per source: each source's records are one batch
                by_source.setdefault(row["source_id"], []).append(row)
            with transaction.atomic():
                for source_id, rows in by_source.items():
                    _repair_rows(report, source_id, rows, dry_run=dry_run)
    return report


def _repair_rows(report: RepairReport, source_id: int | None, rows: list[dict], *, dry_run: bool) -> None:
    """Map one source's stored rows again; store (or, ``dry_run``, only count) those that differ."""
    stored = {row["source_key"]: row for row in rows}
    remapped = []
    for row in rows:
        try:
            remapped.append(
                remap_stored(
                    source_key=row["source_key"],
                    raw_format=row["raw_format"],
                    raw_metadata=row["raw_metadata"],
                )
            )
        except MalformedRecord as error:
            report.unreadable.append((row["source_key"], error.reason))
    if dry_run:
        hashes = {key: row["content_hash"] for key, row in stored.items()}
        changed = [record for record in remapped if hashes[record.source_key] != record.content_hash()]
    else:
        stamps = {key: row["source_datestamp"] for key, row in stored.items()}
        results = upsert_records(remapped, source_id=source_id, source_datestamps=stamps)
        changed_keys = {result.record.source_key for result in results if result.changed}
        changed = [record for record in remapped if record.source_key in changed_keys]
    report.rewritten += len(changed)
    report.identifiers_moved += sum(
        1
        for record in changed
        if (stored[record.source_key]["isbn_issn"], stored[record.source_key]["call_number"])
        != (record.isbn_issn, record.call_number)
    )
