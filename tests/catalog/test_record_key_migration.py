"""catalog 0004: the records a library already holds get the source that brought them, keys and ids kept."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from catalog.models import Record
from catalog.services import upsert_record
from harvest.models import HarvestSource
from tests.factories import make_normalized_record

migration = importlib.import_module("catalog.migrations.0004_record_keys_per_source")


class _SchemaEditor:
    connection = connection


def _source(library, **fields) -> HarvestSource:
    return HarvestSource.objects.create(library=library, **fields)


def _stored(library, *, key: str, raw_format: str) -> int:
    with tenant_context(library):
        record = upsert_record(
            normalized=make_normalized_record(source_key=key, raw_format=raw_format)
        ).record
        return record.pk


@pytest.mark.django_db
def test_existing_records_are_given_the_source_whose_key_space_and_format_they_fit(library_a):
    slims = _source(
        library_a,
        kind="oai_pmh",
        base_url="http://slims.example/oai.php",
        flavour="slims_oai",
        metadata_format="oai_dc",
    )
    standard = _source(
        library_a,
        kind="oai_pmh",
        base_url="http://repo.example/oai",
        flavour="standard",
        metadata_format="marcxml",
    )
    files = _source(library_a, kind="file", metadata_format="marcxml")
    ids = {
        "slims": _stored(library_a, key="42", raw_format="oai_dc"),
        "standard": _stored(library_a, key="oai:repo.example:7", raw_format="marcxml"),
        "file": _stored(library_a, key="INLIS-0001", raw_format="marcxml"),
        "file_digits": _stored(library_a, key="43", raw_format="mods"),
        "demo": _stored(library_a, key="demo-1", raw_format="demo"),
        "local": _stored(library_a, key="9001", raw_format="local"),
    }

    with tenant_context(library_a):
        migration.assign_sources(None, _SchemaEditor())
        sources = dict(Record.objects.filter(pk__in=ids.values()).values_list("pk", "source_id"))

    assert {name: sources[pk] for name, pk in ids.items()} == {
        "slims": slims.pk,
        "standard": standard.pk,
        "file": files.pk,
        "file_digits": files.pk,
        "demo": None,
        "local": None,
    }


@pytest.mark.django_db
def test_a_library_with_one_source_gets_every_harvested_record_it_cannot_otherwise_place(library_a):
    only = _source(library_a, kind="oai_pmh", base_url="http://slims.example/oai2.php", flavour="slims_oai2")
    odd = _stored(library_a, key="not-a-biblio-id", raw_format="oai_dc")

    with tenant_context(library_a):
        migration.assign_sources(None, _SchemaEditor())
        assert Record.objects.get(pk=odd).source_id == only.pk
