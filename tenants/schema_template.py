"""Fast schema creation: replay the DDL of a migrated template schema instead of running migrations.

Running every tenant migration for a new library takes seconds, and django-tenants' ``clone_schema``
walks the whole catalogue so it slows down as schemas accumulate (docs/architecture.md, "Many
libraries"). Instead we migrate one template schema (``settings.TENANT_TEMPLATE_SCHEMA``) once per migration
state, capture its structure with ``pg_dump --schema-only`` and store it in ``SchemaTemplate``. A new
library's schema is that DDL with the schema name substituted, executed in the caller's transaction, plus the
template's ``django_migrations`` rows — so the result is identical to a migrated schema (tests compare the
two).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

from tenants.models import SchemaTemplate

# Session settings that pg_dump prints before the DDL; the replay runs inside our own session.
_SKIPPED_PREFIXES = ("SET ", "SELECT pg_catalog.set_config", "--", "\\")
_TEMPLATE_LOCK_ID = 0x51_4D_50_55  # advisory lock held while (re)capturing the template


class SchemaTemplateError(RuntimeError):
    pass


@dataclass(frozen=True)
class CapturedTemplate:
    migration_state: str
    ddl: str
    migration_rows: list[list[str]]


def template_schema_name() -> str:
    return settings.TENANT_TEMPLATE_SCHEMA


def current_migration_state() -> str:
    """A key that changes whenever the set of migrations on disk changes."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    names = sorted(f"{app}.{name}" for app, name in loader.disk_migrations)
    return hashlib.sha256("\n".join(names).encode()).hexdigest()


def find_pg_dump() -> str:
    found = shutil.which("pg_dump")
    candidates = [found] if found else []
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"), reverse=True)
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return str(candidate)
    raise SchemaTemplateError("pg_dump was not found; install PostgreSQL's client tools (postgresql-client).")


def _schema_exists(schema_name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema_name])
        return cursor.fetchone() is not None


def _migrate_template() -> None:
    schema = template_schema_name()
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    call_command(
        "migrate_schemas",
        schema_name=schema,
        tenant=True,
        executor="standard",
        interactive=False,
        verbosity=0,
    )
    connection.set_schema_to_public()


def _dump_schema_ddl(schema: str) -> str:
    db = connection.settings_dict
    command = [
        find_pg_dump(),
        "--schema-only",
        "--no-owner",
        "--no-privileges",
        "--no-comments",
        f"--schema={schema}",
        f"--host={db['HOST'] or '127.0.0.1'}",
        f"--port={db['PORT'] or 5432}",
        f"--username={db['USER']}",
        db["NAME"],
    ]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)
    if result.returncode != 0:
        raise SchemaTemplateError(f"pg_dump of the template schema failed: {result.stderr.strip()}")
    statements = [
        line for line in result.stdout.splitlines() if line.strip() and not line.startswith(_SKIPPED_PREFIXES)
    ]
    return "\n".join(statements)


def _template_migration_rows(schema: str) -> list[list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations ORDER BY id')
        return [list(row) for row in cursor.fetchall()]


def ensure_template() -> CapturedTemplate:
    """The captured template for the current migration state, migrating and capturing it if needed.

    Must run outside a transaction the caller wants to keep short: the first call after a new
    migration migrates the template schema (seconds); every later call is one indexed lookup.
    """
    state = current_migration_state()
    stored = SchemaTemplate.objects.filter(migration_state=state).first()
    if stored is not None:
        return CapturedTemplate(state, stored.ddl, stored.migration_rows)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_TEMPLATE_LOCK_ID])
    try:
        stored = SchemaTemplate.objects.filter(migration_state=state).first()
        if stored is None:
            schema = template_schema_name()
            _migrate_template()
            ddl = _dump_schema_ddl(schema)
            if f"{schema}." not in ddl:
                raise SchemaTemplateError("pg_dump returned no DDL for the template schema.")
            stored = SchemaTemplate.objects.create(
                migration_state=state, ddl=ddl, migration_rows=_template_migration_rows(schema)
            )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_TEMPLATE_LOCK_ID])
    return CapturedTemplate(state, stored.ddl, stored.migration_rows)


def render_ddl(template: CapturedTemplate, schema_name: str) -> str:
    pattern = re.compile(rf"\b{re.escape(template_schema_name())}\b")
    return pattern.sub(lambda _match: f'"{schema_name}"', template.ddl)


def replay_template(template: CapturedTemplate, schema_name: str) -> None:
    """Create ``schema_name`` from the template inside the current transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise SchemaTemplateError("replay_template must run inside transaction.atomic().")
    with connection.cursor() as cursor:
        cursor.execute(render_ddl(template, schema_name))
        if template.migration_rows:
            values = ", ".join(["(%s, %s, now())"] * len(template.migration_rows))
            params = [part for row in template.migration_rows for part in row]
            cursor.execute(
                f'INSERT INTO "{schema_name}".django_migrations (app, name, applied) VALUES {values}', params
            )
