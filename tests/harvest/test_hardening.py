"""Harvest hardening (issue 10): a source on a private or loopback address is refused unless the settings
allow its network, one response is capped in size, and no XML parser of the harvest or the file import
expands entities or reads external ones — all against the loopback server."""

from __future__ import annotations

import io
import time

import pymarc
import pytest

from harvest.adapters.marcxml import map_marcxml
from harvest.adapters.sanitize import parse_xml
from harvest.models import HarvestProblem, HarvestRun, HarvestSource
from harvest.services import SourceRegistrationError, harvest_source, import_file, register_source
from tests.harvest.builders import build_records
from tests.harvest.harvesting import make_source, schema_records
from tests.harvest.oai_server import Catalogue, OaiTestServer, entity_bomb_dtd, marc_record

SIZE = 120
SECRET = "rahasia-server-7f3a"


@pytest.fixture(scope="module")
def server():
    with OaiTestServer(Catalogue(build_records(size=SIZE))) as running:
        yield running


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return str(path)


def refused_registration(library, url: str) -> str:
    with pytest.raises(SourceRegistrationError) as caught:
        register_source(library=library, base_url=url)
    assert not HarvestSource.objects.filter(library=library).exists()
    return str(caught.value)


# --- private and loopback addresses -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://10.20.30.40/slims/oai.php",
        "http://192.168.1.5/oai2.php",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/oai",
        "http://[::ffff:127.0.0.1]/oai",
    ],
)
def test_source_on_a_private_address_is_refused_before_anything_is_sent(library_a, settings, url):
    settings.HARVEST_ALLOWED_PRIVATE_NETWORKS = []

    message = refused_registration(library_a, url)

    assert "jaringan privat, loopback atau link-local" in message
    assert "SIMPUL_HARVEST_ALLOWED_PRIVATE_NETWORKS" in message


def test_loopback_server_is_refused_by_name_and_address_unless_its_network_is_allowed(
    library_a, settings, server
):
    settings.HARVEST_ALLOWED_PRIVATE_NETWORKS = []
    server.clear_requests()
    by_address = refused_registration(library_a, server.oai_php_url)
    by_name = refused_registration(library_a, server.oai_php_url.replace("127.0.0.1", "localhost"))

    assert "127.0.0.1" in by_address and "ditolak" in by_name
    assert server.requests == []  # nothing was sent
    settings.HARVEST_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.1/32"]
    assert register_source(library=library_a, base_url=server.oai_php_url).flavour == "slims_oai"


def test_a_redirect_to_a_private_address_is_not_followed(library_a, settings, server):
    settings.HARVEST_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.1/32"]
    trap = f"{server.base_url}/redirect?to=http://127.0.0.2:{server.port}/repo/oai"

    message = refused_registration(library_a, trap)

    assert "127.0.0.2" in message


def test_harvest_of_a_source_whose_network_is_no_longer_allowed_fails_without_a_request(
    library, settings, server
):
    source = make_source(library, server.repo_url)
    settings.HARVEST_ALLOWED_PRIVATE_NETWORKS = []
    server.clear_requests()

    run = harvest_source(source=source, mode=HarvestRun.Mode.FULL)

    assert run.status == HarvestRun.Status.FAILED and "jaringan privat" in run.last_error
    assert run.retry_advised is False and server.requests == []


# --- the size of one response ---------------------------------------------------------------------------


@pytest.mark.parametrize("streamed", [False, True], ids=["content-length", "streamed"])
def test_an_oversized_response_fails_its_page_with_a_problem_and_is_not_read_to_the_end(
    library, settings, server, streamed
):
    source = make_source(library, server.repo_url)
    settings.HARVEST_MAX_RESPONSE_BYTES = 256 * 1024
    server.faults.oversized_bytes = 64 * 1024 * 1024 if streamed else 2 * 1024 * 1024
    server.faults.oversized_streamed = streamed
    server.faults.verbs = frozenset({"ListRecords"})
    server._app.padding_sent = 0
    try:
        started = time.monotonic()
        run = harvest_source(source=source, mode=HarvestRun.Mode.FULL)
        seconds = time.monotonic() - started
    finally:
        server.faults.oversized_bytes, server.faults.oversized_streamed, server.faults.verbs = 0, False, None

    assert run.status == HarvestRun.Status.FAILED and run.retry_advised is False
    problem = HarvestProblem.objects.get(run=run)
    assert "larger than the limit of 262,144 bytes" in problem.reason
    assert schema_records(library) == {}
    if streamed:  # the client hung up near the limit: not 64 MB read into memory
        assert server._app.padding_sent < 16 * 1024 * 1024 and seconds < 10


# --- entities -------------------------------------------------------------------------------------------


def test_harvest_response_with_an_entity_bomb_and_an_external_entity_expands_neither(
    library, server, secret_file
):
    source = make_source(library, server.repo_url)
    server.faults.entity_bomb = entity_bomb_dtd(secret_file)
    try:
        run = harvest_source(source=source, mode=HarvestRun.Mode.FULL)
    finally:
        server.faults.entity_bomb = ""

    titles = [record.title for record in schema_records(library).values()]
    assert run.created_count == SIZE and len(titles) == SIZE
    assert all(len(title) < 500 and "lollol" not in title and SECRET not in title for title in titles)


def test_parse_xml_keeps_entities_unexpanded_and_reads_no_file(secret_file):
    document = (
        entity_bomb_dtd(secret_file, levels=6)
        + '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><t>&lol6;&xxe;</t></OAI-PMH>'
    )

    root = parse_xml(document.encode(), expected_root="OAI-PMH").root

    text = "".join(root.itertext())
    assert len(text) < 100 and SECRET not in text


def marcxml_with_entities(secret_file: str) -> bytes:
    record = pymarc.record_to_xml(marc_record(Catalogue(build_records(size=1)).get(1))).decode()
    record = record.replace('<subfield code="a">', '<subfield code="a">&lol5;&xxe;', 1)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + entity_bomb_dtd(secret_file).replace("OAI-PMH", "collection")
        + f'<collection xmlns="http://www.loc.gov/MARC21/slim">{record}</collection>'
    ).encode()


def test_marcxml_file_import_expands_no_entity_and_reads_no_file(library, secret_file):
    stream = io.BytesIO(marcxml_with_entities(secret_file))
    stream.name = "bom.xml"

    run = import_file(library=library, uploaded_file=stream, format="marcxml")

    # libxml2 refuses the bomb (amplification limit, no longer switched off by huge_tree) or leaves the
    # references unexpanded (the record is then unreadable): either way nothing is expanded or read
    stored = list(schema_records(library).values())
    text = " ".join(f"{record.title} {record.isbn_issn} {record.raw_metadata}" for record in stored)
    problems = " ".join(run.problems.values_list("reason", flat=True))
    assert run.status in (HarvestRun.Status.FAILED, HarvestRun.Status.PARTIAL)
    assert "lollol" not in text + problems + run.last_error
    assert SECRET not in text + problems + run.last_error


def test_marcxml_mapper_given_a_document_with_a_dtd_expands_nothing(secret_file):
    data = marcxml_with_entities(secret_file)

    try:
        record = map_marcxml("", data)
    except Exception as error:  # an entity left unexpanded makes the record unreadable: also fine
        assert SECRET not in str(error)
    else:
        assert "lollol" not in record.title and SECRET not in record.title
