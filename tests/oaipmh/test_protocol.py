"""The six verbs, the formats and every error condition of OAI-PMH 2.0, in process (Django's test client,
real PostgreSQL); every response is checked against the schemas."""

from __future__ import annotations

import pytest

from oaipmh.identifiers import identifier_for, parse_identifier
from tests.oaipmh.builders import add_records, headers, token_of
from tests.oaipmh.client import library_host, oai
from tests.oaipmh.validation import NS, error_code, parse


def test_identify_describes_the_union_in_indonesian_with_every_library_endpoint(client, library_a, library_b):
    root = parse(oai(client, {"verb": "Identify"}))
    identify = root.find("oai:Identify", NS)
    assert identify.findtext("oai:deletedRecord", namespaces=NS) == "persistent"
    assert identify.findtext("oai:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.findtext("oai:baseURL", namespaces=NS) == "http://testserver/oai"
    texts = {
        node.get("{http://www.w3.org/XML/1998/namespace}lang"): node.text
        for node in root.iter(f"{{{NS['dc']}}}description")
    }
    assert (
        "Pengenal cantuman berbentuk oai:simpul.localhost:<kode perpustakaan>:<nomor cantuman>" in texts["id"]
    )
    assert "identifiers" in texts["en"].lower()
    relations = [node.text for node in root.iter(f"{{{NS['dc']}}}relation")]
    assert f"http://{library_host(library_a)}/oai" in relations
    assert f"http://{library_host(library_b)}/oai" in relations
    sample = root.findtext(".//{http://www.openarchives.org/OAI/2.0/oai-identifier}sampleIdentifier")
    assert parse_identifier(sample) is not None


def test_identify_of_a_library_links_its_page_and_the_union(client, library_a):
    root = parse(oai(client, {"verb": "Identify"}, host=library_host(library_a)))
    assert library_a.name in root.findtext("oai:Identify/oai:repositoryName", namespaces=NS)
    relations = [node.text for node in root.iter(f"{{{NS['dc']}}}relation")]
    assert relations == [f"http://localhost/perpustakaan/{library_a.code}/", "http://localhost/oai"]


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("prefix", ["oai_dc", "marcxml", "mods"])
def test_list_records_and_get_record_in_every_format_by_get_and_post(client, library_a, prefix, method):
    ids = add_records(library_a, 3)
    body = oai(
        client,
        {"verb": "ListRecords", "metadataPrefix": prefix, "set": f"library:{library_a.code}"},
        method=method,
    )
    assert [identifier for identifier, _, _ in headers(body)] == [
        identifier_for(library_a.code, i) for i in ids
    ]
    identifier = identifier_for(library_a.code, ids[0])
    root = parse(
        oai(client, {"verb": "GetRecord", "metadataPrefix": prefix, "identifier": identifier}, method=method)
    )
    assert root.find("oai:GetRecord/oai:record/oai:metadata", NS) is not None


def test_library_endpoint_lists_only_its_own_catalogue(client, library_a, library_b):
    own = add_records(library_a, 2)
    add_records(library_b, 2)
    body = oai(client, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}, host=library_host(library_a))
    assert [identifier for identifier, _, _ in headers(body)] == [
        identifier_for(library_a.code, i) for i in own
    ]
    other = identifier_for(library_b.code, 1)
    body = oai(
        client,
        {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": other},
        host=library_host(library_a),
    )
    assert error_code(parse(body)) == "idDoesNotExist"


def test_sets_by_library_kind_and_province(client, library_a, library_b):
    a_ids = add_records(library_a, 2)
    b_ids = add_records(library_b, 1)
    specs = [node.text for node in parse(oai(client, {"verb": "ListSets"})).iter(f"{{{NS['oai']}}}setSpec")]
    assert {"library", f"library:{library_a.code}", "kind", "kind:bdk", "province", "province:aceh"} <= set(
        specs
    )

    def listed(set_spec):
        body = oai(client, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": set_spec})
        return [identifier for identifier, _, _ in headers(body)] if error_code(parse(body)) is None else []

    a_identifiers = [identifier_for(library_a.code, i) for i in a_ids]
    b_identifiers = [identifier_for(library_b.code, i) for i in b_ids]
    assert listed("province:aceh") == a_identifiers
    assert listed("province:sumatera-utara") == b_identifiers
    assert set(listed("kind:bdk")) == set(a_identifiers + b_identifiers)
    assert listed("kind:ptkin") == []


def test_metadata_formats_for_an_item_and_for_the_repository(client, library_a):
    (record_id,) = add_records(library_a, 1)
    for params in ({}, {"identifier": identifier_for(library_a.code, record_id)}):
        root = parse(oai(client, {"verb": "ListMetadataFormats", **params}))
        prefixes = [node.text for node in root.iter(f"{{{NS['oai']}}}metadataPrefix")]
        assert prefixes == ["oai_dc", "marcxml", "mods"]


ERRORS = [
    ({}, "badVerb"),
    ({"verb": "ListEverything"}, "badVerb"),
    ({"verb": ["Identify", "Identify"]}, "badVerb"),
    ({"verb": "Identify", "metadataPrefix": "oai_dc"}, "badArgument"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": ["oai_dc", "mods"]}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "identifier": "x"}, "badArgument"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc"}, "badArgument"),
    (
        {
            "verb": "ListRecords",
            "metadataPrefix": "oai_dc",
            "from": "2020-01-01",
            "until": "2020-02-01T00:00:00Z",
        },
        "badArgument",
    ),
    (
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2021-01-01", "until": "2020-01-01"},
        "badArgument",
    ),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-02-30"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-01-01T00:00:00"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "abc"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "marc 21"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "dc"}, "cannotDisseminateFormat"),
    (
        {
            "verb": "GetRecord",
            "metadataPrefix": "oai_dc",
            "identifier": "oai:simpul.localhost:uji-aceh:999999999",
        },
        "idDoesNotExist",
    ),
    (
        {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:elsewhere.org:uji-aceh:1"},
        "idDoesNotExist",
    ),
    ({"verb": "ListMetadataFormats", "identifier": "oai:simpul.localhost:uji-aceh:007"}, "idDoesNotExist"),
    ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
    ({"verb": "ListSets", "resumptionToken": "anything"}, "badResumptionToken"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "library:no-such-library"}, "noRecordsMatch"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "colour:blue"}, "noRecordsMatch"),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2999-01-01"}, "noRecordsMatch"),
]


