"""Fixtures of the import/export tests: an import commits batch by batch (and the worker must see it), so
each test that imports gets libraries of its own, created from the template and dropped afterwards."""

from __future__ import annotations

import pytest

from tests.harvest.harvesting import fresh_library, remove_library


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def library(committed):
    created = fresh_library("impor")
    yield created
    remove_library(created)


@pytest.fixture
def other_library(committed):
    created = fresh_library("tujuan")
    yield created
    remove_library(created)
