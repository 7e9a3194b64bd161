"""No input gives a 500: arbitrary verbs and arguments (GET and POST) always get a schema-valid OAI-PMH
answer (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.oaipmh.validation import assert_valid

NAMES = st.sampled_from(
    ["verb", "metadataPrefix", "identifier", "from", "until", "set", "resumptionToken", "x", "VERB", ""]
)
VALUES = st.one_of(
    st.sampled_from(
        [
            "Identify", "ListRecords", "ListIdentifiers", "GetRecord", "ListSets", "ListMetadataFormats",
            "oai_dc", "marcxml", "mods", "2024-01-01", "2024-01-01T00:00:00Z", "9999-12-31", "0000-00-00",
            "library", "library:uji-aceh", "kind:bdk", "oai:simpul.localhost:uji-aceh:1", "province:aceh",
        ]
    ),
    st.text(max_size=40),
)  # fmt: skip
ARGUMENTS = st.lists(st.tuples(NAMES, VALUES), max_size=6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(arguments=ARGUMENTS, method=st.sampled_from(["get", "post"]))
def test_any_arguments_get_a_valid_oai_pmh_answer(client, library_a, arguments, method):
    data: dict[str, list[str]] = {}
    for name, value in arguments:
        data.setdefault(name, []).append(value)
    call = client.post if method == "post" else client.get
    for host in ("testserver", "uji-aceh.localhost"):
        response = call("/oai", data, HTTP_HOST=host)
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert_valid(body)
