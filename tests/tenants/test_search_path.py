"""``TENANT_LIMIT_SET_CALLS``: django-tenants sets a connection's search path once per schema instead of
before every cursor, and sets it again whenever PostgreSQL may have discarded it (a rolled-back
transaction or savepoint reverts a ``SET``), so a query never runs against the wrong library."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from catalog.models import Record
from catalog.services import upsert_records
from tests.factories import make_normalized_record
from tests.harvest.harvesting import fresh_library, remove_library


def _search_path_statements(queries) -> int:
    return sum(1 for query in queries.captured_queries if query["sql"].startswith("SET search_path"))


def _current_schema() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return cursor.fetchone()[0]


def test_the_search_path_is_set_once_per_library_not_before_every_query(library_a, library_b):
    with tenant_context(library_a), CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            Record.objects.count()
    assert _search_path_statements(queries) == 1
    with tenant_context(library_b), CaptureQueriesContext(connection) as switched:
        Record.objects.count()
        assert _current_schema() == library_b.schema_name
    assert _search_path_statements(switched) == 1


def test_a_rolled_back_savepoint_does_not_leave_the_previous_librarys_path(library_a, library_b):
    with tenant_context(library_a):
        Record.objects.count()
    with tenant_context(library_b):
        with pytest.raises(RuntimeError), transaction.atomic():  # a savepoint inside the test's
            Record.objects.count()  # the SET of library_b happens here, after the savepoint
            raise RuntimeError("rolled back")
        assert _current_schema() == library_b.schema_name


@pytest.fixture
def two_committed_libraries(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        first, second = fresh_library("jalur"), fresh_library("jalurb")
        yield first, second
        remove_library(first)
        remove_library(second)


def test_a_rolled_back_transaction_does_not_leave_the_previous_librarys_path(two_committed_libraries):
    first, second = two_committed_libraries
    with tenant_context(first):
        upsert_records([make_normalized_record(source_key="jalur-1")], source_id=None)
    with tenant_context(second):
        with pytest.raises(RuntimeError), transaction.atomic():  # a real transaction
            Record.objects.count()  # second's SET is issued in it, then rolled back by PostgreSQL
            raise RuntimeError("rolled back")
        assert _current_schema() == second.schema_name
        assert not Record.objects.filter(source_key="jalur-1").exists()  # not the first library's row
