"""The search JSON API (search/api.py): answers, 400s with a message, citations, the OpenAPI schema, and
schemathesis over that schema proving that nothing a client sends gives a 5xx."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from tests.search.catalogue import ACEH, LPMQ, MAKASSAR, WORK_KEYS, record_of
from tests.search.test_citations import parse_bibtex, parse_ris

pytestmark = pytest.mark.django_db


def _get(client, path: str, params=None):
    return client.get(path, params or {})


# --- Search --------------------------------------------------------------------------------------------


def test_search_answers_works_with_holdings_facets_and_a_next_token(client, catalogue):
    response = _get(client, "/api/search", {"q": "sholat", "per_halaman": 2})

    body = response.json()
    assert response.status_code == 200
    assert body["total_works"] == 4 and len(body["hits"]) == 2 and body["next"]
    hit = body["hits"][0]
    assert hit["url"].startswith("/karya/") and hit["holdings"][0]["library_url"].startswith("/perpustakaan/")
    assert {"perpustakaan", "provinsi", "jenis", "bahan", "bahasa", "subjek", "ketersediaan"} == {
        f["param"] for f in body["facets"]
    }


def test_search_filters_are_repeated_parameters(client, catalogue):
    response = _get(client, "/api/search?q=sholat&provinsi=Banten&provinsi=Jawa+Timur")

    assert response.status_code == 200
    assert response.json()["total_works"] == 3


def test_search_next_token_fetches_the_following_page(client, catalogue):
    first = _get(client, "/api/search", {"q": "sholat", "per_halaman": 2}).json()
    second = _get(client, "/api/search", {"q": "sholat", "per_halaman": 2, "setelah": first["next"]}).json()
    numbered = _get(client, "/api/search", {"q": "sholat", "per_halaman": 2, "halaman": 2}).json()

    assert [hit["work_key"] for hit in second["hits"]] == [hit["work_key"] for hit in numbered["hits"]]
    assert second["page"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"per_halaman": "1000"}, "per_halaman"),
        ({"per_halaman": "0"}, "per_halaman"),
        ({"halaman": "-1"}, "halaman"),
        ({"halaman": "abc"}, "halaman"),
        ({"urut": "acak"}, "urut"),
        ({"jenis": "pabrik"}, "jenis"),
        ({"tahun_dari": "2020", "tahun_sampai": "2010"}, "tahun_dari"),
        ({"tahun_dari": "99999"}, "tahun_dari"),
        ({"q": "x" * 501}, "q"),
        ({"q": "sholat\x00"}, "q"),
        ({"setelah": "bukan-token"}, "setelah"),
        ({"setelah": "abc", "halaman": "2"}, "setelah"),
        ({"halaman": "600", "per_halaman": "20"}, "setelah"),
        ({"halaman": ""}, "halaman"),
        ({"urut": ""}, "urut"),
        ({"tahun_dari": ""}, "tahun_dari"),
    ],
)
def test_bad_search_parameter_gives_400_with_a_message_naming_it(client, catalogue, params, field):
    response = _get(client, "/api/search", params)

    assert response.status_code == 400
    assert field in response.json()["detail"]


def test_token_of_another_search_gives_400(client, catalogue):
    token = _get(client, "/api/search", {"q": "fikih", "per_halaman": 1}).json()["next"]

    response = _get(client, "/api/search", {"q": "zakat", "setelah": token})

    assert response.status_code == 400 and "setelah" in response.json()["detail"]


@pytest.mark.parametrize(
    "text",
    ['"', "(((", "OR", "NOT -", "judul:", "tahun:abc", "ال", "\u202e\u200f", "🕌" * 50, "a:" * 200, "*?~^"],
)
def test_odd_queries_never_fail(client, catalogue, text):
    assert _get(client, "/api/search", {"q": text}).status_code == 200


# --- Works, records, suggestions -----------------------------------------------------------------------


def test_work_endpoint_lists_all_holdings(client, catalogue):
    response = _get(client, f"/api/works/{WORK_KEYS['moderasi-beragama']}")

    body = response.json()
    assert response.status_code == 200
    assert body["library_count"] == 7 and len(body["holdings"]) == 7
    assert body["work"]["title"] == "Moderasi Beragama"


def test_unknown_work_is_404(client, catalogue):
    assert _get(client, "/api/works/fp:0").status_code == 404


def test_record_endpoint_answers_one_holding(client, catalogue):
    entry = record_of("tuntunan-shalat", MAKASSAR)

    body = _get(client, f"/api/records/{MAKASSAR}:{entry.record_id}").json()

    assert body["record"] == f"{MAKASSAR}:{entry.record_id}"
    assert body["metadata"]["title"] == "Tuntunan Salat Lengkap"
    assert body["work_url"] == f"/karya/{WORK_KEYS['tuntunan-shalat']}/"


def test_unknown_or_huge_record_id_is_404(client, catalogue):
    assert _get(client, f"/api/records/{ACEH}:1").status_code == 404
    assert _get(client, f"/api/records/{ACEH}:99999999999999999999999").status_code == 404


def test_suggest_answers_titles_and_authors(client, catalogue):
    body = _get(client, "/api/suggest", {"q": "quraish"}).json()

    assert {"text": "M. Quraish Shihab", "kind": "pengarang"}.items() <= body["suggestions"][0].items()


def test_suggest_without_text_is_400(client, catalogue):
    assert _get(client, "/api/suggest").status_code == 400
    assert _get(client, "/api/suggest", {"q": "x" * 101}).status_code == 400


# --- Citations -----------------------------------------------------------------------------------------


def test_record_citation_as_ris_parses_and_is_a_download(client, catalogue):
    entry = record_of("tafsir-mishbah", LPMQ)

    response = _get(client, f"/api/records/{LPMQ}:{entry.record_id}/cite", {"format": "ris"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-research-info-systems")
    assert "attachment" in response["Content-Disposition"]
    (record,) = parse_ris(response.content.decode())
    assert record["TI"] == ["Tafsir Al-Mishbah: Pesan, Kesan dan Keserasian Al-Qur'an"]
    assert record["AU"] == ["Shihab, M. Quraish"]
    assert record["SN"] == ["9789799688118"] and record["PY"] == ["2002"]
    assert record["UR"][0].endswith(f"/karya/{WORK_KEYS['tafsir-mishbah']}/")


def test_record_citation_as_bibtex_and_csl_json_parse(client, catalogue):
    entry = record_of("tafsir-muyassar", LPMQ)
    path = f"/api/records/{LPMQ}:{entry.record_id}/cite"

    (bibtex,) = parse_bibtex(_get(client, path, {"format": "bibtex"}).content.decode())
    (csl,) = json.loads(_get(client, path, {"format": "csl-json"}).content)

    assert bibtex["type"] == "book" and bibtex["fields"]["title"] == "التَّفْسِيرُ المُيَسَّرُ"
    assert csl["type"] == "book" and csl["issued"] == {"date-parts": [[2009]]} and csl["language"] == "ar"


def test_unknown_citation_format_is_400_not_404(client, catalogue):
    entry = record_of("tafsir-mishbah", LPMQ)

    response = _get(client, f"/api/records/{LPMQ}:{entry.record_id}/cite", {"format": "docx"})

    assert response.status_code == 400 and "format" in response.json()["detail"]


def test_selection_citation_exports_several_records_in_order(client, catalogue):
    first, second = record_of("hukum-zakat", "uji-uin-yogya"), record_of("wakaf-produktif", LPMQ)
    ids = f"uji-uin-yogya:{first.record_id},{LPMQ}:{second.record_id}"

    response = _get(client, "/api/cite", {"ids": ids, "format": "ris"})

    assert [record["TI"][0] for record in parse_ris(response.content.decode())] == [
        "Hukum Zakat",
        "Manajemen Wakaf Produktif",
    ]


def test_selection_with_a_malformed_id_is_400(client, catalogue):
    response = _get(client, "/api/cite", {"ids": "bukan id"})

    assert response.status_code == 400 and "ids" in response.json()["detail"]


def test_selection_of_unknown_records_is_404(client, catalogue):
    assert _get(client, "/api/cite", {"ids": f"{ACEH}:1"}).status_code == 404


# --- Schema and docs -----------------------------------------------------------------------------------


def test_openapi_schema_describes_the_search_parameters(client, catalogue):
    response = _get(client, "/api/schema/", {"format": "json"})

    schema = response.json()
    parameters = {p["name"] for p in schema["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "perpustakaan", "provinsi", "jenis", "bahan", "bahasa", "subjek"} <= parameters
    assert {"tahun_dari", "tahun_sampai", "urut", "halaman", "setelah", "per_halaman"} <= parameters


def test_docs_page_uses_local_static_files_only(client, catalogue):
    html = _get(client, "/api/docs/").content.decode()

    assert "swagger-ui" in html.lower()
    assert "cdn" not in html.lower() and "https://" not in html


# --- schemathesis ---------------------------------------------------------------------------------------


@pytest.fixture
def api_schema(catalogue, db):
    """The live schema, served by the real WSGI application. As Django's test client does, the
    "close old connections" receivers are held off so the test's transaction survives each request."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        loaded = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
        yield loaded.include(path_regex=SEARCH_API_PATHS)
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)


SEARCH_API_PATHS = r"^/api/(search|suggest|works|records|cite)"


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_no_request_generated_from_the_schema_gives_a_server_error(api_schema, mode):
    """schemathesis' Python API (its pytest plugin does not load under pytest 9): valid requests must
    answer as the schema says, invalid ones with a 4xx; none may answer 5xx."""
    if mode is GenerationMode.NEGATIVE:
        options = {"checks": [not_a_server_error, negative_data_rejection]}
    else:  # an opaque "setelah" token or tahun_dari > tahun_sampai is schema-valid yet rightly refused
        options = {"excluded_checks": [positive_data_acceptance]}

    @given(case=api_schema.as_strategy(mode))
    @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def call(case):
        case.call_and_validate(**options)

    call()


def test_search_answers_503_with_a_message_when_elasticsearch_is_down(client, catalogue, settings):
    from search.es import reset_client

    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    reset_client()
    try:
        response = _get(client, "/api/search", {"q": "sholat"})
        page = client.get("/cari/", {"q": "sholat"})
    finally:
        reset_client()

    assert response.status_code == 503 and "tidak tersedia" in response.json()["detail"]
    assert page.status_code == 503 and "tidak tersedia" in page.content.decode()
