"""Fixtures of the harvest tests that write a library's schema: real commits (a harvest commits page by
page; workers and a killed process must see them), so each test gets a library of its own, created from
the template and dropped afterwards, and an Elasticsearch index prefix of its own."""

from __future__ import annotations

import pytest

from tests.harvest.harvesting import FAST_HARVEST, fresh_library, remove_library
from tests.search.union_index import isolated_union_index


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Database access without a wrapping transaction: what the test writes is committed."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def harvest_settings(settings):
    """Short timeouts and backoffs (RetryPolicy parameters) so fault tests take seconds, not minutes."""
    settings.HARVEST_RETRY = dict(FAST_HARVEST["retry"])
    settings.HARVEST_HTTP_TIMEOUT = FAST_HARVEST["timeout"]
    return settings


@pytest.fixture
def library(committed, harvest_settings):
    """A library of this test's own (schema from the template), dropped with its sources afterwards."""
    created = fresh_library()
    yield created
    remove_library(created)


@pytest.fixture
def union(settings):
    with isolated_union_index(settings) as alias:
        yield alias
