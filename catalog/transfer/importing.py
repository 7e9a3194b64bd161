"""The import road of a catalogue file — the web page's task and ``manage.py import_records`` both take it.

The harvest's road with matching: the file is read as a stream (``harvest.adapters.files``), 1,000 records at
a time are matched against the catalogue (``catalog.transfer.matching``) and written in ONE transaction
together with the run's counters and the batch's problems (position in the file, identifier, reason), as
``harvest.pipeline.commit_batch`` commits a harvest page. A batch the database refuses (a value too long
for its column, say) is written again in halves, and each refused half in halves again down to single
records, so one bad record becomes one problem and never leaves half a record or stops the file, and costs
a few transactions (twice the halvings), not one per record of its batch. The run is the library's "file"
source's ``HarvestRun``: the operator's harvest page shows it like any harvest.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import psycopg
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from catalog.normalized import NormalizedRecord
from catalog.transfer.matching import Outcome, upsert_matched
from harvest.adapters.files import UnreadableFile, count_records, detect_format, read_records
from harvest.locking import source_lock
from harvest.models import HarvestProblem, HarvestRun
from harvest.services import file_source_for
from tenants.models import Library

logger = logging.getLogger(__name__)

# Records per transaction. Each batch costs a fixed ~20 statements (matching, vocabularies, COPYs, the
# feed, the run's counters, the commit) whatever its size: at 100 that fixed part was half of the import's
# database time; at 1,000 it is a tenth, and a batch is still a fraction of a second and a few MB.
IMPORT_BATCH = 1000
_COUNTERS = (
    "pages_seen",
    "records_seen",
    "created_count",
    "updated_count",
    "unchanged_count",
    "failed_count",
)
_REASON_LENGTH = 2000


@dataclass
class _Batch:
    records: list[tuple[int, str, NormalizedRecord]] = field(default_factory=list)  # (position, id, record)
    problems: list[tuple[int | None, str, str]] = field(default_factory=list)  # (position, id, reason)
    seen: int = 0


def _peek(stream: IO[bytes]) -> bytes:
    position = stream.tell()
    head = stream.read(4096)
    stream.seek(position)
    return head if isinstance(head, bytes) else head.encode()


def resolve_format(stream: IO[bytes], format: str, name: str) -> str:
    """``format``, or the one the name and first bytes say (``auto``); raises ``UnreadableFile``."""
    return detect_format(_peek(stream), name) if format == "auto" else format


def create_run(*, library: Library, file_name: str, task_id: str = "") -> HarvestRun:
    """A queued run of the library's file source (the page shows it before the worker takes it)."""
    source = file_source_for(library)
    return HarvestRun.objects.create(
        source=source, mode=HarvestRun.Mode.FULL, file_name=file_name[:255], task_id=task_id
    )


def import_stream(
    *,
    library: Library,
    stream: IO[bytes],
    format: str = "auto",
    name: str = "",
    run: HarvestRun | None = None,
    overwrite_local_edits: bool = False,
    batch_size: int = IMPORT_BATCH,
) -> HarvestRun:
    """Import a MARC (ISO 2709), MARCXML, MODS or SLiMS CSV file into ``library``; returns the run
    (``succeeded``, ``partial`` with problems, ``failed`` with ``last_error``, or ``skipped`` when another
    import of the library is running). ``run``: a queued run to carry it (a redelivered task's run starts
    over: an import is idempotent — the same file again writes nothing new)."""
    file_name = (name or Path(getattr(stream, "name", "") or "berkas").name)[:255]
    source = file_source_for(library)
    with source_lock(source.pk) as acquired:
        run = run or create_run(library=library, file_name=file_name)
        if not acquired:
            run.status = HarvestRun.Status.SKIPPED
            run.last_error = _("Dilewati: impor lain perpustakaan ini sedang berjalan.")
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "last_error", "finished_at"])
            return run
        _restart(run, file_name)
        try:
            format = resolve_format(stream, format, file_name)
            run.complete_list_size = count_records(stream, format) or None
            run.save(update_fields=["complete_list_size"])
            _import_entries(
                run=run,
                library=library,
                stream=stream,
                format=format,
                overwrite_local_edits=overwrite_local_edits,
                batch_size=batch_size,
            )
        except UnreadableFile as error:
            return _fail(run, str(error))
        except Exception as error:
            _fail(run, f"{type(error).__name__}: {error}")
            raise
    return run


