"""Reading about libraries (tenants) for the admin: what deleting one takes with it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import connection, router
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django_tenants.utils import tenant_context

from tenants.models import Library


@dataclass(frozen=True)
class DeletionSummary:
    """What ``services.delete_library`` drops with one library, in words an operator reads."""

    library: Library
    schema_name: str
    schema_exists: bool
    schema_tables: int
    domains: list[str]
    # (verbose name, rows) in the library's own schema: records, copies, members, loans.
    collection_rows: list[tuple[str, int]] = field(default_factory=list)
    # (verbose name, rows) in the public schema that go with the library row: harvest sources and runs,
    # monev assessments, memberships, domains ... as the ORM's cascade will delete them.
    related_rows: list[tuple[str, int]] = field(default_factory=list)
    # Rows that forbid the deletion (on_delete=PROTECT or RESTRICT), as text.
    protected: list[str] = field(default_factory=list)


def _tables_in_schema(schema_name: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema_name])
        if cursor.fetchone() is None:
            return None
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s", [schema_name])
        return cursor.fetchone()[0]


def _collection_rows(library: Library) -> list[tuple[str, int]]:
    """Rows of the models each tenant app names as its collection (AppConfig.collection_models)."""
    rows = []
    with tenant_context(library):
        for config in apps.get_app_configs():
            if config.name not in settings.TENANT_APPS:
                continue
            for model_name in getattr(config, "collection_models", ()):
                model = config.get_model(model_name)
                rows.append((str(model._meta.verbose_name_plural), model._base_manager.count()))
    return rows


def _related_rows(library: Library) -> tuple[list[tuple[str, int]], list[str]]:
    """The public rows the ORM's cascade takes with the library row, counted without loading the rows
    it would delete in bulk (harvest problems can be hundreds of thousands)."""
    collector = Collector(using=router.db_for_write(Library), origin=library)
    try:
        collector.collect([library])
    except (ProtectedError, RestrictedError) as error:
        objects = getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", ())
        return [], sorted(f"{obj._meta.verbose_name}: {obj}" for obj in objects)
    counts: Counter = Counter()
    for model, instances in collector.data.items():
        counts[model] += len(instances)
    for queryset in collector.fast_deletes:
        counts[queryset.model] += queryset.count()
    rows = [
        (str(model._meta.verbose_name_plural), count)
        for model, count in counts.items()
        if model is not Library and count
    ]
    return sorted(rows), []


def library_deletion_summary(*, library: Library) -> DeletionSummary:
    tables = _tables_in_schema(library.schema_name)
    related, protected = _related_rows(library)
    return DeletionSummary(
        library=library,
        schema_name=library.schema_name,
        schema_exists=tables is not None,
        schema_tables=tables or 0,
        domains=sorted(library.domains.values_list("domain", flat=True)),
        collection_rows=_collection_rows(library) if tables is not None else [],
        related_rows=related,
        protected=protected,
    )
