"""The demo shows cataloguing in the libraries managed in Simpul: acquisitions with their history, a
batch move of copies, a record copy-catalogued from another demo library; a second run adds nothing."""

from django.core.management import call_command
from django_tenants.utils import tenant_context

from catalog.models import AuditEntry, Record
from tenants.models import Library


def test_managed_demo_libraries_have_catalogued_and_copied_records_with_history(db):
    call_command("seed_demo", libraries=["bdk-medan", "bdk-aceh"], records=30, verbosity=0)
    aceh = Library.objects.get(code="bdk-aceh")
    with tenant_context(aceh):
        made = Record.objects.filter(source_id=None, edited_in_simpul_at__isnull=False)
        assert made.filter(title="Moderasi Beragama").exists()
        assert made.filter(copied_from__startswith="bdk-medan:").count() == 1
        assert AuditEntry.objects.filter(action="batch_update").exists()
        count = Record.objects.count()
    with tenant_context(Library.objects.get(code="bdk-medan")):
        assert not AuditEntry.objects.exists()  # harvested: nothing edited there

    call_command("seed_demo", libraries=["bdk-medan", "bdk-aceh"], records=30, verbosity=0)
    with tenant_context(aceh):
        assert Record.objects.count() == count
