"""Builders for tests that write the union index: an index prefix of the test's own (so tests never see
each other's documents, nor a developer's), and small readers of what is in the index.

Test modules bind ``isolated_union_index`` to a fixture of their own (three lines), e.g.::

    @pytest.fixture
    def union(settings):
        with isolated_union_index(settings) as alias:
            yield alias
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings as django_settings
from elasticsearch import Elasticsearch, helpers

from catalog.models import IndexOutbox
from search.documents import union_alias
from search.es import get_client, reset_client
from search.index_setup import setup_search

# Every prefix handed out in this process: at the end of the session none may still have an index or a
# template (tests/conftest.py checks), so a test that forgets to clean up fails instead of filling the
# developer's node with shards.
ISSUED_PREFIXES: set[str] = set()


def unique_prefix() -> str:
    prefix = f"simpultest-{uuid.uuid4().hex[:12]}"
    ISSUED_PREFIXES.add(prefix)
    return prefix


@contextmanager
def isolated_union_index(settings, *, prefix: str | None = None) -> Iterator[str]:
    """Give the test its own ``simpultest-<random>`` prefix (or ``prefix``, e.g. one a worker process
    was started with) with the template and the union alias set up; delete that prefix's indexes and
    template afterwards. ``settings`` is pytest-django's fixture."""
    prefix = prefix or unique_prefix()
    settings.ELASTICSEARCH_INDEX_PREFIX = prefix
    url = django_settings.ELASTICSEARCH_URL  # the real node: a test may point the settings at a proxy
    reset_client()
    setup_search(get_client())
    try:
        yield union_alias()
    finally:
        reset_client()
        remove_prefix(prefix, url=url)


def remove_prefix(prefix: str, *, url: str) -> list[str]:
    """Delete every index and index template under ``prefix`` on the node at ``url``; return their names."""
    direct = Elasticsearch(url, request_timeout=30)
    try:
        indexes = sorted(direct.indices.get(index=f"{prefix}-*", expand_wildcards="all"))
        if indexes:
            direct.indices.delete(index=",".join(indexes))
        found = direct.options(ignore_status=404).indices.get_index_template(name=f"{prefix}-*")
        templates = sorted(template["name"] for template in found.get("index_templates", []))
        for template in templates:
            direct.indices.delete_index_template(name=template)
    finally:
        direct.close()
    return indexes + templates


@contextmanager
def worker_index_prefix() -> Iterator[str]:
    """A prefix for a module's worker process; everything under it is removed once the module is done
    (after the worker stopped: a drain it ran after a test's own clean-up sets the index up again)."""
    prefix, url = unique_prefix(), django_settings.ELASTICSEARCH_URL
    try:
        yield prefix
    finally:
        remove_prefix(prefix, url=url)


def refresh_union() -> None:
    get_client().indices.refresh(index=union_alias())


def union_documents(library_code: str | None = None) -> dict[str, dict]:
    """``{document id: source}`` of the union index (refreshed first), optionally of one library."""
    refresh_union()
    query = {"term": {"library_code": library_code}} if library_code else {"match_all": {}}
    return {
        hit["_id"]: hit["_source"]
        for hit in helpers.scan(get_client(), index=union_alias(), query={"query": query}, size=1000)
    }


def union_count(library_code: str | None = None) -> int:
    refresh_union()
    query = {"term": {"library_code": library_code}} if library_code else {"match_all": {}}
    return get_client().count(index=union_alias(), query=query)["count"]


def clear_outbox() -> None:
    """Forget outbox rows left by committed data of other tests (call with the library's schema active)."""
    IndexOutbox.objects.all().delete()
