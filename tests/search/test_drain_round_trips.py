"""A drain's statements: a desk's loan reaches the union index through one drain per library per second,
so what each drain costs decides how many libraries a worker keeps up with."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from catalog.services import record_availability_changed, upsert_record
from search.indexer import drain_outbox
from tests.factories import make_normalized_record
from tests.search.union_index import clear_outbox, isolated_union_index

# library, active?, lock, outbox, fields, delete (in a savepoint: 3), unlock, pending (django-tenants'
# SET search_path statements apart)
DRAIN_STATEMENTS = 10


@pytest.fixture
def in_a(library_a, settings):
    """Library A's schema active with an empty outbox, and an index of this test's own."""
    with isolated_union_index(settings), tenant_context(library_a):
        clear_outbox()
        yield library_a


def test_a_drain_that_empties_the_outbox_reads_it_once(in_a):
    record = upsert_record(normalized=make_normalized_record(title="Fiqih Sunnah")).record
    drain_outbox(library=in_a)
    record_availability_changed(record_id=record.pk)

    with CaptureQueriesContext(connection) as queries:
        result = drain_outbox(library=in_a)

    statements = [
        query["sql"] for query in queries.captured_queries if not query["sql"].startswith("SET search_path")
    ]
    outbox_reads = [
        sql for sql in statements if sql.startswith("SELECT") and "ORDER BY" in sql and "indexoutbox" in sql
    ]
    assert (result.rows_drained, result.records_indexed, result.more_pending) == (1, 1, False)
    assert len(outbox_reads) == 1, statements  # a short batch is the outbox's end; no second read
    assert len(statements) <= DRAIN_STATEMENTS, statements
