"""SLiMS awareness (harvest/adapters/slims.py): record keys, endpoint detection, and whole harvests of the
loopback server's SLiMS endpoints, quirks included."""

import pytest

from harvest.adapters.dispatch import map_oai_record
from harvest.adapters.mods import map_mods
from harvest.adapters.oai_client import OaiClient, PageFailed, RequestFailed, RetryPolicy
from harvest.adapters.slims import (
    OAI2_PHP_PROFILE,
    OAI_PHP_PROFILE,
    STANDARD_PROFILE,
    SlimsFlavour,
    detect_slims_flavour,
    iter_slims_pages,
    mods_detail_url,
    next_offset_token,
    offset_from_token,
    profile_for,
    record_key_from_identifier,
)
from tests.harvest.builders import ARABIC_TITLE, SAHIH_TITLE, TAFSIR_TITLE, build_records
from tests.harvest.oai_server import Catalogue, Faults, OaiTestServer

RECORDS = 250


@pytest.fixture
def server():
    with OaiTestServer(Catalogue(build_records(size=RECORDS))) as running:
        yield running


def client_for(url: str, profile=OAI_PHP_PROFILE, **overrides) -> OaiClient:
    retry = RetryPolicy(
        max_retries=1,
        max_server_error_retries=profile.retry.max_server_error_retries,
        backoff_base=0.01,
        backoff_max=0.02,
        jitter=False,
    )
    return OaiClient(url, retry=overrides.pop("retry", retry), timeout=5.0, **overrides)


def harvest(pages):
    """Map every record of the walk; returns (records by key, deleted keys, pages)."""
    records, deleted, walked = {}, set(), []
    for page in pages:
        walked.append(page)
        for record in page.records:
            key = record_key_from_identifier(record.identifier)
            if record.deleted:
                deleted.add(key)
                continue
            assert key not in records, f"record {key} delivered twice"
            records[key] = map_oai_record(record)
    return records, deleted, walked


# --- identifiers and detection -------------------------------------------------------------------------


def test_record_key_of_oai_php_identifier_is_the_biblio_id():
    assert record_key_from_identifier("oai:slims/1204") == "1204"


@pytest.mark.parametrize(
    "identifier",
    ["oai:127.0.0.1:8089:slims-42", "oai:localhost:9000:slims-42", "oai:perpus.bdk.test:slims-42"],
)
def test_record_key_of_oai2_identifier_ignores_host_and_port(identifier):
    assert record_key_from_identifier(identifier) == "42"


def test_record_key_of_a_standard_identifier_is_the_whole_identifier():
    assert record_key_from_identifier("oai:repo.simpul.test:42") == "oai:repo.simpul.test:42"
    assert record_key_from_identifier(" 0042 ") == "42"


def test_oai2_identifiers_embed_the_harvesters_host_but_keys_do_not(server):
    by_ip = client_for(server.oai2_php_url).get_record("5", "oai_dc")
    by_name = client_for(server.oai2_php_url.replace("127.0.0.1", "localhost")).get_record("5", "oai_dc")

    assert by_ip.identifier == f"oai:127.0.0.1:{server.port}:slims-5"
    assert by_name.identifier == f"oai:localhost:{server.port}:slims-5"
    assert (
        record_key_from_identifier(by_ip.identifier) == record_key_from_identifier(by_name.identifier) == "5"
    )


def test_flavour_detected_from_the_url_path():
    assert detect_slims_flavour("http://perpus.test/slims/oai.php") is SlimsFlavour.OAI_PHP
    assert detect_slims_flavour("http://perpus.test/oai2.php?") is SlimsFlavour.OAI2_PHP
    assert detect_slims_flavour("http://repo.test/oai") is None


def test_flavour_detected_from_identify_and_identifier_shapes(server):
    identify = client_for(server.oai2_php_url).identify()

    assert detect_slims_flavour("http://proxy.test/opac/oai", identify) is SlimsFlavour.OAI2_PHP
    assert detect_slims_flavour("http://proxy.test/oai", identifiers=["oai:slims/7"]) is SlimsFlavour.OAI_PHP
    assert detect_slims_flavour("http://proxy.test/oai", identifiers=["oai:10.0.0.5:80:slims-7"]) is (
        SlimsFlavour.OAI2_PHP
    )


