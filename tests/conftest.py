"""Shared test set-up: real PostgreSQL, Redis and Elasticsearch (started by scripts/services), with the
settings of ``portal.settings_test`` (a Redis database and an index prefix of the tests' own).

Two libraries are created once per session (committed, so worker processes and live servers see them);
tests that write catalogue data use the ``db`` fixture's transaction or clean up after themselves.
"""

from __future__ import annotations

import pytest
from django.db import connection

from tests.factories import LIBRARY_A, LIBRARY_B


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from tenants.services import create_library

    with django_db_blocker.unblock():
        for spec in (LIBRARY_A, LIBRARY_B):
            create_library(**spec)
    yield


@pytest.fixture(autouse=True)
def _public_schema_after_each_test():
    yield
    if connection.connection is not None and getattr(connection, "schema_name", "public") != "public":
        connection.set_schema_to_public()


@pytest.fixture
def library_a(db):
    from tenants.models import Library

    return Library.objects.get(code=LIBRARY_A["code"])


@pytest.fixture
def library_b(db):
    from tenants.models import Library

    return Library.objects.get(code=LIBRARY_B["code"])
