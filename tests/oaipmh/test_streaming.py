"""Lists stream: the memory a ListRecords response takes does not grow with the page size."""

from __future__ import annotations

import tracemalloc

from oaipmh.provider import CHUNK
from tests.oaipmh.builders import add_records


def _peak_of_one_page(client, settings, page_size: int) -> int:
    settings.OAIPMH_RECORDS_PAGE_SIZE = page_size
    tracemalloc.start()
    try:
        response = client.get("/oai", {"verb": "ListRecords", "metadataPrefix": "marcxml"})
        assert response.streaming
        received = 0
        for chunk in response.streaming_content:
            received += len(chunk)  # a harvester reads and drops each chunk
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_of_a_page_is_flat_in_the_page_size(client, library_a, settings):
    # Entries and metadata are read CHUNK at a time: a page of one chunk against a page of six.
    add_records(library_a, 6 * CHUNK)
    _peak_of_one_page(client, settings, CHUNK)  # warm caches (schemas, translations, query plans)
    small = _peak_of_one_page(client, settings, CHUNK)
    large = _peak_of_one_page(client, settings, 6 * CHUNK)
    assert large < 1.5 * small, (small, large)
