"""Signals the catalogue sends; other apps listen, the catalogue imports none of them.

``index_changes_committed`` is sent after the commit of a transaction that wrote ``IndexOutbox`` rows
(``schema_name`` = the library's schema). ``search`` connects its outbox drain to it, so the catalogue
does not depend on the union index (docs/architecture.md, "The house").
"""

from django.dispatch import Signal

index_changes_committed = Signal()
