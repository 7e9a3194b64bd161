"""The Celery app. Tasks sent while a library's schema is active carry that schema in a header
(tenant-schemas-celery) and run inside it on the worker; tasks sent from the public schema run there."""

import os

from celery.signals import worker_process_init
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = CeleryApp("simpul")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Parts of an app with tasks of their own (autodiscovery looks only at <app>.tasks).
app.autodiscover_tasks(["catalog.transfer", "catalog.cataloguing"])


@worker_process_init.connect
def _tune_garbage_collector(**_arguments) -> None:
    from portal.gc_tuning import tune_for_long_lived_process

    tune_for_long_lived_process()
