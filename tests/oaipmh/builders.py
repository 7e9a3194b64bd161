"""Records in a library's schema for the OAI-PMH tests, and readers of responses."""

from __future__ import annotations

from datetime import datetime

from django_tenants.utils import tenant_context

from catalog.models import Record
from catalog.services import upsert_records
from oaipmh.feed import sync_records
from oaipmh.models import Entry
from tests.factories import make_normalized_record
from tests.oaipmh.validation import NS, parse


def add_records(library, count: int, **overrides) -> list[int]:
    """``count`` new records (visible unless ``opac_hide``) in ``library``; their ids."""
    with tenant_context(library):
        results = upsert_records([make_normalized_record(**overrides) for _ in range(count)])
    return [result.record.pk for result in results]


def set_last_change(library, record_id: int, moment: datetime) -> None:
    """Date a record's last change (and its feed row) at ``moment`` — feed rows never move backwards on
    their own, so a test that needs old datestamps sets both."""
    with tenant_context(library):
        Record.objects.filter(pk=record_id).update(updated_at=moment)
    Entry.objects.filter(library_id=library.pk, record_id=record_id).update(datestamp=moment)


def touch(library, record_id: int, moment: datetime) -> None:
    """A change of the record at ``moment`` (later than its current datestamp), announced as the
    catalogue announces its changes."""
    with tenant_context(library):
        Record.objects.filter(pk=record_id).update(updated_at=moment)
        sync_records(schema_name=library.schema_name, record_ids=[record_id])


def headers(body: bytes) -> list[tuple[str, str, bool]]:
    """(identifier, datestamp, deleted) of every header in a list or GetRecord response."""
    root = parse(body)
    return [
        (
            header.findtext("oai:identifier", namespaces=NS),
            header.findtext("oai:datestamp", namespaces=NS),
            header.get("status") == "deleted",
        )
        for header in root.iter(f"{{{NS['oai']}}}header")
    ]


def token_of(body: bytes):
    """The resumptionToken element of a list response, or None."""
    return parse(body).find(".//oai:resumptionToken", NS)
