"""Demo of cataloguing in the libraries managed in Simpul: new acquisitions of 2026 catalogued in the
record form's way (the save service, so they have their audit trail), a batch move of some copies to a new
shelf, and one record copy-catalogued from another demo library (with its provenance). Safe to run twice:
a library that has the demo's first acquisition already is left alone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django_tenants.utils import tenant_context

from catalog.cataloguing.selectors import record_data_of
from catalog.cataloguing.services import AuthorEntry, CopyData, RecordData, batch_update, save_record
from catalog.models import Record
from tenants.models import Library

ACQUISITIONS = (
    RecordData(
        title="Moderasi Beragama",
        statement_of_responsibility="Tim Penyusun Kementerian Agama RI",
        isbn_issn="978-602-51281-4-1",
        publisher="Badan Litbang dan Diklat Kementerian Agama RI",
        publish_place="Jakarta",
        publish_year="2019",
        collation="xiv, 164 hlm. ; 21 cm",
        call_number="297.27 KEM m",
        classification="297.27",
        language="id",
        material_type="Text",
        abstract="Buku pedoman moderasi beragama: konsep, landasan, dan strategi penguatannya di Indonesia.",
        authors=(AuthorEntry("Kementerian Agama RI", role="compiler"),),
        subjects=("Moderasi beragama", "Kerukunan umat beragama"),
    ),
    RecordData(
        title="Pedoman Pengelolaan Perpustakaan Madrasah",
        statement_of_responsibility="Direktorat KSKK Madrasah",
        publisher="Direktorat Jenderal Pendidikan Islam",
        publish_place="Jakarta",
        publish_year="2021",
        collation="viii, 96 hlm. ; 25 cm",
        call_number="027.8 DIR p",
        classification="027.8",
        language="id",
        material_type="Text",
        authors=(AuthorEntry("Direktorat KSKK Madrasah", role="compiler"),),
        subjects=("Perpustakaan sekolah", "Madrasah"),
    ),
)


def _copies(library: Library, number: int, count: int) -> list[CopyData]:
    prefix = library.code.upper().replace("-", "")[:8]
    return [
        CopyData(
            item_code=f"{prefix}-2026-{number:02d}{index}",
            location="Rak Koleksi Baru",
            collection_type="Sirkulasi",
            acquired_on=date(2026, 3, 2 + number),
            acquisition_source="purchase" if index == 1 else "gift",
            price=Decimal("85000") if index == 1 else None,
        )
        for index in range(1, count + 1)
    ]


def seed_cataloguing(*, library: Library, librarian, copy_source: Library | None = None) -> int:
    """Catalogue the demo's acquisitions into ``library`` (managed in Simpul); returns records made."""
    if not library.catalogue_managed_in_simpul:
        return 0
    made = 0
    with tenant_context(library):
        if Record.objects.filter(
            title=ACQUISITIONS[0].title, source_id=None, edited_in_simpul_at__isnull=False
        ).exists():
            return 0
        for number, data in enumerate(ACQUISITIONS, 1):
            save_record(record=None, data=data, copies=_copies(library, number, 2), actor=librarian)
            made += 1
        oldest = list(
            Record.objects.filter(items__isnull=False).order_by("pk").values_list("pk", flat=True)[:5]
        )
        batch_update(record_ids=oldest, field_name="location", value="Rak Referensi Lt. 2", actor=librarian)
    if copy_source is not None:
        with tenant_context(copy_source):
            source_id = (
                Record.objects.filter(opac_hide=False).order_by("pk").values_list("pk", flat=True).first()
            )
        data = record_data_of(copy_source, source_id) if source_id else None
        if data is not None:
            with tenant_context(library):
                save_record(record=None, data=data, copies=_copies(library, 9, 1), actor=librarian)
                made += 1
    return made
