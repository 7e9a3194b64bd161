"""The OAI-PMH client (harvest/adapters/oai_client.py) against the real loopback server."""

import time
from datetime import UTC, datetime, timedelta

import pytest

from harvest.adapters.oai_client import (
    BadResumptionToken,
    NotOaiPmh,
    OaiClient,
    PageFailed,
    RetryPolicy,
    SourceUnreachable,
    incremental_from,
    iter_pages_with_restart,
    parse_retry_after,
)
from tests.harvest.builders import build_records
from tests.harvest.oai_server import Catalogue, Faults, OaiTestServer
from tests.ports import free_port

RECORDS = 250  # three pages of 100


@pytest.fixture
def server():
    with OaiTestServer(Catalogue(build_records(size=RECORDS))) as running:
        yield running


class RecordingSleep:
    """Stands in for time.sleep: remembers what the client asked to wait, waits nothing."""

    def __init__(self):
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def fast_policy(**overrides) -> RetryPolicy:
    settings = {"backoff_base": 0.01, "backoff_max": 0.05, "jitter": False, "max_retry_after": 5.0}
    settings.update(overrides)
    return RetryPolicy(**settings)


def make_client(url: str, **kwargs) -> OaiClient:
    kwargs.setdefault("retry", fast_policy())
    kwargs.setdefault("timeout", 5.0)
    return OaiClient(url, **kwargs)


def harvested_identifiers(pages) -> list[str]:
    return [record.identifier for page in pages for record in page.records]


def test_iter_pages_follows_resumption_tokens_to_the_end(server):
    pages = list(make_client(server.repo_url).iter_pages("ListRecords", metadata_prefix="oai_dc"))

    identifiers = harvested_identifiers(pages)
    assert [len(page.records) for page in pages] == [100, 100, 50]
    assert len(identifiers) == len(set(identifiers)) == RECORDS
    assert pages[-1].resumption_token is None


def test_page_carries_cursor_complete_list_size_and_response_date(server):
    first = next(make_client(server.repo_url).iter_pages("ListRecords", metadata_prefix="oai_dc"))

    assert first.cursor == 0
    assert first.complete_list_size == RECORDS
    assert first.resumption_token
    stamp = datetime.strptime(first.response_date, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - stamp) < timedelta(minutes=1)


def test_resume_token_continues_from_the_last_committed_page(server):
    client = make_client(server.repo_url)
    first = next(client.iter_pages("ListRecords", metadata_prefix="oai_dc"))
    checkpoint = first.resumption_token  # what the run persisted before being killed

    rest = list(make_client(server.repo_url).iter_pages("ListRecords", resume_token=checkpoint))

    identifiers = harvested_identifiers([first, *rest])
    assert len(identifiers) == len(set(identifiers)) == RECORDS
    assert rest[0].request_params == {"verb": "ListRecords", "resumptionToken": checkpoint}


def test_503_with_retry_after_is_honoured(server):
    server.faults = Faults(unavailable=2, retry_after="3")
    sleep = RecordingSleep()

    pages = list(
        make_client(server.repo_url, sleep=sleep).iter_pages("ListRecords", metadata_prefix="oai_dc")
    )

    assert sleep.waits == [3.0, 3.0]
    assert len(harvested_identifiers(pages)) == RECORDS
    assert [entry.status for entry in server.requests][:3] == [503, 503, 200]


def test_503_retry_after_really_waits_before_retrying(server):
    server.faults = Faults(unavailable=1, retry_after="1")
    started = time.monotonic()

    pages = list(
        make_client(server.repo_url).iter_pages("ListRecords", metadata_prefix="oai_dc", max_pages=1)
    )

    assert time.monotonic() - started >= 1.0
    assert len(pages[0].records) == 100


def test_retry_after_longer_than_the_policy_allows_is_capped(server):
    server.faults = Faults(unavailable=1, retry_after="86400")
    sleep = RecordingSleep()
    client = make_client(server.repo_url, sleep=sleep, retry=fast_policy(max_retry_after=2.5))

    client.identify()

    assert sleep.waits == [2.5]


def test_503_without_retry_after_waits_the_default(server):
    server.faults = Faults(unavailable=1, retry_after=None)
    sleep = RecordingSleep()

    make_client(server.repo_url, sleep=sleep, retry=fast_policy(default_retry_after=1.5)).identify()

    assert sleep.waits == [1.5]


