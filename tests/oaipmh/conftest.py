"""The OAI-PMH tests read the whole feed: each starts from an empty one. Committed tests elsewhere (browser
tests, harvests into the session libraries) leave feed rows — tombstones stay for ever by design — so the
feed is emptied inside the test's transaction, which rolls back afterwards."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _empty_feed(request):
    if "db" not in request.fixturenames and not request.node.get_closest_marker("django_db"):
        yield
        return
    request.getfixturevalue("db")
    from oaipmh.models import Entry

    Entry.objects.all().delete()
    yield
