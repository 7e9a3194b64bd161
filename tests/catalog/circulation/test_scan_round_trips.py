"""The statements (database round trips) of a desk scan and the page it leads to: a scanner desk waits for
them, so their number must not grow. Counted as Django sees them, savepoints and search path included."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from tests.catalog.circulation.builders import make_member, make_record_with_copies
from tests.catalog.roles import managed
from tests.factories import host_of, make_user

# What each request makes today (check-out: session, user, role, member, the copy and its loan, the locks,
# the rules' counts, the loan, its audit entry, the outbox and the OAI-PMH feed row, the session again).
CHECK_OUT_STATEMENTS = 25
DESK_PAGE_STATEMENTS = 12
CHECK_IN_STATEMENTS = 19


@pytest.fixture
def desk(library_a):
    managed(library_a)
    client = Client(HTTP_HOST=host_of(library_a))
    client.force_login(make_user("meja-hitung", libraries=[library_a]))
    with tenant_context(library_a):
        yield client


def _statements(call) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = call()
    return response, [query["sql"] for query in queries.captured_queries]


def test_a_check_out_a_desk_page_and_a_check_in_keep_their_number_of_statements(desk):
    member = make_member(name="Siti Aminah")
    _, (copy, _) = make_record_with_copies(title="Tafsir Al-Misbah")
    desk.post("/kelola/sirkulasi/pindai/", {"code": member.member_code})
    desk.get(f"/kelola/sirkulasi/meja/{member.pk}/")

    lent, lending = _statements(
        lambda: desk.post("/kelola/sirkulasi/pindai/", {"code": copy.item_code, "member": member.pk})
    )
    page, showing = _statements(lambda: desk.get(lent["Location"]))
    back, returning = _statements(lambda: desk.post("/kelola/sirkulasi/pindai/", {"code": copy.item_code}))

    assert lent.status_code == 302 and page.status_code == 200 and back.status_code == 302
    assert "Dipinjam: " + copy.item_code in page.text
    assert len(lending) <= CHECK_OUT_STATEMENTS, lending
    assert len(showing) <= DESK_PAGE_STATEMENTS, showing
    assert len(returning) <= CHECK_IN_STATEMENTS, returning
    # the search path is set once per connection and library, not before every statement
    for statements in (lending, showing, returning):
        assert sum(1 for sql in statements if sql.startswith("SET search_path")) <= 1, statements
