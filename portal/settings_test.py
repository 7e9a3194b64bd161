"""Settings for the test suite: the same services, but a Redis database and an Elasticsearch index prefix
of their own, so running the tests never touches a running demo."""

import os

os.environ.setdefault("SIMPUL_REDIS_URL", "redis://127.0.0.1:56379/5")
os.environ.setdefault("SIMPUL_CACHE_URL", "redis://127.0.0.1:56379/6")
os.environ.setdefault("SIMPUL_ES_PREFIX", "simpultest")

from portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
