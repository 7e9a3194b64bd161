from celery import shared_task
from django.db import connection

from catalog.services import refresh_collection_counts
from tenants.models import Library


@shared_task(name="catalog.update_collection_counts", acks_late=True)
def update_collection_counts() -> dict:
    """Send it with a library's schema active (tenant-schemas-celery carries the schema to the worker):
    counts that library's collection and stores the counts on its row for the public listing."""
    schema_name = connection.schema_name
    library = Library.objects.get(schema_name=schema_name)
    library = refresh_collection_counts(library=library)
    return {"schema": schema_name, "records": library.record_count, "copies": library.copy_count}
