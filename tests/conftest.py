"""Shared test set-up: real PostgreSQL, Redis and Elasticsearch (started by scripts/services), with the
settings of ``portal.settings_test`` (a Redis database and an index prefix of the tests' own).

Two libraries are created once per session (committed, so worker processes and live servers see them);
tests that write catalogue data use the ``db`` fixture's transaction or clean up after themselves.
"""

from __future__ import annotations

import pytest
from django.db import connection

from tenants import hostname_cache
from tests.factories import LIBRARY_A, LIBRARY_B


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.test.utils import setup_databases, teardown_databases

    from tenants.services import create_library

    own_setup = None
    with django_db_blocker.unblock():
        if connection.settings_dict["NAME"] != connection.creation._get_test_db_name():
            # pytest-django sets the test database up only when a collected test asks for ``db``; tests
            # that commit through ``django_db_blocker.unblock()`` (workers, harvests) must never write the
            # developer's database instead.
            own_setup = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        for spec in (LIBRARY_A, LIBRARY_B):
            create_library(**spec)
    yield
    if own_setup is not None:
        with django_db_blocker.unblock():
            teardown_databases(own_setup, verbosity=0)


@pytest.fixture(scope="session", autouse=True)
def _no_index_left_behind():
    """Fail the run if a test left indexes or templates under a prefix it was given (and remove them)."""
    yield
    from django.conf import settings

    from tests.search.union_index import ISSUED_PREFIXES, remove_prefix

    left = [
        name
        for prefix in sorted(ISSUED_PREFIXES)
        for name in remove_prefix(prefix, url=settings.ELASTICSEARCH_URL)
    ]
    assert not left, f"tests left behind indexes and index templates: {left}"


@pytest.fixture(autouse=True)
def _public_schema_after_each_test():
    hostname_cache.forget_all()  # a library an earlier test created and rolled back must not be served
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
