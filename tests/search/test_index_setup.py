import pytest
from django.core.management import call_command

from search.documents import union_alias
from search.es import get_client
from search.index_setup import ensure_union_alias, indices_behind, new_versioned_index_name, swap_alias
from tests.search.union_index import remove_prefix, unique_prefix


@pytest.fixture
def clean_union(settings):
    # A prefix of this run's own: two test runs on one node (two checkouts) never share it.
    settings.ELASTICSEARCH_INDEX_PREFIX = unique_prefix()
    client = get_client()
    yield client
    remove_prefix(settings.ELASTICSEARCH_INDEX_PREFIX, url=settings.ELASTICSEARCH_URL)


def test_es_setup_creates_template_and_alias_with_the_union_mapping(clean_union, capsys, settings):
    call_command("es_setup")

    client = clean_union
    indexes = indices_behind(union_alias())
    assert len(indexes) == 1 and indexes[0].startswith(f"{settings.ELASTICSEARCH_INDEX_PREFIX}-union-v")
    mapping = client.indices.get_mapping(index=indexes[0])[indexes[0]]["mappings"]["properties"]
    assert mapping["title_norm"]["analyzer"] == "whitespace"
    assert mapping["work_key"]["type"] == "keyword"
    assert mapping["suggest"]["type"] == "completion"
    assert f"{settings.ELASTICSEARCH_INDEX_PREFIX}-union" in capsys.readouterr().out


def test_es_setup_is_idempotent(clean_union):
    call_command("es_setup")
    first = indices_behind(union_alias())
    call_command("es_setup")
    assert indices_behind(union_alias()) == first


def test_swap_alias_moves_the_alias_atomically(clean_union):
    call_command("es_setup")
    old_index = ensure_union_alias()
    new_index = new_versioned_index_name(union_alias())
    clean_union.indices.create(index=new_index)

    left = swap_alias(union_alias(), new_index)

    assert left == [old_index]
    assert indices_behind(union_alias()) == [new_index]