def test_profiles_say_what_each_endpoint_cannot_do():
    assert profile_for("http://x/oai.php") is OAI_PHP_PROFILE
    assert profile_for("http://x/oai2.php") is OAI2_PHP_PROFILE
    assert profile_for("http://x/oai") is STANDARD_PROFILE
    assert not OAI_PHP_PROFILE.supports_incremental and not OAI_PHP_PROFILE.has_datestamps
    assert OAI2_PHP_PROFILE.hidden_as_deleted and not OAI2_PHP_PROFILE.reports_edits
    assert not OAI2_PHP_PROFILE.oai_dc_has_copies


def test_oai_php_from_without_until_is_not_sent():
    assert OAI_PHP_PROFILE.list_params(from_="2024-01-01", until=None) == {"from_": None, "until": None}
    assert OAI_PHP_PROFILE.list_params(from_="2024-01-01", until="2024-02-01") == {
        "from_": "2024-01-01",
        "until": "2024-02-01",
    }


@pytest.mark.parametrize(
    ("token", "offset", "following"),
    [
        (None, 0, "oai_dc/100"),
        ("oai_dc/200", 200, "oai_dc/300"),
        ("offset%3D200%26metadataPrefix%3Doai_dc", 200, "offset%3D300%26metadataPrefix%3Doai_dc"),
        ("offset=200&metadataPrefix=oai_dc", 200, "offset=300&metadataPrefix=oai_dc"),
    ],
)
def test_oai_php_tokens_are_offsets_and_the_next_one_can_be_computed(token, offset, following):
    assert offset_from_token(token) == offset
    assert next_offset_token(token, 100) == following


def test_opaque_token_is_not_an_offset_token():
    assert offset_from_token("eyJ2IjoyfQ.9f2c") is None


def test_mods_detail_url_sits_beside_the_oai_endpoint():
    assert mods_detail_url("http://perpus.test:8089/slims/oai.php", "42") == (
        "http://perpus.test:8089/slims/index.php?p=show_detail&inXML=true&id=42"
    )


# --- oai.php ------------------------------------------------------------------------------------------


def test_oai_php_full_walk_harvests_every_record_once_newest_first(server):
    records, deleted, pages = harvest(iter_slims_pages(client_for(server.oai_php_url), OAI_PHP_PROFILE))

    assert len(records) == RECORDS and not deleted
    assert pages[0].records[0].identifier == f"oai:slims/{RECORDS}"
    assert all(record.header.datestamp is None for page in pages for record in page.records)
    assert records["4"].copies and records["4"].isbn_issn == "9789793316559"


def test_oai_php_page_with_a_hidden_record_is_rebuilt_record_by_record(server):
    server.catalogue.hide(150)  # on the second page (newest first: ids 150..51)

    records, deleted, pages = harvest(iter_slims_pages(client_for(server.oai_php_url), OAI_PHP_PROFILE))

    recovered = [page for page in pages if page.recovery is not None]
    assert len(recovered) == 1
    assert recovered[0].recovery.failure.status == 500
    assert recovered[0].recovery.failure.resumption_token == "oai_dc/100"
    assert len(recovered[0].recovery.identifiers) == 100
    assert recovered[0].recovery.gone == ["oai:slims/150"]
    assert deleted == {"150"}
    assert set(records) == {str(biblio_id) for biblio_id in range(1, RECORDS + 1)} - {"150"}
    assert {record.source for record in recovered[0].records if not record.deleted} == {"getrecord"}
    statuses = [(entry.params.get("verb"), entry.status) for entry in server.requests]
    assert ("ListIdentifiers", 200) in statuses
    assert server.requests[-1].params == {"verb": "ListRecords", "resumptionToken": "oai_dc/200"}


