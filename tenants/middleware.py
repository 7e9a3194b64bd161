from __future__ import annotations

from django.conf import settings
from django_tenants.middleware.main import TenantMainMiddleware

from tenants import hostname_cache
from tenants.models import Library

INACTIVE_URLCONF = "tenants.urls_inactive"


class TenantMiddleware(TenantMainMiddleware):
    """django-tenants' host → schema middleware, with the host lookup remembered (``hostname_cache``).

    An inactive library's host answers every page with "not active" (``tenants.urls_inactive``) instead of
    its catalogue; static files still load so that page has its style."""

    def get_tenant(self, domain_model, hostname):
        return hostname_cache.tenant_for(
            hostname,
            lambda: super(TenantMiddleware, self).get_tenant(domain_model, hostname),
            domain_model.DoesNotExist,
        )

    def process_request(self, request):
        response = super().process_request(request)
        tenant = getattr(request, "tenant", None)
        if (
            isinstance(tenant, Library)
            and not tenant.active
            and not request.path_info.startswith(settings.STATIC_URL)
        ):
            request.urlconf = getattr(settings, "TENANT_INACTIVE_URLCONF", INACTIVE_URLCONF)
        return response
