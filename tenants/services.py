"""Provisioning libraries (tenants). The admin, ``manage.py create_library`` and ``seed_demo`` call these."""

from __future__ import annotations

import re
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name

from tenants import hostname_cache
from tenants.models import Domain, Library, LibrarySystem, UnitKind
from tenants.schema_template import ensure_template, replay_template, template_schema_name
from tenants.signals import library_reinstated, library_withdrawn

# Lower-case letters, digits and single hyphens; starts with a letter; 2–48 characters.
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
RESERVED_CODES = frozenset(
    {"public", "information_schema", "www", "api", "admin", "static", "media", "default", "template"}
)


class LibraryProvisioningError(ValueError):
    """A library could not be created or deleted; the message says why, for the person who asked."""


def schema_name_for(code: str) -> str:
    return code.replace("-", "_")


def validate_library_code(code: str) -> None:
    if not isinstance(code, str) or not code:
        raise LibraryProvisioningError("Kode perpustakaan wajib diisi.")
    if len(code) < 2 or len(code) > 48:
        raise LibraryProvisioningError(f"Kode '{code}' harus 2–48 karakter.")
    if not CODE_PATTERN.match(code):
        raise LibraryProvisioningError(
            f"Kode '{code}' tidak sah: gunakan huruf kecil, angka dan tanda hubung, diawali huruf "
            "(contoh: bdk-aceh)."
        )
    schema = schema_name_for(code)
    if code in RESERVED_CODES or schema in RESERVED_CODES or schema == template_schema_name():
        raise LibraryProvisioningError(f"Kode '{code}' adalah nama yang dicadangkan sistem.")
    if schema.startswith("pg_"):
        raise LibraryProvisioningError(
            f"Kode '{code}' tidak boleh diawali 'pg' (nama skema sistem PostgreSQL)."
        )


def _schema_exists(schema_name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema_name])
        return cursor.fetchone() is not None


def _coordinate(value: float | Decimal | str | None) -> Decimal | None:
    """Degrees with five decimals (about 1 m); floats go through str so 5.55 stays 5.55000."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.00001"))
    except ArithmeticError as error:
        raise LibraryProvisioningError(f"Koordinat '{value}' bukan angka.") from error


def library_domain(code: str) -> str:
    return f"{code}.{settings.BASE_DOMAIN}"


def create_library(
    *,
    code: str,
    name: str,
    kind: str = UnitKind.OTHER,
    city: str = "",
    province: str = "",
    latitude: float | Decimal | None = None,
    longitude: float | Decimal | None = None,
    system: str = LibrarySystem.SLIMS,
    website: str = "",
    active: bool = True,
) -> Library:
    """Create a library: its row, its schema (from the template DDL) and its domain — all or nothing.


    The three happen in one transaction (PostgreSQL DDL is transactional), so a failure at any point
    leaves neither a Library row without a schema nor a schema without a row.
    """
    code = (code or "").strip()
    validate_library_code(code)
    name = (name or "").strip()
    if not name:
        raise LibraryProvisioningError("Nama perpustakaan wajib diisi.")
    if kind not in UnitKind.values:
        raise LibraryProvisioningError(
            f"Jenis satker '{kind}' tidak dikenal; pilih salah satu: {UnitKind.values}."
        )
    if system not in LibrarySystem.values:
        raise LibraryProvisioningError(
            f"Sistem '{system}' tidak dikenal; pilih salah satu: {LibrarySystem.values}."
        )
    schema_name = schema_name_for(code)
    if connection.schema_name != get_public_schema_name():
        connection.set_schema_to_public()
    if Library.objects.filter(code=code).exists() or Library.objects.filter(schema_name=schema_name).exists():
        raise LibraryProvisioningError(f"Perpustakaan dengan kode '{code}' sudah ada.")
    template = ensure_template()
    with transaction.atomic():
        if _schema_exists(schema_name):
            raise LibraryProvisioningError(
                f"Skema '{schema_name}' sudah ada di basis data tanpa perpustakaan; hubungi operator."
            )
        library = Library(
            schema_name=schema_name,
            code=code,
            name=name,
            kind=kind,
            city=city,
            province=province,
            latitude=_coordinate(latitude),
            longitude=_coordinate(longitude),
            system=system,
            website=website,
            active=active,
        )
        library.full_clean(exclude=["schema_name"])
        library.save()
        Domain.objects.create(domain=library_domain(code), tenant=library, is_primary=True)
        replay_template(template, schema_name)
    return library


def delete_library(*, library: Library) -> None:
    """Delete a library with its schema and domains, in one transaction; after the commit its documents
    leave the union index (``library_withdrawn``)."""
    schema_name = library.schema_name
    if schema_name in (get_public_schema_name(), template_schema_name()):
        raise LibraryProvisioningError("Skema sistem tidak dapat dihapus.")
    if connection.schema_name != get_public_schema_name():
        connection.set_schema_to_public()
    code = library.code
    with transaction.atomic():
        library.domains.all().delete()
        Library.objects.filter(pk=library.pk).delete()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')
        transaction.on_commit(lambda: library_withdrawn.send(sender=Library, library_code=code), robust=True)


def set_library_active(*, library: Library, active: bool) -> Library:
    """Open or close a library's participation: an inactive library leaves the union search at once (its
    documents are removed after the commit) and its own site says it is not active; set active again, its
    public records are indexed anew. Setting the state it already has changes nothing."""
    with transaction.atomic():
        changed = Library.objects.filter(pk=library.pk).exclude(active=active).update(active=active)
        library.active = active
        if changed:
            if active:
                transaction.on_commit(
                    lambda: library_reinstated.send(sender=Library, library=library), robust=True
                )
            else:
                code = library.code
                transaction.on_commit(
                    lambda: library_withdrawn.send(sender=Library, library_code=code), robust=True
                )
    hostname_cache.forget_all()
    return library