def test_records_of_a_failed_page_come_from_mods_when_getrecord_fails_too(server):
    server.faults = Faults(broken_page=2, page_size=25, reset=1000, verbs=frozenset({"GetRecord"}))

    records, deleted, pages = harvest(iter_slims_pages(client_for(server.oai_php_url), OAI_PHP_PROFILE))

    recovered = next(page for page in pages if page.recovery is not None)
    assert len(recovered.records) == 25
    assert {record.source for record in recovered.records} == {"mods"}
    assert len(records) == RECORDS and not deleted
    from_mods = records["220"]  # second page of 25, newest first: ids 225..201
    assert from_mods.raw_format == "mods"
    assert from_mods.copies and all(copy.location for copy in from_mods.copies)
    assert from_mods.title == server.catalogue.get(220).record.title


def test_records_neither_getrecord_nor_mods_deliver_are_reported_not_lost_silently(server):
    server.faults = Faults(broken_page=1, page_size=25, reset=1000, verbs=frozenset({"GetRecord"}))

    pages = list(iter_slims_pages(client_for(server.oai_php_url), OAI_PHP_PROFILE, use_mods=False))

    recovery = pages[0].recovery
    assert len(recovery.unrecovered) == 25
    assert recovery.unrecovered[0][0] == f"oai:slims/{RECORDS}"
    assert pages[0].problems == recovery.unrecovered
    assert pages[0].resumption_token == "oai_dc/25"
    assert sum(len(page.records) for page in pages) == RECORDS - 25


def test_oai_php_walk_stops_when_the_endpoint_stops_answering_instead_of_walking_blind_offsets(server):
    """After the first page every request is reset: neither ListRecords nor ListIdentifiers answers, so
    no page can be rebuilt. A few blind pages are reported; then the failure is raised, not an endless
    walk through offsets that no longer exist."""
    walk = iter_slims_pages(client_for(server.oai_php_url), OAI_PHP_PROFILE)
    first = next(walk)
    server.faults = Faults(reset=10_000)
    blind = []
    with pytest.raises(PageFailed) as caught:
        for page in walk:
            blind.append(page)
            assert len(blind) <= 10, "the walk does not end"

    assert first.resumption_token == "oai_dc/100"
    assert len(blind) == 3
    assert all(page.recovery.identifiers_failed and not page.records for page in blind)
    assert caught.value.resumption_token == "oai_dc/400"


def test_oai2_failed_page_is_not_skipped_but_raised_with_its_token(server):
    server.faults = Faults(broken_page=2)

    with pytest.raises(PageFailed) as caught:
        list(iter_slims_pages(client_for(server.oai2_php_url, OAI2_PHP_PROFILE), OAI2_PHP_PROFILE))

    assert caught.value.resumption_token


def test_mojibake_titles_from_oai_php_arrive_repaired(server):
    records, _, _ = harvest(iter_slims_pages(client_for(server.oai_php_url), OAI_PHP_PROFILE))

    assert records["1"].title == ARABIC_TITLE
    assert records["2"].title == SAHIH_TITLE
    assert records["3"].title == TAFSIR_TITLE  # broken in the database, broken again by oai.php


def test_oai_php_list_identifiers_shows_last_update_and_ignores_dates(server):
    client = client_for(server.oai_php_url)
    before = {
        record.identifier: record.header.datestamp
        for page in client.iter_pages(
            "ListIdentifiers", metadata_prefix="oai_dc", from_="2030-01-01", until="2030-02-01"
        )
        for record in page.records
    }
    server.catalogue.edit_title(9, "Judul baru")
    server.catalogue.delete(10)

    after = {
        record.identifier: record.header.datestamp
        for page in client.iter_pages("ListIdentifiers", metadata_prefix="oai_dc")
        for record in page.records
    }

    assert len(before) == RECORDS  # the date filter was ignored
    assert before["oai:slims/9"] != after["oai:slims/9"]  # the edit shows only here
    assert "oai:slims/10" not in after  # a physical delete shows only as absence
    assert len(after) == RECORDS - 1


def test_oai_php_from_until_filters_on_creation_dates(server):
    client = client_for(server.oai_php_url)
    window = {"from_": "2015-01-01T00:00:00Z", "until": "2015-01-01T20:00:00Z"}  # ids 1..25 created then

    pages = list(client.iter_pages("ListRecords", metadata_prefix="oai_dc", **window))

    keys = [record_key_from_identifier(record.identifier) for page in pages for record in page.records]
    assert keys == [str(biblio_id) for biblio_id in range(25, 0, -1)]


