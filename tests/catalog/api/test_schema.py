"""The staff API's OpenAPI schema: generated for a library's site with warnings as errors, every write in
it with its request and response bodies, valid OpenAPI; and schemathesis over it, signed in as the
library's librarian (session and CSRF token as a browser sends them): nothing a client sends gives a 5xx."""

from __future__ import annotations

import re

import pytest
import schemathesis
import werkzeug
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django_tenants.utils import tenant_context
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    ignored_auth,
    negative_data_rejection,
    positive_data_acceptance,
)

from catalog.cataloguing.services import save_authority
from catalog.models import Author, Item, Publisher, Record, Subject
from tests.catalog.api.helpers import librarian_client, saved_record
from tests.catalog.roles import managed
from tests.factories import host_of

SCHEMA = "/api/katalog/schema/?format=json"
ENDPOINTS = ("records", "copies", "authors", "subjects", "publishers")


@pytest.fixture
def library(library_a):
    return managed(library_a)


def _schema(library) -> dict:
    client, _user = librarian_client(library)
    GENERATOR_STATS.reset()
    response = client.get(SCHEMA, HTTP_HOST=host_of(library))
    assert response.status_code == 200
    problems = dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    assert not problems, f"drf-spectacular warned while generating the schema: {list(problems)}"
    return response.json()


def test_the_schema_is_generated_without_a_warning_and_is_valid_openapi(library):
    schema = _schema(library)

    validate_schema(schema)
    assert all(path.startswith("/api/katalog/") for path in schema["paths"])


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_write_is_in_the_schema_with_request_and_response_bodies(library, endpoint):
    paths = _schema(library)["paths"]
    collection, item = paths[f"/api/katalog/{endpoint}/"], paths[f"/api/katalog/{endpoint}/{{id}}/"]

    assert set(collection) == {"get", "post"} and set(item) == {"get", "put", "patch", "delete"}
    for operation, ok in ((collection["post"], "201"), (item["put"], "200"), (item["patch"], "200")):
        body = operation["requestBody"]
        assert (
            set(body["content"]) == {"application/json"}
            and "$ref" in body["content"]["application/json"]["schema"]
        )
        assert "$ref" in operation["responses"][ok]["content"]["application/json"]["schema"]
        assert {"400", "403"} <= set(operation["responses"])
    assert {"204", "403", "404", "409"} <= set(item["delete"]["responses"])
    assert {"200", "400", "403", "404"} <= set(collection["get"]["responses"])  # a filter that is no value


def test_the_docs_page_sends_the_csrf_token_with_its_requests(library):
    client, _user = librarian_client(library)

    page = client.get("/api/katalog/docs/", HTTP_HOST=host_of(library)).content.decode()

    assert re.search(r'request\.headers\["X-CSRFTOKEN"\] = "\w+"', page)


# --- schemathesis -------------------------------------------------------------------------------------


@pytest.fixture
def existing_ids(library) -> dict[str, list[int]]:
    """Records, copies and authorities for the generated requests to find (a generated id alone rarely
    names one): per endpoint, the ids there are."""
    for _count in range(3):
        saved_record(library, codes=2)
    with tenant_context(library):
        for model in (Author, Subject, Publisher):
            save_authority(model=model, name="Tidak Terpakai", actor=None)
        return {
            endpoint: list(model.objects.values_list("pk", flat=True))
            for endpoint, model in zip(ENDPOINTS, (Record, Item, Author, Subject, Publisher), strict=True)
        }


@pytest.fixture
def browser(library):
    """A WSGI client holding a browser session of the library's librarian (session and CSRF cookies for
    the library's host) and the headers its pages send: the host and the CSRF token of the docs page."""
    client, _user = librarian_client(library, name="fuzz-pustakawan")
    host = host_of(library)
    page = client.get("/api/katalog/docs/", HTTP_HOST=host).content.decode()
    token = re.search(r'request\.headers\["X-CSRFTOKEN"\] = "(\w+)"', page).group(1)
    session = werkzeug.Client(get_wsgi_application())
    for name, morsel in client.cookies.items():
        session.set_cookie(name, morsel.value, domain=host)
    return session, {"Host": host, "X-CSRFToken": token}


@pytest.fixture
def api_schema(library, browser):
    """The live schema as the library's site serves it, called through the real WSGI application. As
    Django's test client does, the "close old connections" receivers are held off so the test's
    transaction survives each request."""
    client, _user = librarian_client(library)
    served = client.get(SCHEMA, HTTP_HOST=host_of(library)).json()
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        loaded = schemathesis.openapi.from_dict(served)
        loaded.app = browser[0].application
        # the session is the browser's (its cookie jar): not a parameter for schemathesis to vary
        loaded.config.generation.update(with_security_parameters=False)
        yield loaded
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_no_request_generated_from_the_schema_gives_a_server_error(api_schema, browser, existing_ids, mode):
    """Every operation, each with generated requests (half of those with an id naming an object that
    exists): none gets a 5xx, and every answer is one the schema declares, with the body it declares.
    Not checked: that a schema-valid body is accepted (the save service refuses a wrong ISBN check digit,
    which is a string) nor that every schema-violating value is refused (DRF reads "1" as 1, "yes" as
    true and ``?page=`` as the first page, by design): the tests next to this one check what is accepted
    and refused. The session lives in the browser's cookie jar, which a "wrong credentials" probe still
    sends: test_roles.py proves that a request without it is refused."""
    statuses: dict[str, set[int]] = {}

    for result in api_schema.get_all_operations():
        operation = result.ok()
        found = _fuzz(operation, mode, browser, existing_ids[operation.path.split("/")[3]])
        statuses[f"{operation.method.upper()} {operation.path}"] = found

    print({key: sorted(value) for key, value in statuses.items()})
    assert len(statuses) == 31  # every operation of the five endpoints (and the duplicate check) was called
    if mode is GenerationMode.POSITIVE:  # and the generated requests did reach the writers
        assert 201 in statuses["POST /api/katalog/subjects/"]
        assert (
            200 in statuses["PATCH /api/katalog/records/{id}/"] | statuses["PUT /api/katalog/records/{id}/"]
        )
        assert (
            204
            in statuses["DELETE /api/katalog/copies/{id}/"] | statuses["DELETE /api/katalog/records/{id}/"]
        )


def _fuzz(operation, mode, browser, ids: list[int]) -> set[int]:
    """Call ``operation`` with generated requests; the statuses it answered."""
    session, headers = browser
    excluded = [positive_data_acceptance, negative_data_rejection, ignored_auth]
    answered: set[int] = set()

    @given(case=operation.as_strategy(mode), pick=st.integers(0, 1000), existing=st.booleans())
    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def call(case, pick, existing):
        if existing and "id" in (case.path_parameters or {}):
            case.path_parameters["id"] = ids[pick % len(ids)]
        response = case.call_and_validate(session=session, headers=headers, excluded_checks=excluded)
        answered.add(response.status_code)

    try:
        call()
    except Unsatisfiable:  # nothing of this operation can be made invalid (DELETE takes only its id)
        assert mode is GenerationMode.NEGATIVE, operation.path
    return answered
