"""Celery tasks of cataloguing (thin: load by id, call the service)."""

from __future__ import annotations

from celery import shared_task

from catalog.cataloguing.move_over import run_move_over
from tenants.models import Library


@shared_task(name="catalog.cataloguing.move_over", acks_late=True, reject_on_worker_lost=True)
def move_over_task(library_id: int, move_over_id: int) -> dict:
    library = Library.objects.filter(pk=library_id).first()
    if library is None:
        return {"skipped": f"library {library_id} no longer exists"}
    move_over = run_move_over(library=library, move_over_id=move_over_id)
    return {"move_over": move_over.pk, "status": move_over.status, "message": move_over.message}
