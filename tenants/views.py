from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def portal_url(request: HttpRequest) -> str:
    """The union portal's address as seen from ``request`` (same scheme and port, the base domain)."""
    port = request.get_port()
    default = "443" if request.is_secure() else "80"
    return f"{request.scheme}://{settings.BASE_DOMAIN}{'' if port == default else ':' + port}/"


def library_inactive(request: HttpRequest) -> HttpResponse:
    context = {"library": request.tenant, "portal_url": portal_url(request)}
    return render(request, "tenants/library_inactive.html", context, status=404)
