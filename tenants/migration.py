"""``migrate_schemas`` runs tenant schemas in parallel unless told otherwise (``--executor standard``)."""

from __future__ import annotations

import os

from django_tenants.migration_executors import get_executor as stock_get_executor


def get_executor(codename: str | None = None):
    return stock_get_executor(codename or os.environ.get("EXECUTOR") or "multiprocessing")
