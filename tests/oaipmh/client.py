"""Requests to the OAI-PMH endpoint through Django's test client (in process)."""

from __future__ import annotations

from tests.factories import host_of
from tests.oaipmh.validation import assert_valid

UNION_HOST = "testserver"


def oai(client, params: dict | None = None, *, host: str = UNION_HOST, method: str = "get") -> bytes:
    """The body of one OAI-PMH request (``host``: a library's host or the portal's), checked valid."""
    call = client.post if method == "post" else client.get
    response = call("/oai", params or {}, HTTP_HOST=host)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/xml")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert_valid(body)
    return body


def library_host(library) -> str:
    return host_of(library)
