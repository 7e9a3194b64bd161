"""Fixtures of the cataloguing tests that harvest (real commits, a library of the test's own, the loopback
OAI-PMH server), as tests/harvest does."""

from __future__ import annotations

import pytest

from tests.harvest.harvesting import FAST_HARVEST, fresh_library, remove_library


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def harvested_library(committed, settings):
    settings.HARVEST_RETRY = dict(FAST_HARVEST["retry"])
    settings.HARVEST_HTTP_TIMEOUT = FAST_HARVEST["timeout"]
    created = fresh_library(prefix="katalog")
    yield created
    remove_library(created)
