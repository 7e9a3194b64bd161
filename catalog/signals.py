"""Signals the catalogue sends; other apps listen, the catalogue imports none of them.

``index_changes_committed`` is sent after the commit of a transaction that wrote ``IndexOutbox`` rows
(``schema_name`` = the library's schema). ``search`` connects its outbox drain to it, so the catalogue
does not depend on the union index (docs/architecture.md, "The house").

``records_changed`` (``schema_name``, ``record_ids``) is sent INSIDE the transaction of a change, by the
same writers that write ``IndexOutbox`` rows (a record created, edited, hidden, deleted, its copies
changed): a receiver that writes joins that transaction, so its rows commit or roll back with the change.
``oaipmh`` keeps its feed of datestamps and deletions with it. Receivers must be cheap and batch-shaped
(one statement per call): a harvest page sends it once for the whole page.
"""

from django.dispatch import Signal

index_changes_committed = Signal()

records_changed = Signal()
