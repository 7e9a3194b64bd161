"""harvest.services.register_source: Identify and ListMetadataFormats first, a clear message for what is
wrong, the SLiMS endpoints recognized, and a beat schedule per source that follows it."""

from __future__ import annotations

import json

import pytest
from django_celery_beat.models import PeriodicTask

from harvest.models import HarvestSource
from harvest.schedules import HARVEST_TASK, RECONCILE_TASK
from harvest.services import SourceRegistrationError, register_source, set_source_enabled
from tests.harvest.builders import build_records
from tests.harvest.oai_server import Catalogue, OaiTestServer
from tests.ports import free_port


@pytest.fixture(scope="module")
def server():
    with OaiTestServer(
        Catalogue(build_records(size=20)), repository_identifier="repo.simpul.test"
    ) as running:
        yield running


@pytest.mark.parametrize(
    ("url", "metadata_format", "flavour", "prefix"),
    [
        ("oai_php_url", "oai_dc", HarvestSource.Flavour.SLIMS_OAI, "oai_dc"),
        ("oai2_php_url", "oai_dc", HarvestSource.Flavour.SLIMS_OAI2, "oai_dc"),
        ("repo_url", "marcxml", HarvestSource.Flavour.STANDARD, "marcxml"),
    ],
    ids=["slims-oai.php", "slims-oai2.php", "standard"],
)
def test_endpoint_is_recognized_and_its_granularity_and_prefix_kept(
    library_a, server, url, metadata_format, flavour, prefix
):
    source = register_source(
        library=library_a, base_url=getattr(server, url), metadata_format=metadata_format
    )

    assert (source.flavour, source.metadata_prefix) == (flavour, prefix)
    assert source.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert source.name and source.kind == HarvestSource.Kind.OAI_PMH


def refused(library, **arguments) -> str:
    with pytest.raises(SourceRegistrationError) as caught:
        register_source(library=library, **arguments)
    assert not HarvestSource.objects.filter(library=library).exists()
    return str(caught.value)


def test_unreachable_endpoint_is_refused_with_a_clear_message(library_a):
    message = refused(library_a, base_url=f"http://127.0.0.1:{free_port()}/slims/oai.php")

    assert "tidak dapat dihubungi" in message


def test_web_page_that_is_not_oai_pmh_is_refused_with_a_clear_message(library_a, server):
    message = refused(library_a, base_url=f"{server.base_url}/slims/index.php")

    assert "bukan titik akses OAI-PMH" in message


def test_endpoint_without_the_chosen_format_is_refused_naming_what_it_offers(library_a, server):
    message = refused(library_a, base_url=server.oai_php_url, metadata_format="marcxml")

    assert "tidak menyediakan format marcxml" in message and "oai_dc" in message


def test_unknown_set_is_refused(library_a, server):
    message = refused(library_a, base_url=server.repo_url, set_spec="type:tidak-ada")

    assert "Set 'type:tidak-ada' tidak ada" in message


def test_same_source_twice_is_refused(library_a, server):
    register_source(library=library_a, base_url=server.oai2_php_url)

    with pytest.raises(SourceRegistrationError, match="sudah terdaftar"):
        register_source(library=library_a, base_url=server.oai2_php_url)


def test_each_source_gets_a_harvest_and_a_reconciliation_schedule(library_a, server):
    source = register_source(library=library_a, base_url=server.oai_php_url)

    harvest, reconcile = source.schedule, source.reconcile_schedule
    assert (harvest.task, reconcile.task) == (HARVEST_TASK, RECONCILE_TASK)
    assert json.loads(harvest.kwargs) == {"source_id": source.pk, "mode": "incremental"}
    assert json.loads(reconcile.kwargs) == {"source_id": source.pk}
    assert harvest.crontab is not None and (reconcile.interval.every, reconcile.interval.period) == (
        7,
        "days",
    )
    assert harvest.enabled and reconcile.enabled


def test_disabling_a_source_disables_its_schedules_and_deleting_it_removes_them(library_a, server):
    source = register_source(library=library_a, base_url=server.repo_url)
    task_ids = [source.schedule_id, source.reconcile_schedule_id]

    set_source_enabled(source=source, enabled=False)
    enabled = set(PeriodicTask.objects.filter(pk__in=task_ids).values_list("enabled", flat=True))
    source.delete()

    assert enabled == {False}
    assert not PeriodicTask.objects.filter(pk__in=task_ids).exists()