def _restart(run: HarvestRun, file_name: str) -> None:
    with transaction.atomic():
        run.problems.all().delete()
        for name in _COUNTERS:
            setattr(run, name, 0)
        run.status = HarvestRun.Status.RUNNING
        run.started_at = timezone.now()
        run.finished_at = None
        run.last_error = ""
        run.file_name = run.file_name or file_name
        run.heartbeat_at = run.started_at
        run.save()


def _fail(run: HarvestRun, message: str) -> HarvestRun:
    run.status = HarvestRun.Status.FAILED
    run.last_error = message[:4000]
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "last_error", "finished_at"])
    logger.warning("import run #%s failed: %s", run.pk, message)
    return run


def _import_entries(
    *,
    run: HarvestRun,
    library: Library,
    stream: IO[bytes],
    format: str,
    overwrite_local_edits: bool,
    batch_size: int,
) -> None:
    """A file that breaks off (XML cut short) keeps what was read before the break: that batch is
    committed with the problem and the run ends ``partial`` (``failed`` when nothing could be read)."""
    batch = _Batch()
    options = {"overwrite_local_edits": overwrite_local_edits}
    try:
        for entry in read_records(stream, format):
            batch.seen += 1
            if entry.record is None:
                batch.problems.append((entry.position, entry.identifier, entry.problem))
            else:
                batch.records.append((entry.position, entry.identifier, entry.record))
            if batch.seen >= batch_size:
                _commit(run, library, batch, options)
                batch = _Batch()
    except UnreadableFile as error:
        if not (run.records_seen or batch.seen):
            raise
        batch.problems.append((None, "", str(error)))
    _commit(run, library, batch, options, finish=True)


def _commit(run: HarvestRun, library: Library, batch: _Batch, options: dict, *, finish: bool = False) -> None:
    try:
        _write(run, library, batch, options, finish=finish)
    except (DatabaseError, psycopg.Error) as error:  # COPY's errors come from psycopg unwrapped
        if len(batch.records) <= 1:
            if not batch.records:
                raise
            position, identifier, _record = batch.records[0]
            reason = _("tidak dapat disimpan: %(error)s") % {"error": str(error).strip().splitlines()[0]}
            _write(
                run,
                library,
                _Batch(problems=[*batch.problems, (position, identifier, reason)], seen=batch.seen),
                options,
                finish=finish,
            )
            return
        logger.info("import run #%s: batch refused (%s); writing it in halves", run.pk, error)
        middle = len(batch.records) // 2
        second = _Batch(records=batch.records[middle:], seen=len(batch.records) - middle)
        first = _Batch(records=batch.records[:middle], problems=batch.problems, seen=batch.seen - second.seen)
        _commit(run, library, first, options)
        _commit(run, library, second, options, finish=finish)


def _write(run: HarvestRun, library: Library, batch: _Batch, options: dict, *, finish: bool) -> None:
    """The batch, its problems and the run's counters in ONE transaction in the library's schema."""
    before = {name: getattr(run, name) for name in _COUNTERS}
    try:
        with tenant_context(library), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")  # as a harvest page: see pipeline.py
            outcomes: list[Outcome] = upsert_matched(
                [record for _, _, record in batch.records],
                file_source_id=run.source_id,
                library_code=library.code,
                since=run.started_at,
                **options,
            )
            if batch.problems:
                HarvestProblem.objects.bulk_create(
                    [
                        HarvestProblem(
                            run=run,
                            position=position,
                            identifier=identifier[:500],
                            reason=reason[:_REASON_LENGTH],
                        )
                        for position, identifier, reason in batch.problems
                    ]
                )
            run.pages_seen += 1
            run.records_seen += batch.seen
            run.created_count += sum(1 for outcome in outcomes if outcome.result.created)
            run.updated_count += sum(1 for o in outcomes if o.result.changed and not o.result.created)
            run.unchanged_count += sum(1 for outcome in outcomes if not outcome.result.changed)
            run.failed_count += len(batch.problems)
            run.heartbeat_at = timezone.now()
            fields = [*_COUNTERS, "heartbeat_at"]
            if finish:
                run.status = HarvestRun.Status.PARTIAL if run.failed_count else HarvestRun.Status.SUCCEEDED
                run.finished_at = run.heartbeat_at
                fields += ["status", "finished_at"]
            run.save(update_fields=fields)
    except BaseException:
        for name, value in before.items():  # rolled back: so are the counters in memory
            setattr(run, name, value)
        raise
