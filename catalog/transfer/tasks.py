"""The import task (thin: load the job in the library's schema, call the service). Sent with the library's
schema in its header (tenant-schemas-celery); ``acks_late``: a worker killed mid-import gets the message
again and the import starts over on the same run — the same file again writes nothing twice."""

from __future__ import annotations

from celery import shared_task
from django.db import connection

from catalog.models import ImportJob
from catalog.transfer.services import IMPORT_TASK, run_import
from tenants.models import Library


@shared_task(name=IMPORT_TASK, acks_late=True, reject_on_worker_lost=True)
def run_import_task(job_id: int) -> dict:
    library = Library.objects.get(schema_name=connection.schema_name)
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        return {"skipped": f"import job {job_id} no longer exists"}
    run = run_import(job=job, library=library)
    return {"run_id": run.pk, "status": run.status, "created": run.created_count, "failed": run.failed_count}
