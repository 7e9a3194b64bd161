"""A library's own collection, in its own PostgreSQL schema (TENANT_APPS).

Follows SLiMS's data model (docs/architecture.md): ``Record`` is SLiMS ``biblio``, ``Item`` is ``item``
(a copy, "eksemplar"), authors carry a level (1 = primary), a copy is on loan while a loan row is open.
Members, loans and fines are personal data: they never leave this schema (not in the union index, a
public page, the public API or an export other than the librarian's own).
"""

from catalog.models.audit import AuditEntry
from catalog.models.circulation import ClosingDay, Fine, FineTransaction, Loan, Reservation
from catalog.models.members import Member, MemberType
from catalog.models.move_over import MoveOver
from catalog.models.outbox import IndexOutbox
from catalog.models.records import Author, Item, Publisher, Record, RecordAuthor, Subject
from catalog.models.transfer import ImportJob

__all__ = [
    "AuditEntry",
    "Author",
    "ClosingDay",
    "Fine",
    "FineTransaction",
    "ImportJob",
    "IndexOutbox",
    "Item",
    "Loan",
    "Member",
    "MemberType",
    "MoveOver",
    "Publisher",
    "Record",
    "RecordAuthor",
    "Reservation",
    "Subject",
]
