"""A librarian's import, step by step: upload (the file is checked by its content and kept in private
storage), a dry run of its first records (what would be created, updated or left, and why), start (a
queued run and the Celery task, after the commit), discard. Call them with the library's schema active."""

from __future__ import annotations

import itertools
import uuid
from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import ImportJob
from catalog.transfer.importing import create_run, import_stream, resolve_format
from catalog.transfer.matching import find_matches, planned_action
from harvest.adapters.files import UnreadableFile, count_records, read_records
from harvest.models import HarvestRun
from harvest.services import file_source_for
from tenants.models import Library

PREVIEW_RECORDS = 20
IMPORT_TASK = "catalog.transfer.run_import"


class ImportRefused(Exception):
    """The upload or the request cannot be carried out; the message is for the librarian."""


def max_upload_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 512 * 1024 * 1024))


def preview_records(
    *,
    library: Library,
    stream: IO[bytes],
    format: str,
    overwrite_local_edits: bool,
    limit: int = PREVIEW_RECORDS,
) -> list[dict]:
    """The first ``limit`` records of the file and what an import would do with each (nothing written)."""
    source = file_source_for(library)
    entries = list(itertools.islice(read_records(stream, format), limit))
    stream.seek(0)
    readable = [entry for entry in entries if entry.record is not None]
    matches = iter(
        find_matches(
            [entry.record for entry in readable], file_source_id=source.pk, library_code=library.code
        )
    )
    rows = []
    for entry in entries:
        row = {"position": entry.position, "identifier": entry.identifier}
        if entry.record is None:
            rows.append({**row, "action": "problem", "reason": entry.problem})
            continue
        record, match = entry.record, next(matches)
        action = planned_action(
            record, match, file_source_id=source.pk, overwrite_local_edits=overwrite_local_edits
        )
        rows.append(
            {
                **row,
                "action": action,
                "title": record.title[:300],
                "authors": list(record.authors[:3]),
                "year": record.publish_year,
                "isbn": record.isbn_issn,
                "copies": len(record.copies),
                "match": (
                    {"id": match.record_id, "title": match.title[:300], "by": match.by} if match else None
                ),
            }
        )
    return rows


def create_import_job(
    *,
    library: Library,
    uploaded_file: UploadedFile,
    user,
    format: str = "auto",
    overwrite_local_edits: bool = False,
) -> ImportJob:
    """Keep the upload and dry-run its first records. Raises ``ImportRefused`` (too large, empty, not a
    catalogue file by its content)."""
    if uploaded_file.size > max_upload_bytes():
        raise ImportRefused(
            _("Berkas terlalu besar (%(size)s MB); batasnya %(limit)s MB.")
            % {"size": uploaded_file.size // (1024 * 1024), "limit": max_upload_bytes() // (1024 * 1024)}
        )
    if not uploaded_file.size:
        raise ImportRefused(_("Berkas kosong."))
    stream = uploaded_file.open("rb")
    try:
        format = resolve_format(stream, format, uploaded_file.name or "")
        estimated = count_records(stream, format)
        preview = preview_records(
            library=library, stream=stream, format=format, overwrite_local_edits=overwrite_local_edits
        )
    except UnreadableFile as error:
        raise ImportRefused(str(error)) from error
    if not preview:
        raise ImportRefused(_("Tidak ada rekaman yang dapat dibaca di berkas ini."))
    stream.seek(0)
    job = ImportJob(
        file_name=(uploaded_file.name or "berkas")[:255],
        file_size=uploaded_file.size,
        format=format,
        records_estimated=estimated,
        overwrite_local_edits=overwrite_local_edits,
        preview=preview,
        created_by_id=getattr(user, "pk", None),
        created_by_name=getattr(user, "username", "")[:150],
    )
    job.file.save(uploaded_file.name or "berkas", uploaded_file, save=False)
    job.save()
    return job


def start_import(*, job: ImportJob, library: Library) -> HarvestRun:
    """Queue the import of a previewed job: a queued run now, the task after the commit."""
    from celery import current_app
    from django.db import connection

    if job.run_id is not None:
        raise ImportRefused(_("Impor ini sudah dimulai."))
    if not job.file:
        raise ImportRefused(_("Berkas impor ini sudah tidak ada; unggah lagi."))
    task_id = str(uuid.uuid4())
    schema_name = connection.schema_name
    with transaction.atomic():
        run = create_run(library=library, file_name=job.file_name, task_id=task_id)
        job.run_id = run.pk
        job.save(update_fields=["run_id"])
        transaction.on_commit(
            lambda: current_app.send_task(
                IMPORT_TASK, kwargs={"job_id": job.pk}, task_id=task_id, headers={"_schema_name": schema_name}
            )
        )
    return run


def discard_import(*, job: ImportJob) -> None:
    """Forget a job that was never started, and its file."""
    if job.run_id is not None:
        raise ImportRefused(_("Impor yang sudah dimulai tidak dapat dibatalkan."))
    if job.file:
        job.file.delete(save=False)
    job.delete()


def run_import(*, job: ImportJob, library: Library) -> HarvestRun:
    """The task's work: import the job's file along the import road, then drop the file."""
    run = HarvestRun.objects.filter(pk=job.run_id, source__library=library).first()
    if run is None:
        raise ImportRefused(f"import job {job.pk} has no run")
    if run.status in (HarvestRun.Status.SUCCEEDED, HarvestRun.Status.PARTIAL):
        return run  # a redelivered task after the import finished
    if not job.file:
        run.status, run.last_error = HarvestRun.Status.FAILED, _("Berkas impor tidak ditemukan.")
        run.save(update_fields=["status", "last_error"])
        return run
    with job.file.open("rb") as stream:
        run = import_stream(
            library=library,
            stream=stream,
            format=job.format,
            name=job.file_name,
            run=run,
            overwrite_local_edits=job.overwrite_local_edits,
        )
    if run.status in (HarvestRun.Status.SUCCEEDED, HarvestRun.Status.PARTIAL, HarvestRun.Status.FAILED):
        job.file.delete(save=False)
        job.save(update_fields=["file"])
    return run
