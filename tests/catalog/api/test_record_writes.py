"""Writes of records through the staff API (``/api/katalog/records/``): the record form's save service
behind it, errors by field as 400, deletion refused while a copy has loans (409), every change audited and
on its way to the union index."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from catalog.models import AuditEntry, IndexOutbox, Item, Record
from tests.catalog.api.helpers import (
    ISBN_BAD,
    barcode,
    call,
    librarian_client,
    loaned,
    record_body,
    saved_record,
)
from tests.catalog.roles import managed

RECORDS = "/api/katalog/records/"


@pytest.fixture
def library(library_a):
    return managed(library_a)


@pytest.fixture
def librarian(library):
    return librarian_client(library)


def test_post_catalogues_a_record_with_authors_subjects_publisher_and_copies(library, librarian):
    client, user = librarian
    body = record_body()

    response = call(client, "post", RECORDS, library, body)

    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["title"] == body["title"] and answer["publisher"] == "Pustaka Al-Kautsar"
    assert [(a["name"], a["role"], a["level"]) for a in answer["authors"]] == [
        ("Yusuf Qardhawi", "author", 1),
        ("Salman Harun", "translator", 2),
    ]
    assert sorted(answer["subjects"]) == ["Fiqih", "Zakat"]
    assert sorted(c["item_code"] for c in answer["copies"]) == sorted(c["item_code"] for c in body["copies"])
    assert {c["status"] for c in answer["copies"]} == {"", "NL"}
    assert answer["edited_in_simpul_at"] and answer["publish_year"] == "1440 H/2019"
    with tenant_context(library):
        record = Record.objects.get(pk=answer["id"])
        assert record.source_id is None and record.source_key.startswith("simpul-")
        assert record.items.get(item_code=body["copies"][0]["item_code"]).call_number == "2X4.3 QAR f"
        entries = AuditEntry.objects.filter(actor_id=user.pk)
        assert set(entries.values_list("object_type", "action")) == {("record", "create"), ("item", "create")}
        assert entries.filter(object_type="item").count() == 2
        assert IndexOutbox.objects.filter(record_id=record.pk, operation="upsert").exists()


def test_authorities_are_reused_by_name(library, librarian):
    client, _user = librarian
    first = call(client, "post", RECORDS, library, record_body()).json()
    second = call(
        client, "post", RECORDS, library, record_body(copies=[], authors=[{"name": "yusuf qardhawi"}])
    ).json()

    assert second["authors"][0]["id"] == first["authors"][0]["id"]
    assert second["authors"][0]["name"] == "Yusuf Qardhawi"  # the row as it was written first


def test_put_replaces_the_record_and_its_lists_and_changes_the_copies_listed(library, librarian):
    client, user = librarian
    record = saved_record(library, codes=3)
    with tenant_context(library):
        kept, changed, removed = list(record.items.order_by("item_code"))

    response = call(
        client,
        "put",
        f"{RECORDS}{record.pk}/",
        library,
        {
            "title": "Tafsir Al-Mishbah Jilid 2",
            "authors": [{"name": "M. Quraish Shihab", "level": 1}],
            "copies": [
                {"id": changed.pk, "location": "Rak 9"},
                {"id": removed.pk, "delete": True},
                {"item_code": "BARU-1"},
            ],
        },
    )

    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["title"] == "Tafsir Al-Mishbah Jilid 2"
    assert answer["isbn_issn"] == "" and answer["publisher"] == "" and answer["subjects"] == []
    assert [a["name"] for a in answer["authors"]] == ["M. Quraish Shihab"]
    copies = {c["item_code"]: c for c in answer["copies"]}
    assert set(copies) == {kept.item_code, changed.item_code, "BARU-1"}
    assert copies[changed.item_code]["location"] == "Rak 9"
    assert copies[kept.item_code]["location"] == kept.location  # not listed: left as it was
    with tenant_context(library):
        actions = set(AuditEntry.objects.filter(actor_id=user.pk).values_list("object_type", "action"))
    assert actions == {("record", "update"), ("item", "update"), ("item", "delete"), ("item", "create")}


def test_patch_changes_only_what_it_gives(library, librarian):
    client, _user = librarian
    record = saved_record(library)
    before = call(client, "get", f"{RECORDS}{record.pk}/", library).json()

    response = call(
        client, "patch", f"{RECORDS}{record.pk}/", library, {"opac_hide": True, "edition": "Cet. 6"}
    )

    after = response.json()
    assert response.status_code == 200 and after["opac_hide"] is True and after["edition"] == "Cet. 6"
    unchanged = ("title", "isbn_issn", "publisher", "authors", "subjects", "copies", "publish_year")
    assert {name: after[name] for name in unchanged} == {name: before[name] for name in unchanged}


def test_a_patched_copy_keeps_the_fields_it_does_not_give(library, librarian):
    client, _user = librarian
    record = saved_record(library)
    with tenant_context(library):
        item = record.items.order_by("item_code").first()
        Item.objects.filter(pk=item.pk).update(acquisition_source="gift", collection_type="Referensi")

    response = call(
        client, "patch", f"{RECORDS}{record.pk}/", library, {"copies": [{"id": item.pk, "status": "R"}]}
    )

    copy = next(c for c in response.json()["copies"] if c["id"] == item.pk)
    assert copy["status"] == "R" and copy["acquisition_source"] == "gift"
    assert copy["collection_type"] == "Referensi" and copy["location"] == "Rak 2"


def test_delete_removes_the_record_and_its_copies(library, librarian):
    client, user = librarian
    record = saved_record(library)

    response = call(client, "delete", f"{RECORDS}{record.pk}/", library)

    assert response.status_code == 204
    with tenant_context(library):
        assert not Record.objects.filter(pk=record.pk).exists()
        assert not Item.objects.filter(record_id=record.pk).exists()
        assert AuditEntry.objects.filter(
            object_type="record", object_id=record.pk, action="delete", actor_id=user.pk
        ).exists()
        assert IndexOutbox.objects.filter(record_id=record.pk, operation="delete").exists()


def test_a_record_with_a_copy_on_loan_is_not_deleted_409(library, librarian):
    client, _user = librarian
    record = saved_record(library)
    with tenant_context(library):
        item = record.items.first()
    loaned(library, item)

    response = call(client, "delete", f"{RECORDS}{record.pk}/", library)

    assert response.status_code == 409
    assert "sedang dipinjam" in response.json()["detail"] and item.item_code in response.json()["detail"]
    with tenant_context(library):
        assert Record.objects.filter(pk=record.pk).exists()


# --- validation: 400 with the field, nothing written -------------------------------------------------


def _nothing_written(library, count_before: int) -> bool:
    with tenant_context(library):
        return (
            Record.objects.count() == count_before
            and not AuditEntry.objects.filter(actor_name__startswith="api-pustakawan").exists()
        )


def _records(library) -> int:
    with tenant_context(library):
        return Record.objects.count()


def test_an_isbn_with_a_wrong_check_digit_is_400_on_the_field(library, librarian):
    client, _user = librarian
    count = _records(library)

    response = call(client, "post", RECORDS, library, record_body(isbn_issn=ISBN_BAD))

    assert response.status_code == 400
    assert list(response.json()) == ["isbn_issn"] and "pemeriksa" in response.json()["isbn_issn"][0]
    assert _nothing_written(library, count)


def test_an_implausible_year_is_400_on_the_field(library, librarian):
    client, _user = librarian
    count = _records(library)

    response = call(client, "post", RECORDS, library, record_body(publish_year="3024"))

    assert response.status_code == 400 and "3024" in response.json()["publish_year"][0]
    assert _nothing_written(library, count)


def test_a_barcode_another_record_holds_is_400_on_that_copy_row(library, librarian):
    client, _user = librarian
    other = saved_record(library)
    with tenant_context(library):
        taken = other.items.first().item_code
    count = _records(library)
    body = record_body()
    body["copies"][1]["item_code"] = taken

    response = call(client, "post", RECORDS, library, body)

    assert response.status_code == 400
    rows = response.json()["copies"]
    assert list(rows) == ["1"]  # the row sent second, as DRF keys list errors
    assert taken in rows["1"]["item_code"][0] and "sudah dipakai" in rows["1"]["item_code"][0]
    assert _nothing_written(library, count)


def test_the_same_barcode_twice_in_one_body_is_400(library, librarian):
    client, _user = librarian
    code = barcode()
    body = record_body(copies=[{"item_code": code}, {"item_code": code}])

    response = call(client, "post", RECORDS, library, body)

    assert response.status_code == 400 and "dua kali" in response.json()["copies"]["1"]["item_code"][0]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"authors": [{"name": "X", "role": "penulis"}]}, ("authors", 0, "role")),
        ({"authors": [{"name": "X", "level": 3}]}, ("authors", 0, "level")),
        ({"copies": [{"item_code": "A B"}]}, ("copies", 0, "item_code")),
        ({"copies": [{"item_code": "OK-1", "price": "murah"}]}, ("copies", 0, "price")),
        ({"copies": [{"item_code": "OK-1", "acquired_on": "2999-01-01"}]}, ("copies", 0, "acquired_on")),
        ({"copies": [{"item_code": "OK-1", "status": "dipinjam"}]}, ("copies", 0, "status")),
        ({"copies": [{}]}, ("copies", 0, "item_code")),
        ({"title": ""}, ("title",)),
        ({"title": "x" * 2001}, ("title",)),
        ({"subjects": ["x" * 256]}, ("subjects", 0)),
        ({"copied_from": "bukan asal"}, ("copied_from",)),
        ({"language": "indonesia"}, ("language",)),
    ],
)
def test_bad_values_are_400_next_to_their_field(library, librarian, change, where):
    client, _user = librarian
    count = _records(library)

    response = call(client, "post", RECORDS, library, record_body(**change))

    assert response.status_code == 400, response.content
    errors = response.json()
    for step in where:
        errors = errors[str(step)]  # JSON keys: rows by their index as text
    assert errors and all(isinstance(message, str) and message for message in errors)
    assert _nothing_written(library, count)


def test_a_body_that_is_not_json_is_refused_with_a_4xx(library, librarian):
    client, _user = librarian
    from tests.factories import host_of

    broken = client.post(RECORDS, data="{title", content_type="application/json", HTTP_HOST=host_of(library))
    form = client.post(RECORDS, {"title": "Fiqih"}, HTTP_HOST=host_of(library))
    listed = call(client, "post", RECORDS, library, [record_body()])

    assert broken.status_code == 400 and form.status_code == 415 and listed.status_code == 400


def test_a_copy_of_another_record_in_the_body_is_refused_and_nothing_changes(library, librarian):
    client, _user = librarian
    record, other = saved_record(library), saved_record(library)
    with tenant_context(library):
        foreign = other.items.first()

    response = call(
        client,
        "patch",
        f"{RECORDS}{record.pk}/",
        library,
        {"title": "Diubah", "copies": [{"id": foreign.pk, "location": "Rak curian"}]},
    )

    assert (
        response.status_code == 400
        and "bukan eksemplar cantuman ini" in response.json()["copies"]["0"]["id"][0]
    )
    with tenant_context(library):
        assert Item.objects.get(pk=foreign.pk).location == foreign.location
        assert Record.objects.get(pk=record.pk).title == record.title


def test_a_harvested_librarys_records_are_not_written_403(library_b):
    client, _user = librarian_client(library_b)
    record_id = None
    with tenant_context(library_b):
        count = Record.objects.count()
        first = Record.objects.first()
        record_id = first.pk if first else 1

    created = call(client, "post", RECORDS, library_b, record_body())
    changed = call(client, "patch", f"{RECORDS}{record_id}/", library_b, {"title": "x"})

    assert created.status_code == 403 and "dipanen" in created.json()["detail"]
    assert changed.status_code == 403
    with tenant_context(library_b):
        assert Record.objects.count() == count


# --- the duplicate warning, as the record form shows it while typing -----------------------------------


def test_duplicates_are_found_by_isbn_or_by_title_and_primary_author(library, librarian):
    client, _user = librarian
    record = saved_record(library)  # Tafsir Al-Mishbah by M. Quraish Shihab, ISBN_TAFSIR
    isbn = record.isbn_issn.replace("-", "")

    by_isbn = call(client, "get", f"{RECORDS}duplicates/?isbn={isbn}", library).json()
    by_title = call(
        client,
        "get",
        f"{RECORDS}duplicates/?judul={record.title.upper()}&pengarang=m quraish shihab",
        library,
    ).json()
    other_author = call(
        client, "get", f"{RECORDS}duplicates/?judul={record.title}&pengarang=Hamka", library
    ).json()
    itself = call(client, "get", f"{RECORDS}duplicates/?isbn={isbn}&kecuali={record.pk}", library).json()
    bad = call(client, "get", f"{RECORDS}duplicates/?kecuali=satu", library)

    assert [(found["id"], found["reason"]) for found in by_isbn] == [(record.pk, "isbn")]
    assert [(found["id"], found["reason"]) for found in by_title] == [(record.pk, "judul")]
    assert by_title[0]["authors"][0] == "M. Quraish Shihab"
    assert other_author == [] and itself == []
    assert bad.status_code == 400 and list(bad.json()) == ["kecuali"]
