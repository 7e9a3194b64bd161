"""The README's demo command: seed_demo on a fresh database succeeds and the home page lists the libraries."""

from django.core.management import call_command
from django.utils.html import escape
from django_tenants.utils import tenant_context

from catalog.models import ClosingDay, Fine, FineTransaction, Item, Loan, Member, Record
from demo.libraries import DEFAULT_DEMO_CODES, MANAGED_DEMO_CODES, load_units
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
            if library.catalogue_managed_in_simpul:
                assert Loan.objects.filter(is_return=False).exists()
            else:  # a harvested library circulates in its SLiMS: no Simpul members or loans
                assert not Member.objects.exists() and not Loan.objects.exists()
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


def test_seed_demo_circulates_only_in_the_managed_libraries_with_2026_holidays_overdue_loans_and_fines(db):
    call_command("seed_demo", libraries=["bdk-aceh", "bdk-medan"], records=120, verbosity=0)

    managed = Library.objects.get(code="bdk-aceh")
    assert managed.code in MANAGED_DEMO_CODES and managed.catalogue_managed_in_simpul
    with tenant_context(managed):
        assert ClosingDay.objects.filter(date="2026-03-21", description__icontains="Idul Fitri").exists()
        assert ClosingDay.objects.filter(date__year=2026).count() > 104  # weekends and holidays
        assert Loan.objects.filter(is_return=False, due_date__lt="2026-11-20").exists()
        assert Fine.objects.exists() and FineTransaction.objects.filter(kind="waiver").exists()
        assert Member.objects.filter(expires_on__lt="2026-11-20").exists()
        first = sorted(
            Loan.objects.values_list("item__item_code", "member__member_code", "loan_date", "due_date")
        )
    with tenant_context(Library.objects.get(code="bdk-medan")):
        assert not Member.objects.exists() and not Loan.objects.exists()

    call_command("seed_demo", libraries=["bdk-aceh"], records=120, verbosity=0)

    with tenant_context(managed):
        assert (
            sorted(
                Loan.objects.values_list("item__item_code", "member__member_code", "loan_date", "due_date")
            )
            == first
        )
