"""Circulation data that really commits (for concurrent connections, workers and live servers), removed
afterwards: members, types, records and everything hanging off them in the library's schema."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection
from django_tenants.utils import tenant_context

from catalog.models import (
    AuditEntry,
    Fine,
    FineTransaction,
    IndexOutbox,
    Loan,
    Member,
    MemberType,
    Record,
    Reservation,
)
from oaipmh.models import Entry


@contextmanager
def committed_circulation(library):
    """Yield lists to which a test adds what it made (``records``, ``members``, ``types``)."""
    made: dict[str, list] = {"records": [], "members": [], "types": []}
    try:
        yield made
    finally:
        with tenant_context(library):
            record_ids = [record.pk for record in made["records"]]
            member_ids = [member.pk for member in made["members"]]
            FineTransaction.objects.filter(fine__member_id__in=member_ids).delete()
            Fine.objects.filter(member_id__in=member_ids).delete()
            Reservation.objects.filter(member_id__in=member_ids).delete()
            loan_ids = list(Loan.objects.filter(member_id__in=member_ids).values_list("pk", flat=True))
            Loan.objects.filter(pk__in=loan_ids).delete()
            AuditEntry.objects.filter(object_type="loan", object_id__in=loan_ids).delete()
            Member.objects.filter(pk__in=member_ids).delete()
            MemberType.objects.filter(pk__in=[member_type.pk for member_type in made["types"]]).delete()
            Record.objects.filter(pk__in=record_ids).delete()
            IndexOutbox.objects.filter(record_id__in=record_ids).delete()
        connection.set_schema_to_public()
        # The OAI-PMH feed keeps a row per record ever shown, deleted ones too (public schema).
        Entry.objects.filter(library_id=library.pk, record_id__in=record_ids).delete()
