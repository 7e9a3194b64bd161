"""Each source's beat schedules, in django-celery-beat's tables (editable in the admin).

A source gets two periodic tasks: its harvest (incremental where the endpoint allows it, otherwise full;
daily at a time staggered by the source id so sources do not all start at once) and its full
reconciliation every ``reconcile_every_days`` days (SLiMS never reports edits or physical deletes).
``ensure_source_schedules`` is idempotent: it creates what is missing and keeps what an operator changed
in the admin, except the enabled switch, which follows the source.
"""

from __future__ import annotations

import json

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from harvest.models import HarvestRun, HarvestSource

HARVEST_TASK = "harvest.harvest_source"
RECONCILE_TASK = "harvest.reconcile_source"


def _names(source: HarvestSource) -> tuple[str, str]:
    return (
        f"harvest: panen sumber #{source.pk} ({source.library.code})",
        f"harvest: rekonsiliasi sumber #{source.pk} ({source.library.code})",
    )


@transaction.atomic
def ensure_source_schedules(source: HarvestSource) -> HarvestSource:
    """Create (or re-link) the source's two periodic tasks; returns the source with both set."""
    if source.kind != HarvestSource.Kind.OAI_PMH:
        return source
    harvest_name, reconcile_name = _names(source)
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute=str(source.pk % 60),
        hour=str(1 + (source.pk // 60) % 4),  # 01:00–04:59, server time zone
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Jakarta",
    )
    every, _ = IntervalSchedule.objects.get_or_create(
        every=max(1, source.reconcile_every_days), period=IntervalSchedule.DAYS
    )
    schedule = source.schedule or PeriodicTask.objects.filter(name=harvest_name).first()
    if schedule is None:
        schedule = PeriodicTask.objects.create(
            name=harvest_name,
            task=HARVEST_TASK,
            crontab=nightly,
            kwargs=json.dumps({"source_id": source.pk, "mode": HarvestRun.Mode.INCREMENTAL}),
            enabled=source.enabled,
            description="Panen terjadwal (inkremental bila titik akses mendukungnya, selain itu penuh).",
        )
    reconcile = source.reconcile_schedule or PeriodicTask.objects.filter(name=reconcile_name).first()
    if reconcile is None:
        reconcile = PeriodicTask.objects.create(
            name=reconcile_name,
            task=RECONCILE_TASK,
            interval=every,
            kwargs=json.dumps({"source_id": source.pk}),
            enabled=source.enabled,
            description="Rekonsiliasi identitas penuh: menemukan suntingan dan penghapusan di sumber.",
        )
    elif reconcile.interval_id and reconcile.interval != every:
        reconcile.interval = every
        reconcile.save(update_fields=["interval"])
    for task in (schedule, reconcile):
        if task.enabled != source.enabled:
            task.enabled = source.enabled
            task.save(update_fields=["enabled"])
    if (source.schedule_id, source.reconcile_schedule_id) != (schedule.pk, reconcile.pk):
        source.schedule, source.reconcile_schedule = schedule, reconcile
        source.save(update_fields=["schedule", "reconcile_schedule"])
    return source
