"""SLiMS awareness: which of its two OAI-PMH endpoints a source is, what each gets wrong, and how to
harvest a whole ``oai.php`` list although some of its pages answer HTTP 500.

Facts from SLiMS 9 "Bulian" sources (``oai.php`` + ``lib/oai-pmh.inc.php`` + ``lib/detail.inc.php``;
``oai2.php`` + ``lib/oaipmh/*``) and a running install (docs/architecture.md, "Harvesting real SLiMS"):

``oai.php`` (identifiers ``oai:slims/<biblio_id>``)
    * no ``<datestamp>`` in ListRecords/GetRecord headers; ``from`` is only applied together with ``until``,
      against ``biblio.input_date`` (the creation date); the resumption token carries only the offset, so
      pages after the first of a date-filtered list are *unfiltered*;
    * ListIdentifiers shows ``last_update`` (``2019-03-01 10:22:33``) as the header date — the only place
      edits show — and ignores ``from``/``until``; same order and page size as ListRecords;
    * 100 records a page, newest first (``ORDER BY biblio_id DESC``), tokens ``oai_dc/<offset>`` (older
      releases: ``offset%3D<n>%26metadataPrefix%3Doai_dc``) — plain offsets, so the page after a failed one
      can always be requested;
    * a ListRecords page or a GetRecord that touches a hidden (``opac_hide``) or deleted record answers
      HTTP 500 with an HTML error page; the records of such a page are fetched with GetRecord one by one
      (which may 500 again) or from the MODS detail export, which answers 404 HTML for hidden/deleted ids;
    * titles go through PHP ``utf8_encode`` once more: non-ASCII titles arrive as mojibake (repaired by
      :mod:`harvest.adapters.sanitize`);
    * responseDate is the server's local time labelled ``Z``.

``oai2.php`` (identifiers ``oai:<host>:<port>:slims-<biblio_id>``: the host and port the *harvester* used)
    * datestamp = creation date in server-local time labelled ``Z``; setSpec = publish year; its
      responseDate is real UTC, so a next ``from`` taken from it overlaps by the server's UTC offset
      (WIB: 7 hours) — records come twice, none are missed;
    * records hidden from the OPAC come as ``status="deleted"``; physical deletes are never reported;
    * 100 a page, oldest first; signed tokens with a malformed ``expirationDate`` and a ``cursor`` one page
      ahead; GetRecord of a hidden record still returns its metadata;
    * its oai_dc has no copies and no call number (the MODS detail export has both).

Neither endpoint reports edits through ``from`` nor physical deletes: a periodic full identifier
reconciliation is needed, and every harvest must be safe to re-run.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import unquote, urlsplit, urlunsplit

from harvest.adapters.oai_client import (
    Identify,
    OaiClient,
    OaiError,
    OaiProtocolError,
    OaiRecord,
    Page,
    PageFailed,
    RecordHeader,
    RequestFailed,
    RetryPolicy,
)

__all__ = [
    "OAI2_PHP_PROFILE",
    "OAI_PHP_PROFILE",
    "STANDARD_PROFILE",
    "EndpointProfile",
    "OaiPhpPageRecovery",
    "PageRecovery",
    "SlimsFlavour",
    "detect_slims_flavour",
    "iter_slims_pages",
    "mods_detail_url",
    "next_offset_token",
    "offset_from_token",
    "profile_for",
    "record_key_from_identifier",
    "recover_failed_page",
]

logger = logging.getLogger(__name__)


class SlimsFlavour(StrEnum):
    OAI_PHP = "oai.php"
    OAI2_PHP = "oai2.php"


@dataclass(frozen=True)
class EndpointProfile:
    """What an endpoint does (and gets wrong); the harvester reads it instead of testing for SLiMS.

    ``supports_incremental``: a ``from`` harvest is trustworthy enough to schedule (for ``oai.php`` it is
    not: the filter is on creation dates and is lost after the first page — harvest it in full).
    ``reports_edits`` / ``reports_physical_deletes``: False means a full identifier reconciliation
    (ListIdentifiers + content hash) must find them. ``offset_tokens``: tokens are plain offsets, so a
    failed page can be skipped and its records fetched another way (``recovers_failed_pages``).
    """

    name: str
    flavour: SlimsFlavour | None
    has_datestamps: bool
    from_requires_until: bool
    date_filter_on: str  # "datestamp", "creation_date"
    date_filter_survives_paging: bool
    supports_incremental: bool
    reports_edits: bool
    reports_physical_deletes: bool
    hidden_as_deleted: bool
    list_identifiers_date: str  # "datestamp" or "last_update"
    list_identifiers_honours_dates: bool
    page_size: int | None
    newest_first: bool
    offset_tokens: bool
    recovers_failed_pages: bool
    token_expiration_reliable: bool
    datestamps_local_time_as_utc: bool
    mojibake_titles: bool
    oai_dc_has_copies: bool
    metadata_prefixes: tuple[str, ...]
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    def list_params(self, *, from_: str | None, until: str | None) -> dict[str, str | None]:
        """The date arguments to send: ``oai.php`` ignores ``from`` without ``until``, so none are sent."""
        if self.from_requires_until and from_ and not until:
            return {"from_": None, "until": None}
        return {"from_": from_, "until": until}


OAI_PHP_PROFILE = EndpointProfile(
    name="SLiMS oai.php",
    flavour=SlimsFlavour.OAI_PHP,
    has_datestamps=False,
    from_requires_until=True,
    date_filter_on="creation_date",
    date_filter_survives_paging=False,
    supports_incremental=False,
    reports_edits=False,
    reports_physical_deletes=False,
    hidden_as_deleted=False,
    list_identifiers_date="last_update",
    list_identifiers_honours_dates=False,
    page_size=100,
    newest_first=True,
    offset_tokens=True,
    recovers_failed_pages=True,
    token_expiration_reliable=False,
    datestamps_local_time_as_utc=True,
    mojibake_titles=True,
    oai_dc_has_copies=True,
    metadata_prefixes=("oai_dc",),
    # its HTTP 500 for a page touching a hidden record is deterministic: one retry is enough
    retry=RetryPolicy(max_server_error_retries=1),
)

OAI2_PHP_PROFILE = EndpointProfile(
    name="SLiMS oai2.php",
    flavour=SlimsFlavour.OAI2_PHP,
    has_datestamps=True,
    from_requires_until=False,
    date_filter_on="creation_date",
    date_filter_survives_paging=True,
    supports_incremental=True,
    reports_edits=False,
    reports_physical_deletes=False,
    hidden_as_deleted=True,
    list_identifiers_date="datestamp",
    list_identifiers_honours_dates=True,
    page_size=100,
    newest_first=False,
    offset_tokens=False,
    recovers_failed_pages=False,
    token_expiration_reliable=False,
    datestamps_local_time_as_utc=True,
    mojibake_titles=False,
    oai_dc_has_copies=False,
    metadata_prefixes=("oai_dc",),
)

STANDARD_PROFILE = EndpointProfile(
    name="OAI-PMH 2.0",
    flavour=None,
    has_datestamps=True,
    from_requires_until=False,
    date_filter_on="datestamp",
    date_filter_survives_paging=True,
    supports_incremental=True,
    reports_edits=True,
    reports_physical_deletes=True,  # when Identify says deletedRecord=persistent/transient
    hidden_as_deleted=False,
    list_identifiers_date="datestamp",
    list_identifiers_honours_dates=True,
    page_size=None,
    newest_first=False,
    offset_tokens=False,
    recovers_failed_pages=False,
    token_expiration_reliable=True,
    datestamps_local_time_as_utc=False,
    mojibake_titles=False,
    oai_dc_has_copies=False,
    metadata_prefixes=(),
)


# --- identifiers ---------------------------------------------------------------------------------------

_OAI_PHP_IDENTIFIER = re.compile(r"^oai:slims/(\d+)$", re.IGNORECASE)
_OAI2_PHP_IDENTIFIER = re.compile(r"^oai:.+:slims-(\d+)$", re.IGNORECASE)
_TRAILING_SLIMS_ID = re.compile(r"slims[-/:](\d+)$", re.IGNORECASE)


def record_key_from_identifier(identifier: str) -> str:
    """The stable key of a record within its source.

    SLiMS identifiers end in the biblio id: ``oai:slims/42`` (oai.php) and ``oai:127.0.0.1:8089:slims-42``
    (oai2.php, which embeds whatever host and port the harvester used) both give ``"42"``, so the key does
    not change when the source is reached under another name. A bare number is its own key; any other
    identifier (a standard repository's ``oai:repo.example:123``) is kept whole — OAI identifiers are
    unique and persistent by definition (OAI-PMH §2.4).
    """
    value = identifier.strip()
    if value.isdigit():
        return str(int(value))
    match = _TRAILING_SLIMS_ID.search(value)
    if match:
        return str(int(match.group(1)))
    return value


def detect_slims_flavour(
    base_url: str, identify: Identify | None = None, identifiers: tuple[str, ...] | list[str] = ()
) -> SlimsFlavour | None:
    """``oai.php`` or ``oai2.php`` from the URL path, else from Identify and identifier shapes; None if
    the endpoint does not look like SLiMS."""
    path = urlsplit(base_url).path.rstrip("/").lower()
    if path.endswith("/oai2.php") or path == "oai2.php":
        return SlimsFlavour.OAI2_PHP
    if path.endswith("/oai.php") or path == "oai.php":
        return SlimsFlavour.OAI_PHP
    samples = list(identifiers)
    if identify is not None:
        if identify.sample_identifier:
            samples.append(identify.sample_identifier)
        for url in (identify.base_url,):
            lowered = urlsplit(url).path.lower()
            if lowered.endswith("oai2.php"):
                return SlimsFlavour.OAI2_PHP
            if lowered.endswith("oai.php"):
                return SlimsFlavour.OAI_PHP
    for sample in samples:
        if _OAI_PHP_IDENTIFIER.match(sample.strip()):
            return SlimsFlavour.OAI_PHP
        if _OAI2_PHP_IDENTIFIER.match(sample.strip()):
            return SlimsFlavour.OAI2_PHP
    return None


def profile_for(
    base_url: str, identify: Identify | None = None, identifiers: tuple[str, ...] | list[str] = ()
) -> EndpointProfile:
    """The quirk profile for an endpoint (a standard OAI-PMH profile when it is not SLiMS)."""
    flavour = detect_slims_flavour(base_url, identify, identifiers)
    if flavour is SlimsFlavour.OAI_PHP:
        return OAI_PHP_PROFILE
    if flavour is SlimsFlavour.OAI2_PHP:
        return OAI2_PHP_PROFILE
    return STANDARD_PROFILE


def mods_detail_url(base_url: str, record_key: str) -> str:
    """SLiMS's MODS export of one record, next to its OAI endpoint:
    ``.../oai.php`` → ``.../index.php?p=show_detail&inXML=true&id=<key>``."""
    parts = urlsplit(base_url)
    directory = (
        parts.path.rsplit("/", 1)[0] if parts.path.lower().endswith(".php") else parts.path.rstrip("/")
    )
    return urlunsplit(
        (
            parts.scheme,
            parts.netloc,
            f"{directory}/index.php",
            f"p=show_detail&inXML=true&id={record_key}",
            "",
        )
    )


# --- offset tokens ------------------------------------------------------------------------------------

_NEW_TOKEN = re.compile(r"^(?P<prefix>[A-Za-z0-9_.\-]+)/(?P<offset>\d+)$")
_OLD_TOKEN = re.compile(r"(?:^|&)offset=(?P<offset>\d+)")


def offset_from_token(token: str | None) -> int | None:
    """The offset inside an ``oai.php`` token (``oai_dc/200`` or ``offset=200&metadataPrefix=oai_dc``,
    possibly URL-encoded); 0 for no token (the first page); None if the token is not an offset token."""
    if token is None:
        return 0
    value = token.strip()
    for _ in range(2):  # tokens arrive URL-encoded once, sometimes twice
        match = _NEW_TOKEN.match(value) or _OLD_TOKEN.search(value)
        if match:
            return int(match.group("offset"))
        value = unquote(value)
    return None


def next_offset_token(token: str | None, page_size: int, metadata_prefix: str = "oai_dc") -> str:
    """The token of the page after the one ``token`` requested (``None`` = the first page), in the same
    format as ``token``."""
    offset = offset_from_token(token)
    if offset is None:
        raise ValueError(f"{token!r} is not an offset token")
    next_offset = offset + page_size
    if token is not None and not _NEW_TOKEN.match(token.strip()):
        if "%" in token:
            return f"offset%3D{next_offset}%26metadataPrefix%3D{metadata_prefix}"
        if "offset=" in token:
            return f"offset={next_offset}&metadataPrefix={metadata_prefix}"
    return f"{metadata_prefix}/{next_offset}"


# --- a whole oai.php list, failed pages included -------------------------------------------------------


@dataclass
class PageRecovery:
    """How a failed page was replaced (attached to ``Page.recovery``).

    ``failure``: the :class:`PageFailed` of the ListRecords request; ``identifiers``: the ids that page
    covered (from ListIdentifiers at the same offset); ``gone``: ids whose MODS detail answered 404 — hidden
    from the OPAC or deleted at the source; they come as deleted records on the page. ``unrecovered``:
    ``(identifier, reason)`` for records neither GetRecord nor MODS could deliver: record them on the run.
    """

    failure: PageFailed
    identifiers: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    unrecovered: list[tuple[str, str]] = field(default_factory=list)
    identifiers_failed: str = ""  # why the ids of the page could not be listed, if they could not


def recover_failed_page(
    client: OaiClient,
    profile: EndpointProfile,
    failure: PageFailed,
    *,
    metadata_prefix: str = "oai_dc",
    use_mods: bool = True,
    page_size: int | None = None,
) -> Page:
    """Rebuild a failed ``oai.php`` ListRecords page record by record.

    1. ListIdentifiers with the failed page's token lists the ids it covered (same order and page size,
       and ListIdentifiers never renders a record, so it does not fail on hidden ones);
    2. each record is fetched with GetRecord; a record that fails there is read from the MODS detail
       export (``use_mods``); a MODS 404 means hidden or deleted: the record comes back as deleted;
    3. the page's ``resumption_token`` is the next offset (None after the last page), so the caller
       checkpoints and continues exactly as after a normal page.
    With a date-filtered list the ids are those of the unfiltered list at that offset (oai.php's
    ListIdentifiers ignores dates): best effort, which is one reason oai.php is harvested in full.
    """
    token = failure.resumption_token
    recovery = PageRecovery(failure=failure)
    records: list[OaiRecord] = []
    next_token: str | None
    complete_list_size = None
    response_date = ""
    size = page_size or profile.page_size or 100
    try:
        listing = next(
            client.iter_pages(
                "ListIdentifiers",
                metadata_prefix=metadata_prefix,
                resume_token=token,
                max_pages=1,
            )
        )
    except (RequestFailed, StopIteration) as error:
        recovery.identifiers_failed = str(error)
        listing = None
    if listing is not None:
        response_date = listing.response_date
        complete_list_size = listing.complete_list_size
        recovery.identifiers = [record.identifier for record in listing.records]
        if listing.resumption_token:
            size = len(listing.records) or size
            next_token = next_offset_token(token, size, metadata_prefix)
        else:
            next_token = None
    else:
        next_token = next_offset_token(token, size, metadata_prefix)

    for identifier in recovery.identifiers:
        try:
            records.append(client.get_record(identifier, metadata_prefix))
            continue
        except RequestFailed as error:
            reason = f"GetRecord: {error.reason}"
        except (OaiError, OaiProtocolError) as error:  # idDoesNotExist, a response without <record>
            reason = f"GetRecord: {error}"
        if not use_mods:
            recovery.unrecovered.append((identifier, reason))
            continue
        key = record_key_from_identifier(identifier)
        try:
            parsed = client.fetch_xml(mods_detail_url(client.base_url, key))
        except RequestFailed as error:
            if error.status == 404:
                recovery.gone.append(identifier)
                records.append(
                    OaiRecord(
                        header=RecordHeader(identifier=identifier, datestamp=None, deleted=True),
                        metadata=None,
                        metadata_format="mods",
                        source="mods",
                    )
                )
            else:
                recovery.unrecovered.append((identifier, f"{reason}; MODS: {error.reason}"))
            continue
        mods = _first_mods(parsed.root)
        if mods is None:
            recovery.unrecovered.append((identifier, f"{reason}; MODS: no <mods> element"))
            continue
        records.append(
            OaiRecord(
                header=RecordHeader(identifier=identifier, datestamp=None, deleted=False),
                metadata=mods,
                metadata_format="mods",
                source="mods",
            )
        )
    return Page(
        verb="ListRecords",
        request_params=dict(failure.params),
        request_token=token,
        records=records,
        resumption_token=next_token,
        complete_list_size=complete_list_size,
        cursor=offset_from_token(token),
        expiration_date=None,
        response_date=response_date,
        problems=list(recovery.unrecovered),
        recovery=recovery,
    )


def _first_mods(root):
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.rsplit("}", 1)[-1] == "mods":
            return element
    return None


MAX_BLIND_PAGES = 3  # failed pages in a row whose ids could not be listed either: then the endpoint is gone


class OaiPhpPageRecovery:
    """The :data:`~harvest.adapters.oai_client.PageRecoveryHook` of an ``oai.php`` walk: a failed page is
    replaced by :func:`recover_failed_page`'s page and the list goes on at the next offset.

    A failed page whose ids cannot be listed either is a *blind* page: it is returned (the run records
    it; reconciliation fetches its records later) — but after ``max_blind_pages`` blind pages in a row the
    endpoint is taken for gone (moved, down, answering 404 to everything) and the failure propagates:
    blind offsets never end by themselves. ``max_recovered_pages`` bounds the rebuilt pages of one walk.
    """

    def __init__(
        self,
        client: OaiClient,
        profile: EndpointProfile,
        *,
        metadata_prefix: str = "oai_dc",
        use_mods: bool = True,
        max_recovered_pages: int | None = None,
        max_blind_pages: int = MAX_BLIND_PAGES,
    ):
        self.client = client
        self.profile = profile
        self.metadata_prefix = metadata_prefix
        self.use_mods = use_mods
        self.max_recovered_pages = max_recovered_pages
        self.max_blind_pages = max_blind_pages
        self.page_size = profile.page_size  # the size of the last complete page seen
        self.recovered_pages = 0
        self.blind_in_a_row = 0

    def saw(self, page: Page) -> None:
        """Learn the page size from a page that came normally (the last page of a list is shorter)."""
        if page.recovery is None and page.resumption_token and page.records:
            self.page_size = len(page.records)

    def __call__(self, failure: PageFailed) -> Page | None:
        if offset_from_token(failure.resumption_token) is None:
            return None
        self.recovered_pages += 1
        if self.max_recovered_pages is not None and self.recovered_pages > self.max_recovered_pages:
            return None
        logger.warning(
            "%s: page at token %r failed (%s); fetching its records one by one",
            self.client.base_url,
            failure.resumption_token,
            failure.reason,
        )
        page = recover_failed_page(
            self.client,
            self.profile,
            failure,
            metadata_prefix=self.metadata_prefix,
            use_mods=self.use_mods,
            page_size=self.page_size,
        )
        self.blind_in_a_row = self.blind_in_a_row + 1 if page.recovery.identifiers_failed else 0
        if self.blind_in_a_row > self.max_blind_pages:
            return None
        return page


def iter_slims_pages(
    client: OaiClient,
    profile: EndpointProfile,
    *,
    metadata_prefix: str = "oai_dc",
    from_: str | None = None,
    until: str | None = None,
    resume_token: str | None = None,
    use_mods: bool = True,
    max_recovered_pages: int | None = None,
    max_blind_pages: int = MAX_BLIND_PAGES,
) -> Iterator[Page]:
    """The pages of a ListRecords harvest, with ``oai.php``'s failing pages rebuilt record by record.

    For profiles without offset tokens this is :meth:`OaiClient.iter_pages` (a failing page raises
    :class:`PageFailed`: the run records it and can resume from ``failure.resumption_token`` later).
    For ``oai.php`` the client is given an :class:`OaiPhpPageRecovery` hook: a failed page comes back as
    :func:`recover_failed_page`'s page (its ``recovery`` says what happened) and the walk continues with
    the next offset. Checkpoint with ``page.resumption_token`` after each committed page, as with any page.
    """
    recover = None
    if profile.offset_tokens and profile.recovers_failed_pages:
        recover = OaiPhpPageRecovery(
            client,
            profile,
            metadata_prefix=metadata_prefix,
            use_mods=use_mods,
            max_recovered_pages=max_recovered_pages,
            max_blind_pages=max_blind_pages,
        )
    pages = client.iter_pages(
        "ListRecords",
        metadata_prefix=metadata_prefix,
        resume_token=resume_token,
        recover=recover,
        **profile.list_params(from_=from_, until=until),
    )
    for page in pages:
        if recover is not None:
            recover.saw(page)
        yield page
