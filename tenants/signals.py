from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from tenants import hostname_cache
from tenants.models import Domain, Library


def connect() -> None:
    for model in (Library, Domain):
        for signal in (post_save, post_delete):
            signal.connect(
                hostname_cache.forget_all,
                sender=model,
                dispatch_uid=f"hostname-cache-{model.__name__}-{signal}",
            )
