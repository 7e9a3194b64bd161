"""The cataloguing pages through HTTP on a library's host: the record form with two copies, errors next
to the field (never a 500), the cover checked by content, search and browse with hidden records, batch
edit, delete with confirmation, the JSON endpoints, the record's history."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import tenant_context
from PIL import Image

from catalog.cataloguing.services import save_record
from catalog.models import AuditEntry, Item, Record
from tests.catalog.cataloguing.builders import ISBN_BAD, barcode, copies, form_post, open_loan, record_data
from tests.catalog.roles import managed
from tests.factories import host_of, make_user


@pytest.fixture
def librarian(library_a):
    managed(library_a)
    return make_user("halaman-pustakawan-a", libraries=[library_a])


@pytest.fixture
def client_a(librarian, library_a):
    client = Client(HTTP_HOST=host_of(library_a))
    client.force_login(librarian)
    return client


def png_bytes(size=(300, 450), color=(15, 107, 92)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def test_the_empty_form_shows_every_section(client_a):
    response = client_a.get("/kelola/katalog/baru/")
    assert response.status_code == 200
    html = response.content.decode()
    labels = (
        "Judul", "Pernyataan tanggung jawab", "ISBN/ISSN", "Kolasi", "Klasifikasi (DDC)", "Jenis bahan (GMD)",
        "Abstrak", "Sembunyikan dari OPAC", "Pengarang", "Subjek", "Sampul", "Eksemplar", "Kode eksemplar",
    )  # fmt: skip
    for label in labels:
        assert label in html, label
    assert 'data-authority="pengarang"' in html and 'name="csrfmiddlewaretoken"' in html


def test_a_librarian_catalogues_a_new_book_with_two_copies(client_a, library_a, librarian):
    codes = [barcode("F"), barcode("F")]
    data = form_post(
        copies_rows=[
            {
                "item_code": code,
                "location": "Rak 3",
                "collection_type": "Sirkulasi",
                "price": "85000",
                "acquired_on": "2026-01-15",
                "acquisition_source": "purchase",
            }
            for code in codes
        ],
    )
    response = client_a.post("/kelola/katalog/baru/", data)

    assert response.status_code == 302
    with tenant_context(library_a):
        record = Record.objects.get(title="Fiqih Zakat Kontemporer")
        assert sorted(record.items.values_list("item_code", flat=True)) == sorted(codes)
        assert record.publisher.name == "Pustaka Al-Kautsar"
        assert response["Location"] == f"/kelola/katalog/{record.pk}/"
    page = client_a.get(response["Location"]).content.decode()
    assert "Riwayat perubahan" in page and "Cantuman dibuat" in page and codes[0] in page
    assert librarian.username in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"isbn_issn": ISBN_BAD}, "Angka pemeriksa ISBN-13"),
        ({"publish_year": "3020"}, "tidak masuk akal"),
        ({"title": ""}, "Bidang ini harus diisi"),
        ({"copies-0-price": "abc"}, "Masukkan sebuah bilangan"),
        ({"copies-0-acquired_on": "31-31-2020"}, "tanggal yang valid"),
        ({"copies-0-item_code": "ada spasi!"}, "hanya boleh berisi"),
        ({"authors-TOTAL_FORMS": "x"}, "ManagementForm"),
    ],
)
def test_bad_input_comes_back_with_the_message_next_to_the_field_never_a_500(client_a, changes, message):
    data = form_post(copies_rows=[{"item_code": barcode("E")}])
    data.update(changes)
    response = client_a.post("/kelola/katalog/baru/", data)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_barcode_already_used_in_the_library_is_refused_next_to_the_copy(client_a, library_a, librarian):
    code = barcode("D")
    with tenant_context(library_a):
        save_record(record=None, data=record_data(), copies=copies(code), actor=librarian)
    response = client_a.post("/kelola/katalog/baru/", form_post(copies_rows=[{"item_code": code}]))
    assert response.status_code == 400
    assert f"Kode eksemplar {code} sudah dipakai" in response.content.decode()


def test_a_cover_is_checked_by_content_stored_and_given_a_thumbnail(client_a, library_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("sampul.png", b"<?php echo 'bukan gambar'; ?>", content_type="image/png")
    response = client_a.post("/kelola/katalog/baru/", {**form_post(), "cover": fake})
    assert response.status_code == 400 and "bukan gambar" in response.content.decode()

    settings.CATALOG_COVER_MAX_BYTES = 200
    big = SimpleUploadedFile(
        "sampul.png", png_bytes((800, 800), (1, 2, 3)) + b"\0" * 300, content_type="image/png"
    )
    response = client_a.post("/kelola/katalog/baru/", {**form_post(), "cover": big})
    assert response.status_code == 400 and "terlalu besar" in response.content.decode()

    settings.CATALOG_COVER_MAX_BYTES = 2 * 1024 * 1024
    real = SimpleUploadedFile("apa-saja.bin", png_bytes(), content_type="application/octet-stream")
    response = client_a.post("/kelola/katalog/baru/", {**form_post(title="Bersampul"), "cover": real})
    assert response.status_code == 302
    with tenant_context(library_a):
        record = Record.objects.get(title="Bersampul")
        with Image.open(record.cover_thumbnail.path) as thumbnail:
            assert max(thumbnail.size) == settings.CATALOG_COVER_THUMBNAIL_SIDE
        assert record.cover.name.endswith(".png")


def test_editing_keeps_copies_shows_on_loan_and_records_the_history(client_a, library_a, librarian):
    lent_code, free_code = barcode("G"), barcode("G")
    with tenant_context(library_a):
        record = save_record(
            record=None, data=record_data(), copies=copies(lent_code, free_code), actor=librarian
        )
        lent = record.items.get(item_code=lent_code)
        free = record.items.get(item_code=free_code)
        open_loan(lent)
    page = client_a.get(f"/kelola/katalog/{record.pk}/ubah/").content.decode()
    assert "Sedang dipinjam" in page and lent_code in page

    data = form_post(
        title="Tafsir Al-Mishbah (revisi)",
        copies_rows=[
            {"id": lent.pk, "item_code": lent_code, "location": "Rak 2"},
            {"id": free.pk, "item_code": free_code, "location": "Gudang", "status": "R"},
        ],
    )
    data["copies-INITIAL_FORMS"] = "2"
    assert client_a.post(f"/kelola/katalog/{record.pk}/ubah/", data).status_code == 302
    with tenant_context(library_a):
        assert Item.objects.get(pk=free.pk).location == "Gudang"
    history = client_a.get(f"/kelola/katalog/eksemplar/{free.pk}/").content.decode()
    assert "Rak 2" in history and "Gudang" in history and "Riwayat perubahan" in history


def test_a_copy_id_of_library_b_posted_into_a_form_is_refused(client_a, library_a, library_b, librarian):
    managed(library_b)
    other = make_user("halaman-pustakawan-b", libraries=[library_b])
    with tenant_context(library_b):
        foreign = save_record(
            record=None, data=record_data(), copies=copies(barcode("H")), actor=other
        ).items.get()
    with tenant_context(library_a):
        record = save_record(record=None, data=record_data(), actor=librarian)
        untouched = {item.pk: item.item_code for item in Item.objects.all()}
    data = form_post(copies_rows=[{"id": foreign.pk, "item_code": "DIBAJAK-1"}])
    response = client_a.post(f"/kelola/katalog/{record.pk}/ubah/", data)
    assert response.status_code == 400
    assert "bukan eksemplar cantuman ini" in response.content.decode()
    with tenant_context(library_a):
        assert {item.pk: item.item_code for item in Item.objects.all()} == untouched
    with tenant_context(library_b):
        assert Item.objects.get(pk=foreign.pk).record.title == record_data().title


def test_another_librarys_record_id_in_the_url_is_not_found_here(client_a, library_b):
    managed(library_b)
    other = make_user("halaman-pustakawan-b2", libraries=[library_b])
    with tenant_context(library_b):
        foreign = save_record(record=None, data=record_data(title="Milik B"), actor=other)
        later = Record.objects.order_by("-pk").first().pk + 1000
    for path in (
        f"/kelola/katalog/{later}/",
        f"/kelola/katalog/{later}/ubah/",
        f"/kelola/katalog/{later}/hapus/",
    ):
        assert client_a.get(path).status_code == 404
    response = client_a.get(f"/kelola/katalog/{foreign.pk}/")
    assert "Milik B" not in response.content.decode()


def test_staff_search_shows_hidden_records_and_filters_and_pages(client_a, library_a, librarian):
    with tenant_context(library_a):
        hidden = save_record(
            record=None, data=record_data(title="Kitab Tersembunyi", opac_hide=True), actor=librarian
        )
        for number in range(30):
            save_record(
                record=None, data=record_data(title=f"Fiqih Jilid {number}", isbn_issn=""), actor=librarian
            )
    page = client_a.get("/kelola/katalog/", {"q": "Tersembunyi"}).content.decode()
    assert "Kitab Tersembunyi" in page and "tersembunyi" in page
    assert "Kitab Tersembunyi" not in client_a.get("/", {"q": "Tersembunyi"}).content.decode()  # the OPAC
    only_hidden = client_a.get("/kelola/katalog/", {"tersembunyi": "ya"}).content.decode()
    assert f"/kelola/katalog/{hidden.pk}/" in only_hidden and "Fiqih Jilid" not in only_hidden
    first = client_a.get("/kelola/katalog/", {"q": "Fiqih Jilid", "urut": "judul"}).content.decode()
    assert "Halaman 1 dari 2" in first
    assert (
        client_a.get("/kelola/katalog/", {"halaman": "zzz", "urut": "drop table", "tahun": "x"}).status_code
        == 200
    )


def test_batch_edit_through_the_list_and_ids_of_another_library_are_ignored(client_a, library_a, librarian):
    with tenant_context(library_a):
        record = save_record(record=None, data=record_data(), copies=copies(barcode("J")), actor=librarian)
    response = client_a.post(
        "/kelola/katalog/ubah-massal/", {"field": "location", "value": "Rak Baru", "ids": [record.pk, 987654]}
    )
    assert response.status_code == 302
    follow = client_a.get(response["Location"]).content.decode()
    assert "1 perubahan pada 1 cantuman" in follow and "diabaikan" in follow
    with tenant_context(library_a):
        assert record.items.get().location == "Rak Baru"
    bad = client_a.post("/kelola/katalog/ubah-massal/", {"field": "title", "value": "x", "ids": ["abc"]})
    assert bad.status_code == 302


def test_delete_asks_first_refuses_with_the_reason_when_on_loan_and_deletes_otherwise(
    client_a, library_a, librarian
):
    with tenant_context(library_a):
        lent = save_record(
            record=None, data=record_data(title="Dipinjam"), copies=copies(barcode("K")), actor=librarian
        )
        open_loan(lent.items.get())
        free = save_record(
            record=None, data=record_data(title="Bebas"), copies=copies(barcode("K")), actor=librarian
        )
    confirm = client_a.get(f"/kelola/katalog/{free.pk}/hapus/")
    assert confirm.status_code == 200 and "Ya, hapus cantuman ini" in confirm.content.decode()
    refused = client_a.post(f"/kelola/katalog/{lent.pk}/hapus/")
    assert refused.status_code == 409 and "sedang dipinjam" in refused.content.decode()
    assert client_a.post(f"/kelola/katalog/{free.pk}/hapus/").status_code == 302
    with tenant_context(library_a):
        assert Record.objects.filter(pk=lent.pk).exists() and not Record.objects.filter(pk=free.pk).exists()
        assert AuditEntry.objects.filter(object_type="record", object_id=free.pk, action="delete").exists()


def test_the_duplicate_and_authority_endpoints_answer_json(client_a, library_a, librarian):
    with tenant_context(library_a):
        record = save_record(record=None, data=record_data(), actor=librarian)
    found = client_a.get("/kelola/katalog/cek-duplikat/", {"isbn": "9789791158275"}).json()["duplicates"]
    assert found[0]["id"] == record.pk and found[0]["url"] == f"/kelola/katalog/{record.pk}/"
    assert client_a.get("/kelola/katalog/cek-duplikat/", {"isbn": "x" * 500, "kecuali": "abc"}).json() == {
        "duplicates": []
    }
    names = client_a.get("/kelola/katalog/otoritas/pengarang/", {"q": "quraish"}).json()["results"]
    assert names[0]["name"] == "M. Quraish Shihab"
    assert client_a.get("/kelola/katalog/otoritas/lainnya/", {"q": "ab"}).status_code == 404


def test_a_harvested_library_shows_why_its_records_cannot_be_edited_here(library_b):
    librarian = make_user("halaman-panen-b", libraries=[library_b])
    client = Client(HTTP_HOST=host_of(library_b))
    client.force_login(librarian)
    response = client.get("/kelola/katalog/baru/")
    assert response.status_code == 403 and "Pindah dari SLiMS" in response.content.decode()
    listing = client.get("/kelola/katalog/")
    assert listing.status_code == 200 and "Pindah dari SLiMS" in listing.content.decode()
    dashboard = client.get("/kelola/").content.decode()
    assert "Katalog dipanen dari SLiMS." in dashboard and "/kelola/katalog/pindah-dari-slims/" in dashboard


def test_the_form_and_its_messages_are_available_in_english(client_a, settings):
    client_a.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    form = client_a.get("/kelola/katalog/baru/").content.decode()
    assert "Statement of responsibility" in form and "+ Add a copy" in form
    refused = client_a.post("/kelola/katalog/baru/", form_post(isbn=ISBN_BAD)).content.decode()
    assert "The ISBN-13 check digit of" in refused
