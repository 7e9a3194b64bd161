from django.core.management.base import BaseCommand

from search.schedules import ensure_search_schedules


class Command(BaseCommand):
    help = "Register Simpul's periodic tasks in django-celery-beat (idempotent)."

    def handle(self, *args, **options):
        for task in ensure_search_schedules():
            self.stdout.write(self.style.SUCCESS(f"{task.name}: {task.task}, {task.interval}"))
