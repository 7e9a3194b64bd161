"""Signals of the tenancy app, and the process-local host cache kept true to saves and deletes.

``library_withdrawn`` (``library_code``) is sent after the commit that deleted a library or set it
inactive; ``library_reinstated`` (``library``) after the commit that set an inactive library active again.
Tenancy sends them and imports no listener: the union index (``search``) removes or restores the
library's documents (docs/architecture.md, "The house").
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

from tenants import hostname_cache
from tenants.models import Domain, Library

library_withdrawn = Signal()
library_reinstated = Signal()


def connect() -> None:
    for model in (Library, Domain):
        for signal in (post_save, post_delete):
            signal.connect(
                hostname_cache.forget_all,
                sender=model,
                dispatch_uid=f"hostname-cache-{model.__name__}-{signal}",
            )
