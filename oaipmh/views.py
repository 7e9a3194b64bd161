"""The OAI-PMH endpoint (``/oai``): the union catalogue on the portal host, a library's own catalogue on
its host. Thin: parse the arguments, let ``oaipmh.provider`` answer, stream the bytes."""

from __future__ import annotations

from itertools import chain

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from oaipmh.arguments import parse_request
from oaipmh.errors import BadArgument, OaiError
from oaipmh.provider import Provider, Site
from oaipmh.repository import Repository
from portal.accounts.permissions import current_library

CONTENT_TYPE = "text/xml; charset=utf-8"


def site_of(request: HttpRequest) -> Site:
    port = request.get_port()
    default = "443" if request.is_secure() else "80"
    return Site(
        scheme=request.scheme,
        port_suffix="" if port == default else f":{port}",
        base_url=request.build_absolute_uri(request.path),
    )


@csrf_exempt
@require_http_methods(["GET", "POST", "HEAD"])
def endpoint(request: HttpRequest) -> HttpResponse:
    provider = Provider(Repository(library=current_library(request)), site_of(request))
    params = request.POST if request.method == "POST" else request.GET
    try:
        oai_request = parse_request(params)
    except OaiError as error:
        return HttpResponse(provider.error(None, error.code, error.message), content_type=CONTENT_TYPE)
    try:
        chunks = iter(provider.respond(oai_request))
        first = next(chunks)
    except OaiError as error:
        echoed = None if isinstance(error, BadArgument) else oai_request
        return HttpResponse(provider.error(echoed, error.code, error.message), content_type=CONTENT_TYPE)
    return StreamingHttpResponse(chain([first], chunks), content_type=CONTENT_TYPE)
