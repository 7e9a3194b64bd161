"""The one Elasticsearch connection, configured from settings (SIMPUL_ES_URL).

elasticsearch-dsl is the ``elasticsearch.dsl`` module of the 8.x client; its default connection is
registered here so ``Document``/``Search`` classes use it without passing a client around.
"""

from __future__ import annotations

from contextlib import suppress
from functools import lru_cache

from django.conf import settings
from elasticsearch import Elasticsearch
from elasticsearch.dsl import connections
from elasticsearch.serializer import OrjsonSerializer


@lru_cache(maxsize=1)
def get_client() -> Elasticsearch:
    client = Elasticsearch(
        settings.ELASTICSEARCH_URL,
        request_timeout=settings.ELASTICSEARCH_TIMEOUT,
        retry_on_timeout=True,
        max_retries=2,
        serializer=OrjsonSerializer(),  # a search's JSON is a good part of its Python time
    )
    connections.add_connection("default", client)
    return client


def reset_client() -> None:
    """Forget the cached client (tests that point SIMPUL_ES_URL elsewhere)."""
    get_client.cache_clear()
    with suppress(KeyError):
        connections.remove_connection("default")


def index_name(name: str) -> str:
    """The deployment's name for an index or alias: prefix + name (``simpul-union``)."""
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}-{name}"
