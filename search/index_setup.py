"""Index templates and aliases that this deployment owns. ``manage.py es_setup`` applies them."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from elasticsearch import Elasticsearch

from search.documents import union_alias, union_index_pattern, union_index_settings, union_mapping
from search.es import get_client, index_name


def index_templates() -> dict[str, dict]:
    replicas = int(getattr(settings, "ELASTICSEARCH_REPLICAS", 0))
    return {
        index_name("union-template"): {
            "index_patterns": [union_index_pattern()],
            "priority": 100,
            "template": {"settings": union_index_settings(replicas=replicas), "mappings": union_mapping()},
            "_meta": {"owner": "simpul", "description": "Union catalogue: one document per record"},
        }
    }


def put_index_templates(client: Elasticsearch | None = None) -> list[str]:
    client = client or get_client()
    names = []
    for name, body in index_templates().items():
        client.indices.put_index_template(name=name, **body)
        names.append(name)
    return names


def new_versioned_index_name(alias: str) -> str:
    return f"{alias}-v{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"


def indices_behind(alias: str, client: Elasticsearch | None = None) -> list[str]:
    client = client or get_client()
    if not client.indices.exists_alias(name=alias):
        return []
    return sorted(client.indices.get_alias(name=alias).keys())


def ensure_union_alias(client: Elasticsearch | None = None) -> str:
    """Make sure the union alias points at an index (created from the template); return that index."""
    client = client or get_client()
    alias = union_alias()
    current = indices_behind(alias, client)
    if current:
        return current[-1]
    index = new_versioned_index_name(alias)
    client.indices.create(index=index, aliases={alias: {"is_write_index": True}})
    return index


def swap_alias(alias: str, new_index: str, client: Elasticsearch | None = None) -> list[str]:
    """Point ``alias`` at ``new_index`` only, in one atomic request; return the indexes it left."""
    client = client or get_client()
    old = [index for index in indices_behind(alias, client) if index != new_index]
    actions = [{"add": {"index": new_index, "alias": alias, "is_write_index": True}}]
    actions += [{"remove": {"index": index, "alias": alias}} for index in old]
    client.indices.update_aliases(actions=actions)
    return old


def setup_search(client: Elasticsearch | None = None) -> dict[str, object]:
    client = client or get_client()
    templates = put_index_templates(client)
    index = ensure_union_alias(client)
    return {"templates": templates, "alias": union_alias(), "index": index}
