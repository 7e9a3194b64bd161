"""What search does when the tenancy says a library left or came back (connected in ``SearchConfig``)."""

from __future__ import annotations

import logging

from elastic_transport import TransportError
from elasticsearch import ApiError

from search.indexer import IndexingError
from search.tasks import remove_library_documents_task
from search.withdrawal import reindex_library, remove_library_documents
from tenants.models import Library

logger = logging.getLogger(__name__)


def on_library_withdrawn(sender, *, library_code: str, **kwargs) -> None:
    try:
        deleted = remove_library_documents(library_code=library_code)
    except (ApiError, TransportError, IndexingError) as error:
        logger.warning("documents of %s not removed yet (%s); a task retries", library_code, error)
        remove_library_documents_task.apply_async(kwargs={"library_code": library_code}, countdown=30)
        return
    logger.info("library %s withdrawn: %d documents removed from the union index", library_code, deleted)


def on_library_reinstated(sender, *, library: Library, **kwargs) -> None:
    rows = reindex_library(library=library)
    logger.info("library %s reinstated: %d records queued for the union index", library.code, rows)
