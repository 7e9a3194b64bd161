import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection
from django_tenants.utils import schema_context

from catalog.models import Record
from tenants.models import Domain, Library
from tenants.services import LibraryProvisioningError, create_library, delete_library, library_domain
from tests.tenants.schema_introspection import describe_schema


def schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


def schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def committed(django_db_blocker):
    """Run outside the test transaction (for migrations and DDL that must really commit); clean up after."""
    created_schemas: list[str] = []
    with django_db_blocker.unblock():
        yield created_schemas
        connection.set_schema_to_public()
        for library in Library.objects.filter(schema_name__in=created_schemas):
            delete_library(library=library)
        with connection.cursor() as cursor:
            for schema in created_schemas:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_create_library_makes_row_schema_and_domain(db):
    library = create_library(code="bdk-uji-baru", name="Perpustakaan Uji Baru", kind="bdk", province="Aceh")

    assert Library.objects.filter(code="bdk-uji-baru", schema_name="bdk_uji_baru").exists()
    assert schema_exists("bdk_uji_baru")
    assert Domain.objects.get(tenant=library).domain == library_domain("bdk-uji-baru")
    with schema_context(library.schema_name):
        assert Record.objects.count() == 0


def test_fast_schema_is_identical_to_migrated_schema(committed):
    library = create_library(code="sama-cepat", name="Skema cepat")
    committed.append(library.schema_name)
    committed.append("sama_migrasi")
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "sama_migrasi"')
    call_command(
        "migrate_schemas",
        schema_name="sama_migrasi",
        tenant=True,
        executor="standard",
        interactive=False,
        verbosity=0,
    )
    connection.set_schema_to_public()

    fast, migrated = describe_schema("sama_cepat"), describe_schema("sama_migrasi")

    assert fast["relations"], "the fast schema has no tables"
    assert ("catalog_record", "r", "p") in fast["relations"]
    for part in ("relations", "columns", "indexes", "constraints", "sequences", "migrations"):
        assert fast[part] == migrated[part], f"{part} differ between the fast and the migrated schema"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("", "wajib"),
        ("BDK-Aceh", "tidak sah"),
        ("1bdk", "tidak sah"),
        ("bdk_aceh", "tidak sah"),
        ("bdk--aceh", "tidak sah"),
        ("-bdk", "tidak sah"),
        ("b", "2–48"),
        ("public", "dicadangkan"),
        ("information-schema", "dicadangkan"),
        ("pg-catalog", "pg"),
        ("pg-toast", "pg"),
        ("x" * 49, "2–48"),
        ("bdk aceh", "tidak sah"),
        ("bdk;drop", "tidak sah"),
    ],
)
def test_invalid_code_is_rejected_and_nothing_is_created(db, code, reason):
    libraries_before, domains_before, schemas_before = (
        Library.objects.count(),
        Domain.objects.count(),
        schemas(),
    )

    with pytest.raises(LibraryProvisioningError, match=reason):
        create_library(code=code, name="Perpustakaan Salah")

    assert Library.objects.count() == libraries_before
    assert Domain.objects.count() == domains_before
    assert schemas() == schemas_before


def test_duplicate_code_is_rejected(library_a):
    with pytest.raises(LibraryProvisioningError, match="sudah ada"):
        create_library(code=library_a.code, name="Duplikat")
    assert Library.objects.filter(code=library_a.code).count() == 1


def test_failure_midway_leaves_no_row_and_no_schema(committed, library_a):
    # The domain the new library would get is already taken, so creating it fails after the row insert.
    taken = Domain.objects.create(domain=library_domain("gagal-tengah"), tenant=library_a, is_primary=False)
    try:
        with pytest.raises(IntegrityError):
            create_library(code="gagal-tengah", name="Gagal di tengah")
        assert not Library.objects.filter(code="gagal-tengah").exists()
        assert not schema_exists("gagal_tengah")
    finally:
        taken.delete()


def test_existing_orphan_schema_is_reported_not_reused(committed):
    committed.append("yatim_skema")
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "yatim_skema"')

    with pytest.raises(LibraryProvisioningError, match="sudah ada di basis data"):
        create_library(code="yatim-skema", name="Skema yatim")
    assert not Library.objects.filter(code="yatim-skema").exists()


def test_delete_library_removes_row_domain_and_schema(db):
    library = create_library(code="akan-dihapus", name="Akan dihapus")

    delete_library(library=library)

    assert not Library.objects.filter(code="akan-dihapus").exists()
    assert not Domain.objects.filter(domain=library_domain("akan-dihapus")).exists()
    assert not schema_exists("akan_dihapus")


def test_create_library_command_reports_bad_code_without_traceback(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="dicadangkan"):
        call_command("create_library", code="public", name="Publik")


def test_create_library_command_creates_library(db, capsys):
    call_command("create_library", code="cli-uji", name="Perpustakaan CLI", kind="lpmq", city="Jakarta")

    library = Library.objects.get(code="cli-uji")
    assert library.kind == "lpmq"
    assert schema_exists("cli_uji")
    assert "cli-uji" in capsys.readouterr().out
