"""Parsing an OAI-PMH request's arguments (OAI-PMH 2.0 §3.1, §4) into a ``OaiRequest``, or the error the
protocol prescribes. GET query and POST form bodies are read the same way; any repeated or unknown
argument is a ``badArgument``, an absent, repeated or unknown verb a ``badVerb``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.http import QueryDict

from oaipmh.errors import BadArgument, BadVerb

VERBS = {
    # verb: (required, optional, exclusive)
    "Identify": (set(), set(), None),
    "ListMetadataFormats": (set(), {"identifier"}, None),
    "ListSets": (set(), set(), "resumptionToken"),
    "GetRecord": ({"identifier", "metadataPrefix"}, set(), None),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@dataclass(frozen=True)
class OaiRequest:
    verb: str
    arguments: dict[str, str]  # every argument but the verb, as given

    def get(self, name: str) -> str | None:
        return self.arguments.get(name)


def parse_request(params: QueryDict) -> OaiRequest:
    verbs = params.getlist("verb")
    if len(verbs) != 1:
        raise BadVerb("Argumen verb wajib ada tepat satu kali." if verbs else "Argumen verb tidak ada.")
    verb = verbs[0]
    if verb not in VERBS:
        raise BadVerb("Verb tidak dikenal.")
    required, optional, exclusive = VERBS[verb]
    arguments: dict[str, str] = {}
    for name in params:
        if name == "verb":
            continue
        values = params.getlist(name)
        if len(values) != 1:
            raise BadArgument(f"Argumen {name} diberikan lebih dari sekali.")
        if name not in required | optional and name != exclusive:
            raise BadArgument(f"Argumen {name} tidak berlaku untuk {verb}.")
        arguments[name] = values[0]
    if exclusive and exclusive in arguments:
        if len(arguments) > 1:
            raise BadArgument(f"{exclusive} tidak boleh disertai argumen lain.")
    else:
        missing = sorted(required - arguments.keys())
        if missing:
            raise BadArgument(f"Argumen wajib tidak ada: {', '.join(missing)}.")
    return OaiRequest(verb=verb, arguments=arguments)


def parse_datestamp(value: str, *, end_of_day: bool) -> tuple[datetime, str]:
    """A ``from``/``until`` value as a UTC moment and its granularity (``day`` or ``second``); a date alone
    covers the whole day (``until`` up to its last second)."""
    try:
        if _SECOND.match(value):
            return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC), "second"
        if _DAY.match(value):
            moment = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
            if end_of_day:
                moment = moment + timedelta(days=1) - timedelta(seconds=1) if moment.year < 9999 else moment
            return moment, "day"
    except (ValueError, OverflowError) as error:
        raise BadArgument(f"Tanggal tidak sah: {value}") from error
    raise BadArgument(f"Tanggal harus YYYY-MM-DD atau YYYY-MM-DDThh:mm:ssZ: {value}")


def date_range(request: OaiRequest) -> tuple[datetime | None, datetime | None]:
    """``from`` and ``until`` of a list request; mixed granularities or ``from`` after ``until`` are a
    ``badArgument`` (OAI-PMH 2.0 §3.3.1)."""
    start = end = None
    granularities = set()
    if request.get("from") is not None:
        start, granularity = parse_datestamp(request.get("from"), end_of_day=False)
        granularities.add(granularity)
    if request.get("until") is not None:
        end, granularity = parse_datestamp(request.get("until"), end_of_day=True)
        granularities.add(granularity)
    if len(granularities) > 1:
        raise BadArgument("from dan until harus dengan granularitas yang sama.")
    if start is not None and end is not None and start > end:
        raise BadArgument("from lebih akhir daripada until.")
    return start, end
