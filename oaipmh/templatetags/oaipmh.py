"""``{% oai_endpoint_url %}``: the OAI-PMH address of this host, or of ``library``'s own host."""

from __future__ import annotations

from django import template
from django.urls import reverse

from oaipmh.identifiers import repository_identifier
from tenants.services import library_domain

register = template.Library()


@register.simple_tag(takes_context=True)
def oai_endpoint_url(context, library=None) -> str:
    request = context.get("request")
    path = reverse("oaipmh:endpoint")
    if request is None:
        return path
    if library is None:
        return request.build_absolute_uri(path)
    port = request.get_port()
    default = "443" if request.is_secure() else "80"
    suffix = "" if port == default else f":{port}"
    return f"{request.scheme}://{library_domain(library.code)}{suffix}{path}"


@register.simple_tag
def oai_repository_identifier() -> str:
    return repository_identifier()