def test_retry_after_as_http_date_is_understood():
    now = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)

    assert parse_retry_after("Wed, 01 May 2024 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("soon") is None


def test_503_beyond_the_budget_raises_page_failed_with_the_token(server):
    client = make_client(
        server.repo_url, sleep=RecordingSleep(), retry=fast_policy(max_unavailable_retries=2)
    )
    pages = client.iter_pages("ListRecords", metadata_prefix="oai_dc")
    first = next(pages)
    server.faults = Faults(unavailable=10)

    with pytest.raises(PageFailed) as caught:
        next(pages)

    assert caught.value.kind == "unavailable"
    assert caught.value.status == 503
    assert caught.value.resumption_token == first.resumption_token
    assert caught.value.attempts == 3


def test_connection_reset_mid_response_is_retried(server):
    server.faults = Faults(reset=2, verbs=frozenset({"ListRecords"}))

    pages = list(make_client(server.repo_url).iter_pages("ListRecords", metadata_prefix="oai_dc"))

    assert len(set(harvested_identifiers(pages))) == RECORDS
    assert [entry.fault for entry in server.requests].count("reset") == 2


def test_body_shorter_than_its_content_length_is_retried(server):
    server.faults = Faults(truncate=1, truncate_mode="content-length", verbs=frozenset({"ListRecords"}))

    pages = list(make_client(server.repo_url).iter_pages("ListRecords", metadata_prefix="oai_dc"))

    assert len(set(harvested_identifiers(pages))) == RECORDS
    assert [entry.fault for entry in server.requests].count("truncate") == 1


def test_truncated_xml_is_retried_not_recovered_into_a_short_page(server):
    server.faults = Faults(truncate=1, truncate_mode="xml", verbs=frozenset({"ListRecords"}))

    pages = list(make_client(server.repo_url).iter_pages("ListRecords", metadata_prefix="oai_dc"))

    assert [len(page.records) for page in pages] == [100, 100, 50]
    assert all(not page.recovered_xml for page in pages)
    assert [entry.fault for entry in server.requests].count("truncate") == 1


def test_response_slower_than_the_timeout_is_retried(server):
    server.faults = Faults(slow=1, slow_seconds=1.0, verbs=frozenset({"ListRecords"}))
    client = make_client(server.repo_url, timeout=0.3)

    pages = list(client.iter_pages("ListRecords", metadata_prefix="oai_dc"))

    assert len(set(harvested_identifiers(pages))) == RECORDS
    assert client.requests_made == 4  # three pages, one of them twice


def test_timeouts_beyond_the_budget_raise_page_failed(server):
    server.faults = Faults(slow=5, slow_seconds=0.6, verbs=frozenset({"ListRecords"}))
    client = make_client(server.repo_url, timeout=0.2, retry=fast_policy(max_retries=1))

    with pytest.raises(PageFailed) as caught:
        list(client.iter_pages("ListRecords", metadata_prefix="oai_dc"))

    assert caught.value.kind == "timeout"
    assert caught.value.resumption_token is None  # the first page failed


def test_bad_resumption_token_is_raised_to_the_caller(server):
    server.faults = Faults(bad_token_on_use=1)

    with pytest.raises(BadResumptionToken):
        list(make_client(server.repo_url).iter_pages("ListRecords", metadata_prefix="oai_dc"))


def test_bad_resumption_token_restarts_the_list_from_scratch(server):
    server.faults = Faults(bad_token_on_use=2)  # the second page request is refused once

    pages = list(
        iter_pages_with_restart(make_client(server.repo_url), "ListRecords", metadata_prefix="oai_dc")
    )

    assert [page.restarts for page in pages] == [0, 0, 1, 1, 1]
    assert set(harvested_identifiers(pages[2:])) == set(harvested_identifiers(pages))
    assert len(set(harvested_identifiers(pages))) == RECORDS


def test_restarts_after_bad_resumption_token_are_bounded(server):
    server.faults = Faults(bad_token_on_use=1)

    with pytest.raises(BadResumptionToken):
        list(
            iter_pages_with_restart(
                make_client(server.repo_url), "ListRecords", max_restarts=0, metadata_prefix="oai_dc"
            )
        )


def test_restart_from_a_stale_checkpoint_starts_over(server):
    pages = list(
        iter_pages_with_restart(
            make_client(server.repo_url),
            "ListRecords",
            resume_token="expired.token",
            metadata_prefix="oai_dc",
        )
    )

    assert pages[0].restarts == 1
    assert len(set(harvested_identifiers(pages))) == RECORDS


def test_no_records_match_is_one_empty_page_not_an_error(server):
    pages = list(
        make_client(server.repo_url).iter_pages("ListRecords", metadata_prefix="oai_dc", from_="2100-01-01")
    )

    assert len(pages) == 1
    assert pages[0].no_records_match
    assert pages[0].records == []
    assert pages[0].response_date.endswith("Z")


def test_page_that_keeps_failing_raises_page_failed_with_params_and_token(server):
    server.faults = Faults(broken_page=2)
    pages = make_client(server.repo_url).iter_pages("ListRecords", metadata_prefix="oai_dc")
    first = next(pages)

    with pytest.raises(PageFailed) as caught:
        next(pages)

    failure = caught.value
    assert failure.verb == "ListRecords"
    assert failure.resumption_token == first.resumption_token
    assert failure.params == {"verb": "ListRecords", "resumptionToken": first.resumption_token}
    assert failure.status == 500
    assert failure.kind == "http_status"


def test_page_failing_once_is_retried_and_delivered(server):
    server.faults = Faults(broken_page=2, broken_page_times=1)

    pages = list(make_client(server.repo_url).iter_pages("ListRecords", metadata_prefix="oai_dc"))

    assert len(set(harvested_identifiers(pages))) == RECORDS
    assert [entry.status for entry in server.requests].count(500) == 1


def test_next_from_comes_from_the_response_date_and_finds_edits(server):
    client = make_client(server.repo_url)
    info = client.identify()
    first_run = list(client.iter_pages("ListRecords", metadata_prefix="oai_dc"))
    next_from = incremental_from(first_run[0].response_date, info.granularity)
    time.sleep(1.1)  # the edit lands at least one second after the first run began
    server.catalogue.edit_title(7, "Judul yang diperbaiki")

    second_run = list(client.iter_pages("ListRecords", metadata_prefix="oai_dc", from_=next_from))

    assert harvested_identifiers(second_run) == ["oai:repo.simpul.test:7"]


def test_incremental_from_follows_the_declared_granularity():
    assert incremental_from("2024-05-01T10:20:30Z", "YYYY-MM-DD") == "2024-05-01"
    assert incremental_from("2024-05-01T10:20:30Z", "YYYY-MM-DDThh:mm:ssZ") == "2024-05-01T10:20:30Z"


def test_identify_reports_granularity_earliest_datestamp_name_and_base_url(server):
    info = make_client(server.repo_url).identify()

    assert info.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert info.earliest_datestamp.startswith("2015-01-01")
    assert info.repository_name == "Perpustakaan Balai Diklat Keagamaan"
    assert info.base_url == server.repo_url
    assert info.deleted_record == "persistent"
    assert info.sample_identifier == "oai:repo.simpul.test:1"


def test_list_metadata_formats_and_sets(server):
    client = make_client(server.repo_url)

    assert [item.metadata_prefix for item in client.list_metadata_formats()] == ["oai_dc", "marcxml", "mods"]
    assert [item.set_spec for item in client.list_sets()] == ["type:text"]


def test_deleted_record_comes_with_a_deleted_header_and_no_metadata(server):
    server.catalogue.delete(3)

    record = make_client(server.repo_url).get_record("oai:repo.simpul.test:3", "oai_dc")

    assert record.deleted
    assert record.metadata is None
    assert record.header.datestamp


def test_list_identifiers_gives_headers_without_metadata(server):
    pages = list(make_client(server.repo_url).iter_pages("ListIdentifiers", metadata_prefix="oai_dc"))

    records = [record for page in pages for record in page.records]
    assert len(records) == RECORDS
    assert all(record.metadata is None and record.header.datestamp for record in records)


def test_unreachable_endpoint_raises_source_unreachable():
    port = free_port()  # nothing listens there

    client = make_client(f"http://127.0.0.1:{port}/oai", retry=fast_policy(max_retries=1))
    with pytest.raises(SourceUnreachable):
        client.identify()


def test_a_web_page_is_reported_as_not_oai_pmh(server):
    client = make_client(f"{server.base_url}/slims/index.php", retry=fast_policy(max_retries=1))

    with pytest.raises(NotOaiPmh):
        client.identify()


def test_php_notices_control_characters_and_entities_do_not_break_a_page(server):
    server.faults = Faults(php_notice=True, control_chars=True, html_entities=True)

    pages = list(make_client(server.oai_php_url).iter_pages("ListRecords", metadata_prefix="oai_dc"))

    assert len(set(harvested_identifiers(pages))) == RECORDS
    repairs = " ".join(pages[0].repairs)
    assert "text after </OAI-PMH> removed" in repairs
    assert "illegal XML character" in repairs
    assert "HTML entit" in repairs


def test_a_failed_page_is_handed_to_the_recovery_hook_passed_in(server):
    from dataclasses import replace

    server.faults = Faults(broken_page=2, broken_page_times=None)
    asked = []

    def recover(failure: PageFailed):
        asked.append(failure.resumption_token)
        return replace(failure_page, records=[], recovery="stand-in", resumption_token=None)

    client = make_client(server.repo_url, retry=fast_policy(max_server_error_retries=0))
    failure_page = next(client.iter_pages("ListRecords", metadata_prefix="oai_dc"))

    pages = list(client.iter_pages("ListRecords", metadata_prefix="oai_dc", recover=recover))
    declined = client.iter_pages("ListRecords", metadata_prefix="oai_dc", recover=lambda failure: None)

    assert [page.recovery for page in pages] == [None, "stand-in"]  # in place of the failed page
    assert asked == [failure_page.resumption_token]
    with pytest.raises(PageFailed):  # a hook that declines lets the failure propagate
        list(declined)


def test_the_generic_client_knows_nothing_of_slims():
    import ast
    from pathlib import Path

    import harvest.adapters.oai_client as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    assert not any("slims" in name for name in imported), imported