def test_oai_php_date_filter_is_lost_after_the_first_page(server):
    client = client_for(server.oai_php_url)
    window = {"from_": "2015-01-01T00:00:00Z", "until": "2015-01-04T10:30:00Z"}  # ids 1..150

    pages = list(client.iter_pages("ListRecords", metadata_prefix="oai_dc", **window))

    first, second = ([record_key_from_identifier(r.identifier) for r in page.records] for page in pages[:2])
    assert pages[0].complete_list_size == 150
    assert first == [str(biblio_id) for biblio_id in range(150, 50, -1)]
    assert second == first  # the token carries only the offset: page two is the unfiltered list's
    assert not OAI_PHP_PROFILE.date_filter_survives_paging


# --- oai2.php -----------------------------------------------------------------------------------------


def test_oai2_walk_is_oldest_first_with_local_datestamps_and_year_sets(server):
    client = client_for(server.oai2_php_url, OAI2_PHP_PROFILE)
    records, deleted, pages = harvest(iter_slims_pages(client, OAI2_PHP_PROFILE))

    first = pages[0].records[0]
    assert first.identifier == f"oai:127.0.0.1:{server.port}:slims-1"
    assert first.header.datestamp == "2015-01-01T08:00:00Z"  # local time labelled Z
    assert first.header.set_specs == ("1423 H/2002",)
    assert pages[0].expiration_date.endswith("GMT+0000GMT+00000")
    assert len(records) == RECORDS and not deleted
    assert records["1"].title == ARABIC_TITLE


def test_oai2_hidden_record_comes_as_a_deleted_header(server):
    server.catalogue.hide(7)

    records, deleted, _ = harvest(
        iter_slims_pages(client_for(server.oai2_php_url, OAI2_PHP_PROFILE), OAI2_PHP_PROFILE)
    )

    assert deleted == {"7"}
    assert "7" not in records


def test_oai2_getrecord_of_a_hidden_record_still_returns_metadata(server):
    server.catalogue.hide(7)

    record = client_for(server.oai2_php_url, OAI2_PHP_PROFILE).get_record(
        f"oai:127.0.0.1:{server.port}:slims-7", "oai_dc"
    )

    assert not record.deleted
    assert map_oai_record(record).title == server.catalogue.get(7).record.title


def test_oai2_physical_delete_is_never_reported(server):
    server.catalogue.delete(8)

    records, deleted, _ = harvest(
        iter_slims_pages(client_for(server.oai2_php_url, OAI2_PHP_PROFILE), OAI2_PHP_PROFILE)
    )

    assert "8" not in records and "8" not in deleted
    assert len(records) == RECORDS - 1


# --- MODS exports -----------------------------------------------------------------------------------------


def test_mods_detail_carries_copies_locations_and_dates(server):
    parsed = client_for(server.oai_php_url).fetch_xml(server.mods_detail_url(4))

    record = map_mods("", parsed.root)
    source = server.catalogue.get(4)
    assert record.source_key == "4"
    assert record.title == source.record.title
    assert [copy.item_code for copy in record.copies] == [copy.item_code for copy in source.record.copies]
    assert record.extra["created"] == f"{source.input_date:%Y-%m-%d %H:%M:%S}"


def test_mods_detail_of_a_hidden_or_deleted_record_is_404(server):
    server.catalogue.hide(4)
    server.catalogue.delete(5)
    client = client_for(server.oai_php_url)

    for biblio_id in (4, 5):
        with pytest.raises(RequestFailed) as caught:
            client.fetch_xml(server.mods_detail_url(biblio_id))
        assert caught.value.status == 404


def test_result_xml_lists_visible_records_as_a_mods_collection(server):
    client = client_for(server.oai_php_url)

    def listed(keywords: str = "") -> list[str]:
        root = client.fetch_xml(server.result_xml_url(keywords)).root
        return [
            map_mods("", mods).source_key for mods in root if mods.tag == "{http://www.loc.gov/mods/v3}mods"
        ]

    assert listed("shalat, zakat") == ["4"]
    assert listed() == [str(biblio_id) for biblio_id in range(RECORDS, RECORDS - 10, -1)]
    server.catalogue.hide(4)
    assert listed("shalat, zakat") == []
