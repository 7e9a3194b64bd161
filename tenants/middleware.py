from __future__ import annotations

from django_tenants.middleware.main import TenantMainMiddleware

from tenants import hostname_cache


class TenantMiddleware(TenantMainMiddleware):
    """django-tenants' host → schema middleware, with the host lookup remembered (``hostname_cache``)."""

    def get_tenant(self, domain_model, hostname):
        return hostname_cache.tenant_for(
            hostname,
            lambda: super(TenantMiddleware, self).get_tenant(domain_model, hostname),
            domain_model.DoesNotExist,
        )
