"""The README's demo command: seed_demo on a fresh database succeeds and the home page lists the libraries."""

from django.core.management import call_command
from django.utils.html import escape
from django_tenants.utils import tenant_context

from catalog.models import Item, Loan, Record
from demo.libraries import DEFAULT_DEMO_CODES, load_units
from portal.accounts.models import User
from tenants.models import Library


def test_seed_demo_creates_libraries_catalogues_and_users_and_home_lists_them(client, db):
    call_command("seed_demo", verbosity=0)

    units = load_units()
    libraries = Library.objects.filter(code__in=DEFAULT_DEMO_CODES)
    assert libraries.count() == len(DEFAULT_DEMO_CODES) >= 8
    home = client.get("/", HTTP_HOST="localhost").text
    for library in libraries:
        assert escape(units[library.code]["name"]) in home
        assert library.record_count >= 300
        with tenant_context(library):
            assert Record.objects.count() >= 300
            assert Item.objects.count() >= Record.objects.count()
            assert Loan.objects.filter(is_return=False).exists()
    assert User.objects.filter(username="pembina", global_role="supervisor").exists()
    assert User.objects.filter(username="operator", is_superuser=True).exists()
    assert User.objects.filter(username="pustakawan-lpmq", memberships__library__code="lpmq").exists()


def test_seed_demo_twice_changes_nothing(db):
    call_command("seed_demo", libraries=["bdk-aceh", "lpmq"], records=40, verbosity=0)
    library = Library.objects.get(code="bdk-aceh")
    with tenant_context(library):
        first = sorted(Record.objects.values_list("source_key", "title", "content_hash"))
        items = Item.objects.count()

    call_command("seed_demo", libraries=["bdk-aceh", "lpmq"], records=40, verbosity=0)

    with tenant_context(library):
        assert sorted(Record.objects.values_list("source_key", "title", "content_hash")) == first
        assert Item.objects.count() == items
    assert Library.objects.filter(code__in=["bdk-aceh", "lpmq"]).count() == 2