@pytest.mark.parametrize(("params", "code"), ERRORS)
def test_error_conditions_are_answered_as_the_protocol_says(client, library_a, params, code):
    add_records(library_a, 1)
    root = parse(oai(client, params))
    assert error_code(root) == code
    request = root.find("oai:request", NS)
    if code in ("badVerb", "badArgument"):
        assert dict(request.attrib) == {}  # OAI-PMH 2.0 §3.2: no attributes after these two errors
    else:
        assert request.get("verb") == params["verb"]


def test_a_library_endpoint_has_no_set_hierarchy(client, library_a):
    add_records(library_a, 1)
    host = library_host(library_a)
    assert error_code(parse(oai(client, {"verb": "ListSets"}, host=host))) == "noSetHierarchy"
    params = {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "library"}
    assert error_code(parse(oai(client, params, host=host))) == "noSetHierarchy"


def test_other_http_methods_are_refused(client, db):
    assert client.put("/oai").status_code == 405


def test_identifier_parsing_accepts_only_our_own_identifiers(settings):
    assert parse_identifier("oai:simpul.localhost:bdk-aceh:42").record_id == 42
    for wrong in (
        "oai:simpul.localhost:bdk-aceh:042",
        "oai:simpul.localhost:BDK:1",
        "oai:other.org:a:1",
        "x",
    ):
        assert parse_identifier(wrong) is None
    settings.OAIPMH_REPOSITORY_IDENTIFIER = "simpul.kemenag.go.id"
    assert identifier_for("lpmq", 7) == "oai:simpul.kemenag.go.id:lpmq:7"


def test_a_token_of_one_list_is_refused_by_another(client, library_a, settings):
    settings.OAIPMH_IDENTIFIERS_PAGE_SIZE = 1
    add_records(library_a, 3)
    body = oai(client, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    token = token_of(body).text
    assert (
        error_code(parse(oai(client, {"verb": "ListRecords", "resumptionToken": token})))
        == "badResumptionToken"
    )
    on_library = oai(
        client, {"verb": "ListIdentifiers", "resumptionToken": token}, host=library_host(library_a)
    )
    assert error_code(parse(on_library)) == "badResumptionToken"
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert (
        error_code(parse(oai(client, {"verb": "ListIdentifiers", "resumptionToken": tampered})))
        == "badResumptionToken"
    )


def test_an_expired_token_is_a_bad_resumption_token(client, library_a, settings):
    settings.OAIPMH_IDENTIFIERS_PAGE_SIZE = 1
    add_records(library_a, 2)
    token = token_of(oai(client, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})).text
    settings.OAIPMH_TOKEN_SECONDS = -1
    assert (
        error_code(parse(oai(client, {"verb": "ListIdentifiers", "resumptionToken": token})))
        == "badResumptionToken"
    )
