"""URLs of an inactive library's host (``TenantMiddleware``): its OAI-PMH endpoint still answers, so an
aggregator that harvested it learns that every record is now deleted; every other page says the library is
not active (``tenants.urls_inactive``)."""

from django.urls import include, path

urlpatterns = [
    path("", include("oaipmh.urls")),
    path("", include("tenants.urls_inactive")),
]
