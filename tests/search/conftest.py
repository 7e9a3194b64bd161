"""The fixed test catalogue (tests/search/catalogue.py) loaded once per session into an index of its own;
``catalogue`` points the settings at it for one test."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from elasticsearch import Elasticsearch

from tests.search.catalogue import catalogue_prefix, drop_catalogue, load_catalogue


@pytest.fixture(scope="session")
def catalogue_index_prefix():
    prefix = catalogue_prefix(django_settings.ELASTICSEARCH_INDEX_PREFIX)
    client = Elasticsearch(django_settings.ELASTICSEARCH_URL, request_timeout=30)
    load_catalogue(client, prefix)
    yield prefix
    drop_catalogue(client, prefix)
    client.close()


@pytest.fixture
def catalogue(settings, catalogue_index_prefix):
    """Searches in this test run against the fixed catalogue."""
    settings.ELASTICSEARCH_INDEX_PREFIX = catalogue_index_prefix
    return catalogue_index_prefix
