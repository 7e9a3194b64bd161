"""The circulation pages through HTTP on a library's host: the scanner desk (code + Enter), members with
a private photo, the card and letter PDFs, fines paid and waived, a harvested library's notice."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django_tenants.utils import tenant_context
from PIL import Image

from catalog.circulation import calendar
from catalog.models import AuditEntry, Fine, Loan, Member
from tests.catalog.circulation.builders import make_member, make_member_type, make_record_with_copies
from tests.catalog.roles import managed
from tests.factories import host_of, make_user


@pytest.fixture
def desk(library_a):
    managed(library_a)
    client = Client(HTTP_HOST=host_of(library_a))
    client.force_login(make_user("meja-pustakawan", libraries=[library_a]))
    with tenant_context(library_a):
        yield client


def last_scan(client: Client, response) -> str:
    assert response.status_code == 302, response.content[:500]
    page = client.get(response["Location"])
    assert page.status_code == 200
    match = re.search(r'id="scan-result"[^>]*>(.*?)</div>', page.text, re.S)
    return re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", match.group(1))).strip() if match else ""


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return " ".join(part.decode("latin-1") for part in re.findall(rb"\((.*?)\) Tj", content))


def test_scanning_a_card_opens_the_member_then_a_copy_is_lent_then_taken_back(desk):
    member = make_member(name="Ahmad Fauzi")
    _, (copy, _) = make_record_with_copies(title="Fiqih Zakat Kontemporer")

    opened = desk.post("/kelola/sirkulasi/pindai/", {"code": member.member_code})
    assert opened.status_code == 302 and opened["Location"] == f"/kelola/sirkulasi/meja/{member.pk}/"
    panel = desk.get(opened["Location"]).text
    assert "Ahmad Fauzi" in panel and "Sisa kuota" in panel

    lent = desk.post("/kelola/sirkulasi/pindai/", {"code": copy.item_code, "member": member.pk})
    assert "Dipinjam: " + copy.item_code in last_scan(desk, lent)
    assert Loan.objects.filter(member=member, item=copy, is_return=False).exists()
    assert "Fiqih Zakat Kontemporer" in desk.get(f"/kelola/sirkulasi/meja/{member.pk}/").text

    back = desk.post("/kelola/sirkulasi/pindai/", {"code": copy.item_code})
    assert "Dikembalikan: " + copy.item_code in last_scan(desk, back)
    assert not Loan.objects.filter(is_return=False).exists()


def test_a_refusal_is_shown_next_to_the_scan_box_in_indonesian(desk):
    member = make_member(expires_on=calendar.today() - timedelta(days=3))
    _, (copy, _) = make_record_with_copies()

    response = desk.post("/kelola/sirkulasi/pindai/", {"code": copy.item_code, "member": member.pk})
    assert "Keanggotaan" in last_scan(desk, response) and "berakhir" in last_scan(
        desk, desk.post("/kelola/sirkulasi/pindai/", {"code": copy.item_code, "member": member.pk})
    )
    unknown = desk.post("/kelola/sirkulasi/pindai/", {"code": "ZZZ-999"})
    assert "tidak dikenal" in last_scan(desk, unknown)
    empty = desk.post("/kelola/sirkulasi/pindai/", {"code": "", "member": "bukan-angka"})
    assert "Pindai kartu anggota" in last_scan(desk, empty)


def test_renewal_from_the_desk(desk):
    member = make_member(make_member_type(renewals_allowed=1))
    _, (copy, _) = make_record_with_copies()
    desk.post("/kelola/sirkulasi/pindai/", {"code": copy.item_code, "member": member.pk})
    loan = Loan.objects.get(member=member)

    first = desk.post(f"/kelola/sirkulasi/pinjaman/{loan.pk}/perpanjang/")
    assert "Diperpanjang" in last_scan(desk, first)
    second = desk.post(f"/kelola/sirkulasi/pinjaman/{loan.pk}/perpanjang/")
    assert "batasnya 1 kali" in last_scan(desk, second)


def test_check_in_of_a_reserved_title_shows_the_next_member(desk):
    borrower, waiting = make_member(), make_member(name="Nur Aisyah")
    record, (copy,) = make_record_with_copies(copies=1)
    desk.post("/kelola/sirkulasi/pindai/", {"code": copy.item_code, "member": borrower.pk})
    placed = desk.post(f"/kelola/sirkulasi/reservasi/baru/{waiting.pk}/", {"record": record.pk})
    assert "Dipesan" in last_scan(desk, placed)

    back = desk.post("/kelola/sirkulasi/pindai/", {"code": copy.item_code, "member": borrower.pk})

    assert "Sisihkan untuk Nur Aisyah" in last_scan(desk, back)
    assert "Nur Aisyah" in desk.get("/kelola/sirkulasi/reservasi/").text


def test_member_is_created_with_a_photo_served_only_by_the_staff_view(desk, library_a):
    member_type = make_member_type(name="Peserta Diklat", membership_months=6)
    image = io.BytesIO()
    Image.new("RGB", (1200, 1600), (200, 120, 40)).save(image, format="PNG")
    image.name = "foto.png"
    image.seek(0)

    response = desk.post(
        "/kelola/sirkulasi/anggota/baru/",
        {
            "member_code": "PD-2026-001",
            "name": "Hj. Ummu Kultsum",
            "member_type": member_type.pk,
            "photo": image,
        },
    )

    assert response.status_code == 302, re.findall(r'class="error">([^<]*)', response.text)
    member = Member.objects.get(member_code="PD-2026-001")
    try:
        assert member.expires_on is not None and member.photo.name.startswith("member-photos/")
        assert "/media/" not in desk.get(f"/kelola/sirkulasi/anggota/{member.pk}/").text
        photo = desk.get(f"/kelola/sirkulasi/anggota/{member.pk}/foto/")
        assert photo.status_code == 200 and photo["Cache-Control"] == "private, no-store"
        with Image.open(io.BytesIO(b"".join(photo.streaming_content))) as stored:
            assert stored.format == "JPEG" and max(stored.size) <= 800
        assert AuditEntry.objects.filter(object_type="member", object_id=member.pk, action="create").exists()
        anonymous = Client(HTTP_HOST=host_of(library_a)).get(f"/kelola/sirkulasi/anggota/{member.pk}/foto/")
        assert anonymous.status_code == 302
    finally:
        member.photo.delete(save=False)


def test_a_photo_that_is_not_an_image_is_refused_next_to_the_field(desk):
    member_type = make_member_type()
    fake = io.BytesIO(b"%PDF-1.4 not an image")
    fake.name = "foto.jpg"

    response = desk.post(
        "/kelola/sirkulasi/anggota/baru/",
        {"member_code": "X-1", "name": "Budi", "member_type": member_type.pk, "photo": fake},
    )

    assert response.status_code == 400 and "gambar" in " ".join(
        re.findall(r'class="error">([^<]*)', response.text)
    )
    assert not Member.objects.filter(member_code="X-1").exists()


def test_member_search_finds_by_name_code_and_institution(desk):
    make_member(name="Muhammad Iqbal", member_code="PG-77", institution="Kanwil Kemenag Aceh")
    make_member(name="Rina Wulandari")

    assert "Muhammad Iqbal" in desk.get("/kelola/sirkulasi/anggota/", {"q": "iqbal"}).text
    assert "Muhammad Iqbal" in desk.get("/kelola/sirkulasi/anggota/", {"q": "PG-77"}).text
    by_place = desk.get("/kelola/sirkulasi/anggota/", {"q": "kanwil"}).text
    assert "Muhammad Iqbal" in by_place and "Rina Wulandari" not in by_place


def test_member_card_pdf_carries_the_code_the_barcode_encodes(desk):
    member = make_member(name="Siti Aminah", member_code="PG-00042")

    response = desk.get(f"/kelola/sirkulasi/anggota/{member.pk}/kartu.pdf")

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Siti Aminah" in text and "PG-00042" in text and "KARTU ANGGOTA" in text


def test_overdue_list_and_letter(desk):
    member = (
        make_member(name="Abdul Rahman", make_member_type=None) if False else make_member(name="Abdul Rahman")
    )
    _, (copy, _) = make_record_with_copies(title="Tafsir Al-Misbah")
    loan = Loan.objects.create(
        item=copy,
        member=member,
        loan_date=calendar.today() - timedelta(days=20),
        due_date=calendar.today() - timedelta(days=6),
    )

    page = desk.get("/kelola/sirkulasi/terlambat/").text
    assert "Abdul Rahman" in page and copy.item_code in page
    letter = desk.get("/kelola/sirkulasi/terlambat/surat.pdf", {"anggota": member.pk})
    text = pdf_text(letter.content)
    assert "Abdul Rahman" in text and "Tafsir Al-Misbah" in text and "Rp3.000" in text
    assert (
        desk.get("/kelola/sirkulasi/terlambat/surat.pdf", {"anggota": loan.pk + 999_999}).status_code == 404
    )


def test_fine_paid_in_part_then_waived_with_a_reason_through_the_forms(desk):
    fine = Fine.objects.create(member=make_member(), amount=Decimal("4000"), accrued_on=calendar.today())

    too_much = desk.post(f"/kelola/sirkulasi/denda/{fine.pk}/bayar/", {"amount": "9000"})
    assert too_much.status_code == 400 and "paling banyak sisa denda" in too_much.text
    assert desk.post(f"/kelola/sirkulasi/denda/{fine.pk}/bayar/", {"amount": "1500"}).status_code == 302
    no_reason = desk.post(f"/kelola/sirkulasi/denda/{fine.pk}/bebaskan/", {"reason": ""})
    assert no_reason.status_code == 400
    assert (
        desk.post(
            f"/kelola/sirkulasi/denda/{fine.pk}/bebaskan/", {"reason": "Anggota purnabakti"}
        ).status_code
        == 302
    )

    page = desk.get(f"/kelola/sirkulasi/denda/{fine.pk}/").text
    fine.refresh_from_db()
    assert fine.status == "waived"
    assert "Anggota purnabakti" in page and "Rp1.500" in page and "Rp2.500" in page


def test_closing_days_added_one_by_one_and_weekly(desk):
    assert (
        desk.post(
            "/kelola/sirkulasi/hari-libur/", {"date": "2026-03-20", "description": "Idul Fitri"}
        ).status_code
        == 302
    )
    assert (
        desk.post(
            "/kelola/sirkulasi/hari-libur/mingguan/", {"year": "2026", "weekdays": ["5", "6"]}
        ).status_code
        == 302
    )
    page = desk.get("/kelola/sirkulasi/hari-libur/", {"tahun": "2026"}).text

    from catalog.models import ClosingDay

    assert ClosingDay.objects.filter(date__year=2026).count() == 1 + 52 + 52  # 2026: 52 Saturdays, 52 Sundays
    assert "Idul Fitri" in page
    assert desk.post("/kelola/sirkulasi/hari-libur/", {"date": "bukan tanggal"}).status_code == 400


def test_member_type_form_validates_next_to_the_field(desk):
    response = desk.post("/kelola/sirkulasi/jenis-anggota/", {"name": "Mahasiswa", "loan_days": "0"})

    assert response.status_code == 400 and "paling sedikit 1 hari" in response.text


def test_a_harvested_library_says_circulation_is_done_in_its_slims(library_b):
    client = Client(HTTP_HOST=host_of(library_b))
    client.force_login(make_user("pustakawan-panen", libraries=[library_b]))

    page = client.get("/kelola/sirkulasi/")

    assert page.status_code == 200 and "SLiMS" in page.text and "scan-code" not in page.text
    assert client.get("/kelola/sirkulasi/anggota/").status_code == 200
    assert client.post("/kelola/sirkulasi/pindai/", {"code": "X"}).status_code == 403
