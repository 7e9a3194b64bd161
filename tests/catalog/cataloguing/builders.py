"""Builders of the cataloguing tests: a record's data, copies, the record form's POST data."""

from __future__ import annotations

import itertools
from datetime import date

from catalog.cataloguing.services import AuthorEntry, CopyData, RecordData
from catalog.models import Item, Loan, Member, MemberType

_numbers = itertools.count(1)

ISBN_TAFSIR = "978-979-1158-27-5"  # valid check digit
ISBN_BAD = "978-979-1158-27-3"


def record_data(**overrides) -> RecordData:
    values = {
        "title": "Tafsir Al-Mishbah: Pesan, Kesan dan Keserasian Al-Qur'an",
        "statement_of_responsibility": "M. Quraish Shihab",
        "edition": "Cet. 5",
        "isbn_issn": ISBN_TAFSIR,
        "publisher": "Lentera Hati",
        "publish_place": "Jakarta",
        "publish_year": "2012",
        "collation": "xxviii, 624 hlm. ; 24 cm",
        "series_title": "Tafsir Al-Mishbah",
        "call_number": "2X1.3 SHI t",
        "classification": "2X1.3",
        "language": "id",
        "material_type": "Text",
        "notes": "Jilid 1",
        "abstract": "Tafsir tematik karya ulama Indonesia.",
        "authors": (
            AuthorEntry("M. Quraish Shihab"),
            AuthorEntry("Tim Lentera Hati", role="editor", level=2),
        ),
        "subjects": ("Tafsir", "Al-Qur'an"),
    }
    values.update(overrides)
    return RecordData(**values)


def copies(*codes: str, **fields) -> list[CopyData]:
    return [
        CopyData(
            item_code=code,
            location=fields.get("location", "Rak 2"),
            **{k: v for k, v in fields.items() if k != "location"},
        )
        for code in codes
    ]


def barcode(prefix: str = "B") -> str:
    return f"{prefix}{next(_numbers):06d}"


def open_loan(item: Item) -> Loan:
    member_type, _ = MemberType.objects.get_or_create(name="Uji")
    member, _ = Member.objects.get_or_create(
        member_code=f"M-{item.pk}", defaults={"name": "Anggota Uji", "member_type": member_type}
    )
    return Loan.objects.create(
        item=item, member=member, loan_date=date(2026, 11, 1), due_date=date(2026, 11, 15)
    )


def form_post(
    *,
    title: str = "Fiqih Zakat Kontemporer",
    isbn: str = "",
    authors=(("Yusuf Qardhawi", "author", 1),),
    subjects=("Zakat",),
    copies_rows=(),
    publisher: str = "Pustaka Al-Kautsar",
    **fields,
) -> dict:
    """POST data of the record form (management forms included)."""
    data = {
        "title": title,
        "isbn_issn": isbn,
        "publisher": publisher,
        "publish_place": "Jakarta",
        "publish_year": "2020",
        "call_number": "2X4.2 QAR f",
        "language": "id",
        "material_type": "Text",
        "authors-TOTAL_FORMS": str(len(authors)),
        "authors-INITIAL_FORMS": "0",
        "subjects-TOTAL_FORMS": str(len(subjects)),
        "subjects-INITIAL_FORMS": "0",
        "copies-TOTAL_FORMS": str(len(copies_rows)),
        "copies-INITIAL_FORMS": "0",
    }
    for index, (name, role, level) in enumerate(authors):
        data.update(
            {
                f"authors-{index}-name": name,
                f"authors-{index}-role": role,
                f"authors-{index}-level": str(level),
            }
        )
    for index, name in enumerate(subjects):
        data[f"subjects-{index}-name"] = name
    for index, row in enumerate(copies_rows):
        for key, value in row.items():
            data[f"copies-{index}-{key}"] = "" if value is None else str(value)
        data.setdefault(f"copies-{index}-status", "")
    data.update(fields)
    return data
