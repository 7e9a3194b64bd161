"""OAI identifiers of Simpul records: ``oai:<repository identifier>:<library code>:<record id>``.

The repository identifier is the portal's host (``settings.OAIPMH_REPOSITORY_IDENTIFIER``, by default the
base domain; a base domain without a dot such as ``localhost`` becomes ``simpul.localhost``, because the
oai-identifier scheme needs a domain name). The same record has the same identifier in the union endpoint
and in its library's own endpoint, and keeps it for ever: library codes and record ids never change, and a
deleted record's identifier is never given to another record (ids come from a sequence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

_LIBRARY_CODE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def repository_identifier() -> str:
    configured = getattr(settings, "OAIPMH_REPOSITORY_IDENTIFIER", "") or settings.BASE_DOMAIN
    return configured if "." in configured else f"simpul.{configured}"


def identifier_for(library_code: str, record_id: int) -> str:
    return f"oai:{repository_identifier()}:{library_code}:{record_id}"


@dataclass(frozen=True)
class RecordKey:
    library_code: str
    record_id: int


def parse_identifier(identifier: str) -> RecordKey | None:
    """The library code and record id of one of our identifiers; None for anything else."""
    prefix = f"oai:{repository_identifier()}:"
    if not identifier.startswith(prefix):
        return None
    code, _, number = identifier[len(prefix) :].partition(":")
    if not _LIBRARY_CODE.match(code) or not number.isascii() or not number.isdigit() or len(number) > 18:
        return None
    if number != str(int(number)):  # one spelling per record: no leading zeros
        return None
    return RecordKey(library_code=code, record_id=int(number))
