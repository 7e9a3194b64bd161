"""The operator's harvest page (/operator/harvest/): operators only; every source with its last run,
progress, counts and problem identifiers; "harvest now" / "reconcile now" enqueue; registering shows
register_source's messages; the JSON the page polls."""

from __future__ import annotations

import pytest
from django.utils import timezone

from harvest.models import HarvestProblem, HarvestRun, HarvestSource
from tests.factories import make_user
from tests.harvest.builders import build_records
from tests.harvest.oai_server import Catalogue, OaiTestServer
from tests.ports import free_port

PAGE = "/operator/harvest/"


@pytest.fixture
def operator(db):
    return make_user("operator-panen", global_role="operator")


@pytest.fixture
def source_with_run(library_a):
    source = HarvestSource.objects.create(
        library=library_a,
        base_url="http://127.0.0.1:9/slims/oai.php",
        flavour=HarvestSource.Flavour.SLIMS_OAI,
        name="SLiMS BDK Aceh",
    )
    run = HarvestRun.objects.create(
        source=source,
        mode=HarvestRun.Mode.FULL,
        status=HarvestRun.Status.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        records_seen=120,
        complete_list_size=480,
        created_count=118,
        failed_count=2,
    )
    HarvestProblem.objects.create(run=run, identifier="oai:slims/77", reason="no dc:title")
    HarvestProblem.objects.create(run=run, identifier="oai:slims/78", reason="MODS detail: HTTP 500")
    return source, run


def test_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get(PAGE)

    assert response.status_code == 302 and "/akun/" in response["Location"]


def test_librarian_or_supervisor_is_refused(client, library_a):
    client.force_login(make_user("pustakawan", libraries=[library_a]))

    assert client.get(PAGE).status_code == 403
    assert client.get(f"{PAGE}progres.json").status_code == 403


def test_operator_sees_each_source_with_its_last_run_progress_counts_and_problem_identifiers(
    client, operator, source_with_run
):
    client.force_login(operator)

    response = client.get(PAGE)

    html = response.content.decode()
    assert response.status_code == 200
    assert "SLiMS oai.php" in html and "Perpustakaan Uji Aceh" in html
    assert 'value="25"' in html  # 120 of 480
    assert "oai:slims/77" in html and "MODS detail: HTTP 500" in html
    assert "Harvest sekarang" in html and "Rekonsiliasi sekarang" in html


def test_progress_json_reports_records_seen_of_the_complete_list(client, operator, source_with_run):
    source, _ = source_with_run
    client.force_login(operator)

    payload = client.get(f"{PAGE}progres.json").json()

    entry = next(item for item in payload["sources"] if item["id"] == source.pk)
    assert entry["run"]["percent"] == 25 and entry["run"]["records_seen"] == 120
    assert entry["run"]["status"] == "running" and entry["run"]["failed"] == 2
    # nobody holds the source's lock and the heartbeat is fresh: still counted as active
    assert payload["active"] is True and entry["busy"] is False


@pytest.mark.parametrize(("action", "mode"), [("panen", "incremental"), ("rekonsiliasi", "reconcile")])
def test_buttons_enqueue_a_run_after_the_commit(
    client, operator, source_with_run, django_capture_on_commit_callbacks, action, mode
):
    source, _ = source_with_run
    client.force_login(operator)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(f"{PAGE}sumber/{source.pk}/{action}/")

    queued = HarvestRun.objects.filter(source=source, status=HarvestRun.Status.QUEUED).get()
    assert response.status_code == 302
    assert queued.mode == mode and queued.task_id and len(callbacks) == 1


def test_buttons_are_post_only(client, operator, source_with_run):
    source, _ = source_with_run
    client.force_login(operator)

    assert client.get(f"{PAGE}sumber/{source.pk}/panen/").status_code == 405


def test_register_form_shows_why_an_endpoint_was_refused(client, operator, library_a):
    port = free_port()
    client.force_login(operator)

    response = client.post(
        PAGE,
        {
            "library": library_a.pk,
            "base_url": f"http://127.0.0.1:{port}/oai2.php",
            "metadata_format": "oai_dc",
        },
    )

    assert response.status_code == 400
    assert "tidak dapat dihubungi" in response.content.decode()
    assert not HarvestSource.objects.exists()


def test_register_form_registers_a_slims_endpoint(client, operator, library_a):
    client.force_login(operator)
    with OaiTestServer(Catalogue(build_records(size=5))) as server:
        response = client.post(
            PAGE, {"library": library_a.pk, "base_url": server.oai2_php_url, "metadata_format": "oai_dc"}
        )

    source = HarvestSource.objects.get()
    assert response.status_code == 302
    assert source.flavour == HarvestSource.Flavour.SLIMS_OAI2 and source.schedule_id


def test_run_page_lists_every_problem_with_its_identifier(client, operator, source_with_run):
    _, run = source_with_run
    client.force_login(operator)

    html = client.get(f"{PAGE}run/{run.pk}/").content.decode()

    assert "oai:slims/77" in html and "oai:slims/78" in html and "2 masalah" in html
