"""Periodic tasks of the search app, registered in django-celery-beat's tables (editable in the admin).

``manage.py setup_schedules`` calls ``ensure_search_schedules``; running it again changes nothing, and an
interval or on/off switch an operator changed in the admin is kept (only the task path belongs to the
code)."""

from __future__ import annotations

from django.db import transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask

DRAIN_ALL_OUTBOXES = "search: drain every library's index outbox"


@transaction.atomic
def ensure_search_schedules() -> list[PeriodicTask]:
    """Drain every active library's index outbox each minute: the safety net for a drain request lost
    after a commit (broker down, process killed) and for rows kept while Elasticsearch was down."""
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.MINUTES)
    task, created = PeriodicTask.objects.get_or_create(
        name=DRAIN_ALL_OUTBOXES, defaults={"task": "search.drain_all_outboxes", "interval": every_minute}
    )
    if not created and task.task != "search.drain_all_outboxes":
        task.task = "search.drain_all_outboxes"
        task.save(update_fields=["task"])
    return [task]
