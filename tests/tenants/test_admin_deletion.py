"""The admin deletes a library (its row, schema and everything that goes with them) only after a page of
its own that names what will be dropped: the action on the list and the change page's "Delete" alike."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from catalog.models import Item, Loan, Member
from catalog.services import upsert_record
from harvest.models import HarvestRun, HarvestSource
from monev.models import Assessment
from tenants.models import Domain, Library
from tenants.services import create_library
from tests.factories import make_normalized_record, make_user
from tests.monev import builders as monev_builders

CHANGELIST = "/admin/tenants/library/"


def schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


def counted_rows(page: str) -> dict[str, int]:
    """{"Cantuman": 3, ...} from the page's tables (numbers as the Indonesian locale writes them)."""
    rows = re.findall(r'<tr><td>([^<]+)</td><td class="count">([\d.,]+)</td></tr>', page)
    return {html.unescape(name): int(re.sub(r"[.,]", "", count)) for name, count in rows}


@pytest.fixture
def doomed(db):
    """A library with three records (two copies each), a member with a loan, a harvest source with two
    runs and a monev assessment."""
    library = create_library(code="hapus-uji", name="Perpustakaan Akan Dihapus", kind="bla")
    with tenant_context(library):
        for _ in range(3):
            upsert_record(normalized=make_normalized_record())
        member = Member.objects.create(member_code="A-001", name="Anggota Satu")
        Loan.objects.create(
            item=Item.objects.first(),
            member=member,
            loan_date=datetime.date(2024, 5, 1),
            due_date=datetime.date(2024, 5, 15),
        )
    source = HarvestSource.objects.create(
        library=library, name="SLiMS uji", base_url="http://127.0.0.1:9/oai.php"
    )
    HarvestRun.objects.create(source=source)
    HarvestRun.objects.create(source=source)
    monev_builders.start(library, by=make_user("pustakawan-hapus", libraries=[library]))
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        # The rows were written in this test's transaction: run their deferred foreign-key checks now, or
        # PostgreSQL refuses to drop their tables in the same transaction ("pending trigger events"); then
        # defer again, as Django's foreign keys are outside a test.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return library


@pytest.fixture
def operator_client(client, db):
    client.force_login(make_user("operator-hapus", global_role="operator"))
    return client


def choose_action(client, library: Library):
    return client.post(
        CHANGELIST,
        {"action": "delete_with_schema", "_selected_action": [library.pk]},
        HTTP_HOST="localhost",
    )


def assert_names_what_will_be_dropped(page: str) -> None:
    assert "hapus_uji" in page and "hapus-uji.localhost" in page
    assert "keluar dari pencarian gabungan" in page
    rows = counted_rows(page)
    assert rows["Cantuman"] == 3
    assert rows["Eksemplar"] == 6
    assert rows["Anggota"] == 1
    assert rows["Peminjaman"] == 1
    assert rows["Sumber panen"] == 1
    assert rows["Run panen"] == 2
    assert rows["Penilaian"] == 1
    assert rows["Domain"] == 1


def test_the_action_asks_on_its_own_page_and_deletes_nothing_yet(operator_client, doomed):
    response = choose_action(operator_client, doomed)

    assert response.status_code == 200
    assert "admin/tenants/library/delete_with_schema.html" in [t.name for t in response.templates]
    assert_names_what_will_be_dropped(response.text)
    assert Library.objects.filter(pk=doomed.pk).exists() and schema_exists("hapus_uji")


def test_confirming_the_action_drops_the_library_its_schema_and_what_goes_with_it(operator_client, doomed):
    choose_action(operator_client, doomed)
    response = operator_client.post(
        CHANGELIST,
        {"action": "delete_with_schema", "_selected_action": [doomed.pk], "confirm": "yes"},
        HTTP_HOST="localhost",
    )

    assert response.status_code == 302
    assert not Library.objects.filter(pk=doomed.pk).exists()
    assert not schema_exists("hapus_uji")
    assert not Domain.objects.filter(domain="hapus-uji.localhost").exists()
    assert not HarvestSource.objects.filter(library_id=doomed.pk).exists()
    assert not Assessment.objects.filter(library_id=doomed.pk).exists()


def test_the_change_page_delete_asks_on_the_same_page(operator_client, doomed):
    url = f"{CHANGELIST}{doomed.pk}/delete/"

    page = operator_client.get(url, HTTP_HOST="localhost")
    assert page.status_code == 200
    assert_names_what_will_be_dropped(page.text)

    assert operator_client.post(url, {}, HTTP_HOST="localhost").status_code == 200  # no "confirm": asks again
    assert Library.objects.filter(pk=doomed.pk).exists()

    response = operator_client.post(url, {"confirm": "yes"}, HTTP_HOST="localhost")
    assert response.status_code == 302 and response["Location"] == CHANGELIST
    assert not Library.objects.filter(pk=doomed.pk).exists() and not schema_exists("hapus_uji")


def test_the_page_is_in_english_for_an_operator_who_chose_english(operator_client, doomed):
    operator_client.post("/i18n/setlang/", {"language": "en", "next": "/"}, HTTP_HOST="localhost")

    page = choose_action(operator_client, doomed).text

    assert "will be deleted for good" in page and "Yes, delete with its schema" in page
    assert "Its records leave the union search." in page


@pytest.mark.parametrize("role", ["supervisor", ""])
def test_only_operators_reach_the_deletion(client, doomed, role):
    client.force_login(make_user(f"bukan-operator-{role or 'biasa'}", global_role=role))

    client.post(
        CHANGELIST,
        {"action": "delete_with_schema", "_selected_action": [doomed.pk], "confirm": "yes"},
        HTTP_HOST="localhost",
    )
    client.post(f"{CHANGELIST}{doomed.pk}/delete/", {"confirm": "yes"}, HTTP_HOST="localhost")

    assert Library.objects.filter(pk=doomed.pk).exists() and schema_exists("hapus_uji")
