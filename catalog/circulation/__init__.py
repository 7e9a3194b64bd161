"""Members and circulation of a library managed in Simpul (issue 12): the scanner desk, loans, renewals,
reservations, fines, members, member types and closing days.

Layers, each one job: ``rules`` decides what applies to one loan (``loan_rule_for``), ``calendar`` decides
dates (due dates, days late), ``services`` changes state (one transaction per action, the copy locked),
``selectors`` reads, ``views``/``member_views`` are thin, ``pdf`` draws the member card and overdue letter.
Everything here runs in the library's own schema; members, loans and fines never leave it.
"""
