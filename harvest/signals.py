"""A source's beat schedules go with it (also when a library is deleted and its sources cascade)."""

from __future__ import annotations

from django.db.models.signals import post_delete
from django.dispatch import receiver

from harvest.models import HarvestSource


@receiver(post_delete, sender=HarvestSource, dispatch_uid="harvest-source-schedules")
def delete_source_schedules(sender, instance: HarvestSource, **kwargs) -> None:
    from django_celery_beat.models import PeriodicTask

    ids = [pk for pk in (instance.schedule_id, instance.reconcile_schedule_id) if pk]
    if ids:
        PeriodicTask.objects.filter(pk__in=ids).delete()
