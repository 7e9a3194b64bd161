"""The service endpoints a benchmark talks to are the project's own settings (``SIMPUL_PG_*``,
``SIMPUL_REDIS_URL``, ``SIMPUL_ES_URL``; defaults in ``portal/settings.py``), never ports of its own.

``project_settings()`` evaluates ``portal/settings.py`` afresh against the environment as it is now,
without registering the module: a benchmark that then points ``SIMPUL_PG_DB`` at its own database and
calls ``django.setup()`` gets settings read after that change, not a copy cached before it.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def project_settings() -> ModuleType:
    spec = importlib.util.find_spec("portal.settings")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def redis_url(database: int) -> str:
    """The project's Redis (``SIMPUL_REDIS_URL``) with another database number."""
    return f"{project_settings().REDIS_URL.rsplit('/', 1)[0]}/{database}"


def elasticsearch_url() -> str:
    return project_settings().ELASTICSEARCH_URL


def postgres() -> dict[str, str]:
    """Host, port, user and password of the project's PostgreSQL (``SIMPUL_PG_*``)."""
    database = project_settings().DATABASES["default"]
    return {key.lower(): str(database[key]) for key in ("HOST", "PORT", "USER", "PASSWORD")}
