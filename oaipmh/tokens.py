"""Resumption tokens: signed, self-contained, with an expiry (OAI-PMH 2.0 §3.5).

A token carries the list's arguments (format, set, ``from``, and ``until`` frozen at the first page when
none was given), the keyset position (datestamp, library id, record id of the last record sent), the cursor
and the completeListSize. Nothing is kept on the server, so tokens survive restarts and any number of
harvesters; a record that changes during a harvest moves past the frozen ``until`` and is picked up by the
next incremental harvest instead of being sent twice or skipped. Tokens are signed with the secret key (a
forged or altered token is a ``badResumptionToken``) and expire after ``settings.OAIPMH_TOKEN_SECONDS``
(7 days by default; aggregators expect at least one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing

from oaipmh.errors import BadResumptionToken

_SALT = "simpul.oaipmh.resumption-token"


def token_lifetime() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "OAIPMH_TOKEN_SECONDS", 7 * 24 * 3600)))


@dataclass(frozen=True)
class ListState:
    verb: str
    repository: str
    metadata_prefix: str
    set_spec: str
    from_: datetime | None
    until: datetime
    after: tuple[int, int, int] | None  # (datestamp as epoch seconds, library id, record id)
    cursor: int
    complete_list_size: int


def _epoch(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp())


def _moment(epoch: int | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, tz=UTC)


def encode(state: ListState) -> str:
    payload = {
        "v": state.verb,
        "r": state.repository,
        "m": state.metadata_prefix,
        "s": state.set_spec,
        "f": _epoch(state.from_),
        "u": _epoch(state.until),
        "a": list(state.after) if state.after else None,
        "c": state.cursor,
        "n": state.complete_list_size,
    }
    return signing.dumps(payload, salt=_SALT, compress=True)


def decode(token: str, *, verb: str, repository: str) -> ListState:
    """The state a token carries; ``BadResumptionToken`` if it is forged, expired, or from another list."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=token_lifetime())
    except signing.SignatureExpired as error:
        raise BadResumptionToken("Resumption token kedaluwarsa; mulai daftar dari awal.") from error
    except (signing.BadSignature, ValueError, TypeError, UnicodeError, OverflowError) as error:
        raise BadResumptionToken("Resumption token tidak dikenal.") from error
    try:
        if payload["v"] != verb or payload["r"] != repository:
            raise BadResumptionToken("Resumption token ini bukan untuk permintaan ini.")
        after = payload["a"]
        return ListState(
            verb=verb,
            repository=repository,
            metadata_prefix=str(payload["m"]),
            set_spec=str(payload["s"]),
            from_=_moment(payload["f"]),
            until=_moment(payload["u"]),
            after=(int(after[0]), int(after[1]), int(after[2])) if after else None,
            cursor=int(payload["c"]),
            complete_list_size=int(payload["n"]),
        )
    except (KeyError, TypeError, ValueError, IndexError, OverflowError) as error:
        raise BadResumptionToken("Resumption token rusak.") from error


def expiration_of(issued_at: datetime) -> datetime:
    return issued_at + token_lifetime()
