"""The operator's command line (harvest/management/commands): register_source, harvest, reconcile,
drain_index and harvest_status on the same services as the operator page, against the loopback server."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from harvest.models import HarvestRun, HarvestSource
from tests.harvest.builders import build_records
from tests.harvest.harvesting import indexed, outbox_size, schema_records
from tests.harvest.oai_server import Catalogue, OaiTestServer

SIZE = 140


@pytest.fixture(scope="module")
def server():
    with OaiTestServer(Catalogue(build_records(size=SIZE))) as running:
        yield running


def command(*arguments: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*arguments, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_slims_harvest_from_the_command_line_end_to_end(library, server, union):
    registered, _ = command("register_source", server.oai_php_url, "--library", library.code)
    source = HarvestSource.objects.get(library=library)

    harvested, bar = command("harvest", "--library", library.code, "--full", "--wait")
    drained, _ = command("drain_index", "--library", library.code, "--no-progress")
    status, _ = command("harvest_status", "--library", library.code)

    assert f"sumber #{source.pk} terdaftar" in registered and "SLiMS oai.php" in registered
    run = source.runs.get()
    assert run.status == HarvestRun.Status.SUCCEEDED and f"run #{run.pk} succeeded" in harvested
    assert f"{SIZE} dilihat: {SIZE} baru" in harvested
    assert (run.records_seen, run.created_count) == (SIZE, SIZE)  # the bar read the run, never wrote it
    assert f"{SIZE}/{SIZE}" in bar  # the progress bar reached the end
    assert len(schema_records(library)) == SIZE and outbox_size(library) == 0
    assert len(indexed(library)) == SIZE and f"{library.code}: {SIZE} diindeks" in drained
    assert f"run #{run.pk} succeeded" in status and "+07:00" in status  # times carry their zone


def test_incremental_asked_of_oai_php_says_it_ran_full(library, server):
    command("register_source", server.oai_php_url, "--library", library.code)

    output, _ = command("harvest", "--library", library.code, "--incremental", "--wait", "--no-progress")

    assert "Penuh (diminta Inkremental)" in output and "tidak mendukung panen inkremental" in output


def test_reconcile_in_the_foreground_reports_what_it_skipped(library, server):
    command("register_source", server.repo_url, "--library", library.code, "--format", "marcxml")
    command("harvest", "--library", library.code, "--full", "--wait", "--no-progress")

    output, _ = command("reconcile", "--library", library.code, "--wait", "--no-progress")

    assert f"{SIZE} dilewati (tanggal sama)" in output
    run = HarvestRun.objects.filter(source__library=library, mode=HarvestRun.Mode.RECONCILE).get()
    assert (run.status, run.skipped_count) == (HarvestRun.Status.SUCCEEDED, SIZE)


def test_without_wait_the_harvest_is_queued_as_the_operator_page_does(library, server):
    command("register_source", server.oai2_php_url, "--library", library.code)

    output, _ = command("harvest", "--library", library.code)

    run = HarvestRun.objects.get(source__library=library)
    assert f"run #{run.pk} masuk antrean" in output
    assert (run.status, run.task_id != "") == (HarvestRun.Status.QUEUED, True)
    run.status = HarvestRun.Status.SKIPPED  # nobody will run it: a later worker must not harvest it
    run.save(update_fields=["status"])


def test_a_refused_registration_is_a_command_error_with_the_message(library, settings, server):
    settings.HARVEST_ALLOWED_PRIVATE_NETWORKS = []

    with pytest.raises(CommandError, match="jaringan privat"):
        command("register_source", server.oai_php_url, "--library", library.code)


def test_status_of_one_run_lists_its_problems(library, server):
    original = server.catalogue.get(7).record
    server.catalogue.edit(7, title="")
    try:
        command("register_source", server.repo_url, "--library", library.code)
        command("harvest", "--library", library.code, "--full", "--wait", "--no-progress")
    finally:
        server.catalogue.edit(7, title=original.title)
    run = HarvestRun.objects.get(source__library=library)

    output, _ = command("harvest_status", "--run", str(run.pk))

    assert "1 masalah" in output and "oai:repo.simpul.test:7" in output and "responseDate" in output
