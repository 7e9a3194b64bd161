"""catalog/reports (figures against the database, XLSX, no member data) and the staff API."""

from __future__ import annotations

import io
from datetime import date

from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from catalog.models import Item, Loan, Member, MemberType, Record
from catalog.reports import selectors
from catalog.services import upsert_records
from tests.catalog.roles import client_for, make_actors
from tests.factories import host_of, make_normalized_record


def seed(library) -> None:
    with tenant_context(library):
        upsert_records(
            [
                make_normalized_record(classification="2X4.1", language="id", publish_year="1440 H/2019"),
                make_normalized_record(classification="297.4", language="ar", publish_year="2019"),
                make_normalized_record(
                    classification="371.07",
                    language="id",
                    publish_year="[2021?]",
                    material_type="Electronic Resource",
                ),
                make_normalized_record(classification="", language="", publish_year="t.t.", opac_hide=True),
            ],
            source_id=None,
        )
        Item.objects.update(acquired_on=date(2025, 3, 10))
        Item.objects.filter(pk=Item.objects.order_by("pk").first().pk).update(acquired_on=date(2025, 7, 1))
        member_type = MemberType.objects.create(name="Pegawai")
        member = Member.objects.create(
            member_code="M-1", name="Siti Rahmawati", member_type=member_type, expires_on=date(2027, 1, 1)
        )
        items = list(Item.objects.order_by("pk")[:3])
        Loan.objects.create(
            item=items[0],
            member=member,
            loan_date=date(2025, 3, 12),
            due_date=date(2025, 3, 26),
            is_return=True,
            return_date=date(2025, 4, 2),
        )
        Loan.objects.create(
            item=items[1], member=member, loan_date=date(2025, 3, 20), due_date=date(2025, 4, 3)
        )


def test_report_figures_match_the_database(library_a):
    seed(library_a)
    with tenant_context(library_a):
        ddc = {row.key: (row.titles, row.copies) for row in selectors.by_ddc_class()}
        languages = {row.key: row.titles for row in selectors.by_language()}
        years = {row.key: row.titles for row in selectors.by_publication_year()}
        acquisitions = selectors.acquisitions_per_month(2025)
        loans = selectors.loans_per_month(2025)
        total_copies = Item.objects.count()

    assert ddc == {"2": (2, 4), "3": (1, 2), "?": (1, 2)}
    assert languages == {"id": 2, "ar": 1, "?": 1} and years == {"2019": 2, "2021": 1, "?": 1}
    assert acquisitions[2] == total_copies - 1 and acquisitions[6] == 1 and sum(acquisitions) == total_copies
    assert loans["loans"][2] == 2 and loans["returns"][3] == 1 and sum(loans["loans"]) == 2


def test_reports_page_and_xlsx_show_counts_and_never_a_member(library_a, library_b):
    seed(library_a)
    actors = make_actors(library_a, library_b)
    client = client_for(actors, "supervisor")

    page = client.get("/kelola/laporan/?tahun=2025", HTTP_HOST=host_of(library_a))
    workbook = client.get("/kelola/laporan/laporan.xlsx?tahun=2025", HTTP_HOST=host_of(library_a))

    assert page.status_code == 200 and "200 Agama" in page.content.decode()
    assert "Siti Rahmawati" not in page.content.decode() and "M-1" not in page.content.decode()
    sheets = load_workbook(io.BytesIO(workbook.content))
    monthly = sheets[sheets.sheetnames[-1]]
    march = [row for row in monthly.iter_rows(values_only=True) if row[2] == 2]
    assert march and march[0][3] == 0
    cells = " ".join(
        str(cell) for sheet in sheets for row in sheet.iter_rows(values_only=True) for cell in row
    )
    assert "Siti Rahmawati" not in cells and "Kelas DDC" in sheets.sheetnames


def test_staff_api_lists_hidden_records_with_copies_and_filters(library_a, library_b):
    seed(library_a)
    client = client_for(make_actors(library_a, library_b), "librarian_a")
    host = host_of(library_a)

    listing = client.get("/api/katalog/records/", HTTP_HOST=host).json()
    with tenant_context(library_a):
        hidden = Record.objects.get(opac_hide=True)
        item = Item.objects.filter(loans__is_return=False).first()
    detail = client.get(f"/api/katalog/records/{hidden.pk}/", HTTP_HOST=host).json()
    copy = client.get(f"/api/katalog/copies/?kode={item.item_code}", HTTP_HOST=host).json()["results"][0]
    authors = client.get("/api/katalog/authors/?q=rasjid", HTTP_HOST=host).json()["results"]
    bad = client.get("/api/katalog/records/?diubah_sejak=kemarin", HTTP_HOST=host)

    assert listing["count"] == 4 and detail["opac_hide"] is True and len(detail["copies"]) == 2
    assert detail["authors"][0]["level"] == 1 and copy["on_loan"] is True and "member" not in str(copy)
    assert authors[0]["name"] == "Sulaiman Rasjid" and authors[0]["records"] == 4
    assert bad.status_code == 400


def test_tenant_api_is_in_its_own_openapi_schema(library_a, library_b):
    client = client_for(make_actors(library_a, library_b), "supervisor")

    schema = client.get("/api/katalog/schema/?format=json", HTTP_HOST=host_of(library_a)).json()

    assert {"/api/katalog/records/", "/api/katalog/copies/{id}/", "/api/katalog/publishers/"} <= set(
        schema["paths"]
    )
