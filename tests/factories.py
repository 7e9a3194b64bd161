"""Small builders for test data (no fixtures copied between files)."""

from __future__ import annotations

import itertools

from django.conf import settings

from catalog.normalized import NormalizedCopy, NormalizedRecord

LIBRARY_A = {
    "code": "uji-aceh",
    "name": "Perpustakaan Uji Aceh",
    "kind": "bdk",
    "city": "Banda Aceh",
    "province": "Aceh",
    # Circulation in Simpul: its loans are catalog.Loan rows, so its copies' availability is known.
    "system": "simpul",
}
LIBRARY_B = {
    "code": "uji-medan",
    "name": "Perpustakaan Uji Medan",
    "kind": "bdk",
    "city": "Medan",
    "province": "Sumatera Utara",
    "system": "slims",  # harvested from its own SLiMS: no loans reach Simpul, availability unknown
}

_sequence = itertools.count(1)


def host_of(library_or_code) -> str:
    code = getattr(library_or_code, "code", library_or_code)
    return f"{code}.{settings.BASE_DOMAIN}"


def make_normalized_record(**overrides) -> NormalizedRecord:
    number = next(_sequence)
    values = {
        "source_key": f"t-{number}",
        "title": f"Fiqih Ibadah Jilid {number}",
        "authors": ("Sulaiman Rasjid", "Ahmad Hasan"),
        "subjects": ("Fiqih", "Ibadah"),
        "isbn_issn": "9786028519939",
        "publisher": "Sinar Baru Algensindo",
        "publish_place": "Bandung",
        "publish_year": "2019",
        "call_number": "2X4.1 SUL f",
        "classification": "2X4.1",
        "language": "id",
        "material_type": "Text",
        "copies": (
            NormalizedCopy(item_code=f"T{number:05d}-1"),
            NormalizedCopy(item_code=f"T{number:05d}-2"),
        ),
        "raw_format": "local",
    }
    values.update(overrides)
    return NormalizedRecord(**values)


def make_user(username: str, *, password: str = "rahasia-uji-123", global_role: str = "", libraries=()):
    from portal.accounts.models import Membership, User

    user = User.objects.create_user(username=username, password=password, global_role=global_role)
    for library in libraries:
        Membership.objects.create(user=user, library=library)
    return user
