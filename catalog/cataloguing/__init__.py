"""Cataloguing in Simpul: what a unit librarian does to their own catalogue on their library's host
(``/kelola/katalog/``) — the record form with its copies, authorities, covers, the duplicate warning,
search and batch edits of the own catalogue, deletion, copy cataloguing from the union catalogue, the
audit trail on every object, and the move from SLiMS ("Pindah dari SLiMS").

Layers (docs/architecture.md, "The house"): ``services``, ``selectors``, ``validation``, ``covers`` and
``forms`` use only the catalogue (catalog's core never imports this package). The pages of this package
sit with the portal at the top: ``move_over`` calls ``harvest.services`` and ``union`` reads the union
index through ``search.selectors``; nothing below imports them.
"""
