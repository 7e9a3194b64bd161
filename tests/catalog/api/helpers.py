"""Builders of the staff API's write tests: JSON calls on a library's host, a record body, records with
copies in a library, a loan of a copy."""

from __future__ import annotations

import itertools
import json

from django.test import Client
from django_tenants.utils import tenant_context

from catalog.cataloguing.services import save_record
from catalog.models import Item, Record
from tests.catalog.cataloguing.builders import ISBN_BAD, ISBN_TAFSIR, copies, open_loan, record_data
from tests.factories import host_of, make_user

__all__ = ["ISBN_BAD", "ISBN_TAFSIR", "call", "librarian_client", "loaned", "record_body", "saved_record"]

_numbers = itertools.count(1)


def call(client: Client, method: str, path: str, library, body: dict | None = None, **headers):
    """``method path`` on ``library``'s host with a JSON body (the API parses JSON only)."""
    kwargs = {"HTTP_HOST": host_of(library), **headers}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method.lower())(path, **kwargs)


def librarian_client(library, *, name: str = "api-pustakawan") -> tuple[Client, object]:
    user = make_user(f"{name}-{next(_numbers)}", libraries=[library])
    client = Client()
    client.force_login(user)
    return client, user


def barcode(prefix: str = "API") -> str:
    return f"{prefix}-{next(_numbers):05d}"


def record_body(**overrides) -> dict:
    """A new record as a client posts it: a book with two authors, two subjects and two copies."""
    body = {
        "title": "Fiqih Zakat Kontemporer",
        "statement_of_responsibility": "Yusuf Qardhawi ; penerjemah Salman Harun",
        "edition": "Cet. 3",
        "isbn_issn": ISBN_TAFSIR,
        "publisher": "Pustaka Al-Kautsar",
        "publish_place": "Jakarta",
        "publish_year": "1440 H/2019",
        "collation": "xxiv, 680 hlm. ; 24 cm",
        "call_number": "2X4.3 QAR f",
        "classification": "2X4.3",
        "language": "id",
        "material_type": "Text",
        "authors": [
            {"name": "Yusuf Qardhawi", "role": "author", "level": 1},
            {"name": "Salman Harun", "role": "translator", "level": 2},
        ],
        "subjects": ["Zakat", "Fiqih"],
        "copies": [
            {
                "item_code": barcode(),
                "location": "Rak 4",
                "acquisition_source": "purchase",
                "price": "125000",
            },
            {"item_code": barcode(), "location": "Rak 4", "status": "NL"},
        ],
    }
    body.update(overrides)
    return body


def saved_record(library, *, codes: int = 2, actor=None, **overrides) -> Record:
    """A record with ``codes`` copies saved in ``library`` through the record form's service."""
    with tenant_context(library):
        return save_record(
            record=None,
            data=record_data(**overrides),
            copies=copies(*(barcode("REC") for _ in range(codes))),
            actor=actor,
        )


def loaned(library, item: Item) -> None:
    with tenant_context(library):
        open_loan(item)
