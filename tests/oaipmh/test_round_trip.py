"""Round trips over real HTTP (a live server on loopback): a third-party harvester (Sickle) gets every
visible record exactly once; Simpul's own harvester brings one Simpul library into another field for field,
and an incremental harvest after an edit and a delete sees both."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from catalog.models import Record
from catalog.normalized import NormalizedCopy
from catalog.services import delete_record, upsert_records
from harvest.models import HarvestRun
from harvest.services import harvest_source, register_source
from oaipmh.identifiers import identifier_for
from tests.e2e.support import live_server_thread
from tests.factories import make_normalized_record
from tests.harvest.harvesting import fresh_library, remove_library


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def source_library(committed):
    library = fresh_library("oai-sumber")
    yield library
    remove_library(library)


@pytest.fixture
def target_library(committed):
    library = fresh_library("oai-tujuan")
    yield library
    remove_library(library)


@pytest.fixture
def server(committed):
    with live_server_thread() as url:
        yield url


def _rich_records(count: int, prefix: str):
    return [
        make_normalized_record(
            source_key=f"{prefix}-{number}",
            title=f"Tafsir Al-Misbah: Pesan, Kesan dan Keserasian Al-Qur'an Jilid {number}",
            authors=("M. Quraish Shihab", "Lentera Hati"),
            subjects=("Tafsir", "Al-Qur'an -- Tafsir"),
            statement_of_responsibility="M. Quraish Shihab",
            edition="Cet. 5",
            collation="xxviii, 624 hlm. ; 24 cm",
            series_title="Seri Tafsir",
            notes="Bibliografi: hlm. 620\nIndeks",
            language="id" if number % 2 else "ar",
            material_type="Text",
            copies=(
                NormalizedCopy(
                    item_code=f"{prefix}-{number}-1", location="Rak Tafsir", collection_type="Referensi"
                ),
                NormalizedCopy(item_code=f"{prefix}-{number}-2", call_number="297.18 SHI t c.2"),
            ),
        )
        for number in range(count)
    ]


def _catalogue(library) -> dict[str, dict]:
    """Every record's disseminated fields, keyed by its OAI identifier in the source library's terms."""
    with tenant_context(library):
        records = Record.objects.select_related("publisher").prefetch_related(
            "record_authors__author", "subjects", "items"
        )
        catalogue = {}
        for record in records:
            fields = {
                name: getattr(record, name)
                for name in (
                    "title", "statement_of_responsibility", "edition", "isbn_issn", "publish_place",
                    "publish_year", "collation", "series_title", "call_number", "classification", "language",
                    "notes", "material_type", "opac_hide",
                )
            }  # fmt: skip
            fields["publisher"] = record.publisher.name if record.publisher else ""
            fields["authors"] = [link.author.name for link in record.record_authors.all()]
            fields["subjects"] = sorted(subject.name for subject in record.subjects.all())
            fields["copies"] = sorted(
                (item.item_code, item.call_number, item.collection_type, item.location)
                for item in record.items.all()
            )
            key = record.source_key if record.source_id else identifier_for(library.code, record.pk)
            catalogue[key] = fields
        return catalogue


def test_sickle_harvests_every_visible_record_exactly_once(source_library, server, settings):
    from sickle import Sickle

    settings.OAIPMH_RECORDS_PAGE_SIZE = 3
    with tenant_context(source_library):
        upsert_records(_rich_records(8, "s"))
        upsert_records([make_normalized_record(opac_hide=True)])  # never exposed
    expected = set(_catalogue(source_library)) - {
        identifier_for(source_library.code, pk) for pk in _hidden_ids(source_library)
    }
    harvester = Sickle(f"{server}/oai", max_retries=0, timeout=30)
    for prefix in ("oai_dc", "marcxml", "mods"):
        identifiers = [
            record.header.identifier
            for record in harvester.ListRecords(metadataPrefix=prefix, set=f"library:{source_library.code}")
        ]
        assert len(identifiers) == len(set(identifiers)) == 8
        assert set(identifiers) == expected


def _hidden_ids(library) -> list[int]:
    with tenant_context(library):
        return list(Record.objects.filter(opac_hide=True).values_list("pk", flat=True))


@pytest.mark.parametrize("metadata_format", ["marcxml", "mods"])
def test_simpul_harvests_a_simpul_library_field_for_field_and_then_an_edit_and_a_delete(
    source_library, target_library, server, settings, metadata_format
):
    settings.OAIPMH_RECORDS_PAGE_SIZE = 4
    with tenant_context(source_library):
        upsert_records(_rich_records(10, metadata_format))
    source = register_source(
        library=target_library,
        base_url=f"{server}/oai",
        metadata_format=metadata_format,
        set_spec=f"library:{source_library.code}",
    )
    run = harvest_source(source=source, mode=HarvestRun.Mode.FULL)
    assert run.status == HarvestRun.Status.SUCCEEDED, run.last_error
    original, copy = _catalogue(source_library), _catalogue(target_library)
    assert copy == original

    with tenant_context(source_library):
        upsert_records(
            [make_normalized_record(source_key=f"{metadata_format}-1", title="Judul yang Disunting")]
        )
        assert delete_record(source_key=f"{metadata_format}-2")
    run = harvest_source(source=source, mode=HarvestRun.Mode.INCREMENTAL)
    assert run.status == HarvestRun.Status.SUCCEEDED, run.last_error
    assert run.mode == HarvestRun.Mode.INCREMENTAL and run.from_used
    assert (run.updated_count, run.deleted_count) == (1, 1)
    assert _catalogue(target_library) == _catalogue(source_library)
