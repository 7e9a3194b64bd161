"""Statistics for PostgreSQL's planner on a library's catalogue tables, from their first batch on.

A library's first harvest or import fills tables PostgreSQL has never analyzed. Without statistics the
planner takes ``item_code = ANY(<a page's copy codes>)`` for a large share of the table and reads all of it
for every page: in ``bench/harvest.py`` at 50,000 records, 505 sequential scans read 25 million rows of
``catalog_item`` before autovacuum (which looks once a minute) got to it, and PostgreSQL's CPU per record
doubled from 10,000 to 100,000 records. So a batch that writes rows into a table that has never been
analyzed analyzes it at once, in the batch's transaction (ANALYZE counts the transaction's own rows). One
cheap catalogue query per batch until every table has statistics; then nothing, for the process's life.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

_schemas_done: set[str] = set()


def analyze_tables_never_analyzed(cursor, models_with_rows: Iterable, all_models: Iterable) -> list[str]:
    """ANALYZE those of ``models_with_rows`` (models the batch wrote rows into) whose table in the active
    schema has never been analyzed; returns their table names. ``all_models`` are the tables to watch:
    once none of them lacks statistics the schema is not checked again in this process."""
    schema = connection.schema_name
    if schema in _schemas_done:
        return []
    watched = [model._meta.db_table for model in all_models]
    cursor.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = to_regnamespace(%s) AND relname = ANY(%s)"
        " AND relkind = 'r' AND reltuples < 0",
        [schema, watched],
    )
    never = {row[0] for row in cursor.fetchall()}
    wanted = [model._meta.db_table for model in models_with_rows if model._meta.db_table in never]
    quote = connection.ops.quote_name
    for table in wanted:
        cursor.execute(f"ANALYZE {quote(schema)}.{quote(table)}")
    if not never - set(wanted):  # remembered once committed: a rollback undoes the statistics too
        transaction.on_commit(lambda: _schemas_done.add(schema))
    return wanted


def forget() -> None:
    """Check every schema again (tests that drop and recreate schemas)."""
    _schemas_done.clear()
