"""A library's first batch gives PostgreSQL's planner statistics on the catalogue tables it wrote into
(catalog/planner_statistics.py): without them the planner scans the whole copies table for every
harvest page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from catalog import planner_statistics
from catalog.models import Item, Loan, Record
from catalog.normalized import NormalizedCopy
from catalog.services import upsert_records
from tenants.services import create_library
from tests.factories import make_normalized_record

pytestmark = pytest.mark.django_db


def _reltuples(schema: str, model) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE relnamespace = to_regnamespace(%s) AND relname = %s",
            [schema, model._meta.db_table],
        )
        return cursor.fetchone()[0]


def _batch(size: int) -> list:
    return [
        make_normalized_record(copies=(NormalizedCopy(item_code=f"STAT{number:05d}", call_number="297 STA"),))
        for number in range(size)
    ]


def test_the_first_batch_analyzes_the_tables_it_filled_and_no_others():
    planner_statistics.forget()
    library = create_library(code="uji-statistik", name="Perpustakaan Uji Statistik")
    assert _reltuples(library.schema_name, Item) < 0  # a new schema: never analyzed

    with tenant_context(library):
        upsert_records(_batch(40))

    assert _reltuples(library.schema_name, Record) == 40
    assert _reltuples(library.schema_name, Item) == 40
    assert _reltuples(library.schema_name, Loan) < 0  # nothing written there: left to autovacuum


def test_a_schema_is_remembered_once_every_watched_table_has_statistics(django_capture_on_commit_callbacks):
    planner_statistics.forget()
    library = create_library(code="uji-statistik-2", name="Perpustakaan Uji Statistik 2")
    with tenant_context(library):
        Record.objects.create(source_key="stat-1", title="Fiqih Statistik")
        with connection.cursor() as cursor, django_capture_on_commit_callbacks(execute=True):
            # Loans have no rows and no statistics: the schema must be checked again later.
            analyzed = planner_statistics.analyze_tables_never_analyzed(cursor, [Record], [Record, Loan])
        assert analyzed == [Record._meta.db_table]
        assert library.schema_name not in planner_statistics._schemas_done

        with connection.cursor() as cursor, django_capture_on_commit_callbacks(execute=True):
            assert planner_statistics.analyze_tables_never_analyzed(cursor, [], [Record]) == []
        assert library.schema_name in planner_statistics._schemas_done
        with django_capture_on_commit_callbacks(execute=True), connection.cursor() as cursor:
            cursor.execute("SELECT 1")  # the connection is set up; what follows must not query
            with CaptureQueriesContext(connection) as queries:
                planner_statistics.analyze_tables_never_analyzed(cursor, [Record, Loan], [Record, Loan])
        assert len(queries) == 0
    planner_statistics.forget()
