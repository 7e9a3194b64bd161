"""Settings for the test suite: the same services, but a Redis database and an Elasticsearch index prefix
of their own, so running the tests never touches a running demo."""

import os

os.environ.setdefault("SIMPUL_REDIS_URL", "redis://127.0.0.1:56379/5")
os.environ.setdefault("SIMPUL_CACHE_URL", "redis://127.0.0.1:56379/6")
os.environ.setdefault("SIMPUL_ES_PREFIX", "simpultest")
# Never the production settings, whatever the shell exports: the test client and the live servers speak
# plain HTTP on loopback (HTTPS redirect and secure cookies would break every request). Tests that check
# the production settings import portal.settings in a subprocess with an environment of their own.
os.environ["SIMPUL_ENV"] = "development"
# The suite calls the API anonymously from one address thousands of times within minutes (search tests,
# schemathesis); the throttle stays in the path, at a rate they cannot reach. tests/portal/test_throttling.py
# lowers it to see the 429.
os.environ.setdefault("SIMPUL_API_ANON_RATE", "100000/minute")
# The loopback OAI-PMH test server is a private address: allowed explicitly (harvest/adapters/addresses.py).
os.environ.setdefault("SIMPUL_HARVEST_ALLOWED_PRIVATE_NETWORKS", "127.0.0.0/8,::1/128")

from portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
