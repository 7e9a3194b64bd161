"""A loopback OAI-PMH server for tests and benchmarks: SLiMS's two endpoints, quirks included, its MODS
exports, and a well-behaved OAI-PMH 2.0 repository — all over real HTTP on 127.0.0.1.

Paths (one server serves them all):

``/slims/oai.php``
    SLiMS ``oai.php`` as ``lib/oai-pmh.inc.php`` writes it: identifiers ``oai:slims/<id>``, no datestamps,
    ``from`` applied only with ``until`` and on the creation date (and lost after the first page: the token
    is ``oai_dc/<offset>``), 100 a page newest first, titles run through PHP ``utf8_encode`` (mojibake),
    ListIdentifiers with ``last_update`` as the date and no date filter, HTTP 500 HTML for a ListRecords page
    or GetRecord touching a hidden or deleted record, responseDate in local time labelled ``Z``.
``/slims/oai2.php``
    SLiMS ``oai2.php`` (``lib/oaipmh/*``): identifiers ``oai:<host>:<port>:slims-<id>`` from the request's
    Host header, datestamp = creation date in local time labelled ``Z``, setSpec = publish year, hidden
    records as ``status="deleted"``, 100 a page oldest first, signed tokens with a malformed
    ``expirationDate`` and a cursor one page ahead, GetRecord of a hidden record still with metadata.
``/slims/index.php?p=show_detail&inXML=true&id=N``
    the MODS detail export (copies, locations, shelf marks, dates); 404 HTML for hidden or deleted ids.
``/slims/index.php?resultXML=true[&keywords=...][&page=N]``
    the OPAC result list as a MODS collection (10 a page).
``/repo/oai``
    a well-behaved repository: oai_dc, marcxml (MARC 21 slim, built with pymarc) and mods; datestamps
    (UTC, last change), sets (``type:<material type>``), persistent deleted records (hidden records are
    deleted too), opaque keyset resumption tokens, proper errors.

Records come from a :class:`Catalogue` built from ``NormalizedRecord`` objects (any source). It can be
changed while the server runs: :meth:`Catalogue.edit_title`, :meth:`Catalogue.delete` (physical),
:meth:`Catalogue.hide` (``opac_hide``). Faults are injected per test through :class:`Faults`.

Usage::

    with OaiTestServer(Catalogue(build_records(size=250))) as server:
        client = OaiClient(server.oai_php_url)
        ...
        server.faults.unavailable = 2          # the next two requests answer 503 + Retry-After

Run ``python -m tests.harvest.oai_server --size 100000`` to serve a catalogue from its own process
(benchmarks: keeps the server's memory out of the harvester's RSS).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import re
import socket
import struct
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit
from xml.sax.saxutils import escape

import pymarc
from pymarc import Field, Indicators, Subfield

from catalog.normalized import NormalizedRecord

__all__ = ["Catalogue", "Faults", "OaiTestServer", "RequestLogEntry", "SourceRecord"]

OAI_ROOT_ATTRS = (
    'xmlns="http://www.openarchives.org/OAI/2.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"'
)
OAI_DC_ATTRS = (
    'xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd"'
)
LANGUAGE_NAMES = {"id": "Indonesia", "en": "English", "ar": "Arab", "ms": "Melayu", "jv": "Jawa"}
LANGUAGE_CODES_639_2 = {"id": "ind", "en": "eng", "ar": "ara", "ms": "may", "jv": "jav"}
AUTHOR_LEVELS = ("Primary Author", "Additional Author")
SLIMS_PAGE_SIZE = 100
MYSQL = "%Y-%m-%d %H:%M:%S"  # how MySQL DATETIME values print
OPAC_RESULT_SIZE = 10
TOKEN_SECRET = b"simpul-loopback"
PHP_NOTICE = (
    "\n<br />\n<b>Notice</b>:  Undefined index: biblio_id in <b>/var/www/html/slims/lib/oai-pmh.inc.php</b>"
    " on line <b>214</b><br />\n"
)
HTML_500 = (
    "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head><body>\n"
    "<h1>Internal Server Error</h1>\n<p>The server encountered an internal error or misconfiguration and "
    "was unable to complete your request.</p>\n<hr>\n<address>Apache/2.4.62 (Debian) Server</address>\n"
    "</body></html>\n"
)
HTML_404 = (
    "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>\n<h1>Not Found</h1>\n"
    "<p>Data not found!</p>\n</body></html>\n"
)


def entity_bomb_dtd(external_file: str = "", levels: int = 5) -> str:
    """A DOCTYPE declaring ``lol<levels>`` (10**levels times "lol": the "billion laughs" shape, kept small
    enough that a parser which expands it still finishes) and ``xxe``, an external entity reading
    ``external_file``. Put ``&lol<levels>;&xxe;`` in the text to see whether a parser expands them."""
    lines = ['<!ENTITY lol0 "lol">']
    lines += [f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, levels + 1)]
    if external_file:
        lines.append(f'<!ENTITY xxe SYSTEM "file://{external_file}">')
    else:
        lines.append('<!ENTITY xxe "">')
    return "<!DOCTYPE OAI-PMH [\n" + "\n".join(lines) + "\n]>\n"


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def utf8_encode(text: str) -> str:
    """PHP's ``utf8_encode``: the (already UTF-8) bytes read as ISO-8859-1 and encoded to UTF-8 again."""
    return text.encode("utf-8").decode("latin-1")


# --- the catalogue -----------------------------------------------------------------------------------


@dataclass
class SourceRecord:
    """One row of SLiMS's ``biblio`` table with its content as a NormalizedRecord.

    Dates are server-local wall-clock time without a zone, as MySQL ``DATETIME`` keeps them.
    """

    biblio_id: int
    record: NormalizedRecord
    input_date: datetime
    last_update: datetime
    opac_hide: bool = False
    deleted_at: datetime | None = None
    version: int = 0

    @property
    def live(self) -> bool:
        return self.deleted_at is None


class Catalogue:
    """The source's records in memory; safe to change while the server runs (one lock).

    ``utc_offset``: the server's local time zone (WIB, +7, by default) — SLiMS writes local times and
    labels them ``Z``.
    """

    def __init__(
        self,
        records: Iterable[NormalizedRecord] = (),
        *,
        first_input_date: datetime = datetime(2015, 1, 1, 8, 0, 0),
        spacing: timedelta = timedelta(minutes=30),
        utc_offset: timedelta = timedelta(hours=7),
        clock: Callable[[], datetime] | None = None,
    ):
        self.utc_offset = utc_offset
        self._clock = clock or (lambda: datetime.now(UTC).replace(tzinfo=None, microsecond=0))
        self._lock = threading.RLock()
        self._records: dict[int, SourceRecord] = {}
        self._next_id = 1
        self._first_input_date = first_input_date
        self._spacing = spacing
        self.version = 0
        self._ids_cache: tuple[int, list[int], list[int]] = (-1, [], [])
        for record in records:
            self.add(record)

    # reading
    def now_local(self) -> datetime:
        return self._clock() + self.utc_offset

    def get(self, biblio_id: int) -> SourceRecord | None:
        return self._records.get(biblio_id)

    def _ids(self) -> tuple[list[int], list[int]]:
        with self._lock:
            version, live, every = self._ids_cache
            if version != self.version:
                every = sorted(self._records)
                live = [biblio_id for biblio_id in every if self._records[biblio_id].live]
                self._ids_cache = (self.version, live, every)
            return live, every

    def live_ids(self) -> list[int]:
        """Ids of records that still exist (hidden ones included), ascending. Do not mutate."""
        return self._ids()[0]

    def all_ids(self) -> list[int]:
        """Ids of every record ever added, deleted ones included, ascending. Do not mutate."""
        return self._ids()[1]

    def visible_records(self) -> list[SourceRecord]:
        return [self._records[i] for i in self.live_ids() if not self._records[i].opac_hide]

    def __len__(self) -> int:
        return len(self.live_ids())

    # changing
    def add(self, record: NormalizedRecord, *, input_date: datetime | None = None) -> int:
        with self._lock:
            biblio_id = self._next_id
            self._next_id += 1
            created = input_date or self._first_input_date + self._spacing * (biblio_id - 1)
            self._records[biblio_id] = SourceRecord(
                biblio_id=biblio_id,
                record=replace(record, source_key=str(biblio_id)),
                input_date=created,
                last_update=created + timedelta(days=biblio_id % 5, minutes=biblio_id % 60),
            )
            self.version += 1
            return biblio_id

    def _change(self, biblio_id: int, change: Callable[[SourceRecord], None]) -> None:
        with self._lock:
            source = self._records[biblio_id]
            change(source)
            source.last_update = max(self.now_local(), source.last_update + timedelta(seconds=1))
            source.version += 1
            self.version += 1

    def edit(self, biblio_id: int, **changes) -> None:
        """Change fields of a record (as a librarian's edit in SLiMS: ``last_update`` moves)."""
        self._change(biblio_id, lambda source: setattr(source, "record", replace(source.record, **changes)))

    def edit_title(self, biblio_id: int, title: str) -> None:
        self.edit(biblio_id, title=title)

    def hide(self, biblio_id: int, hidden: bool = True) -> None:
        """Set ``opac_hide`` (hidden from the OPAC)."""
        self._change(biblio_id, lambda source: setattr(source, "opac_hide", hidden))

    def delete(self, biblio_id: int) -> None:
        """Delete physically (SLiMS keeps no trace; the repository keeps a persistent deleted record)."""

        def mark(source: SourceRecord) -> None:
            source.deleted_at = self.now_local()

        self._change(biblio_id, mark)


# --- faults -------------------------------------------------------------------------------------------


@dataclass
class Faults:
    """Faults to inject, changeable while the server runs. Counters count down as faults are served.

    ``verbs`` limits the per-request faults (503, slow, truncate, reset) to those OAI verbs; ``None``
    applies them to every request (MODS exports included). ``broken_page`` is the 1-based page of a
    ListRecords list answered with a 500 HTML page (``broken_page_times`` times; ``None`` = every time).
    ``truncate_mode``: ``"content-length"`` declares the full length and closes early; ``"xml"`` sends a
    shorter but complete HTTP body whose XML is cut.
    """

    unavailable: int = 0
    retry_after: str | None = "1"
    broken_page: int | None = None
    broken_page_times: int | None = None
    truncate: int = 0
    truncate_mode: str = "content-length"
    reset: int = 0
    slow: int = 0
    slow_seconds: float = 0.5
    bad_token_on_use: int | None = None
    page_size: int | None = None
    php_notice: bool = False
    control_chars: bool = False
    html_entities: bool = False
    isbn_form: str = "{isbn}"  # the repository's dc:identifier for the ISBN, e.g. "urn:isbn:{compact}"
    shuffle_subjects: bool = False  # oai.php: subjects in a different order on every response (SLiMS)
    entity_bomb: str = ""  # the repository's responses carry a DTD with this entity set (entity_bomb_dtd)
    oversized_bytes: int = 0  # OAI responses padded (an XML comment before the closing root) to this size
    oversized_streamed: bool = False  # ... sent in pieces without Content-Length, until the client hangs up
    verbs: frozenset[str] | None = None
    token_uses: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def applies_to(self, verb: str | None) -> bool:
        return self.verbs is None or verb in self.verbs

    def take(self, name: str) -> bool:
        """Use one of the counted faults ``name`` if any is left."""
        with self._lock:
            left = getattr(self, name)
            if left > 0:
                setattr(self, name, left - 1)
                return True
            return False

    def take_broken_page(self, page_number: int) -> bool:
        with self._lock:
            if self.broken_page != page_number:
                return False
            if self.broken_page_times is None:
                return True
            if self.broken_page_times > 0:
                self.broken_page_times -= 1
                return True
            return False

    def count_token_use(self) -> bool:
        """Count a request carrying a resumption token; True if this one must be refused."""
        with self._lock:
            self.token_uses += 1
            return self.bad_token_on_use is not None and self.token_uses == self.bad_token_on_use


@dataclass(frozen=True)
class RequestLogEntry:
    path: str
    params: dict[str, str]
    status: int
    fault: str = ""


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "text/xml"
    headers: dict[str, str] = field(default_factory=dict)
    fault: str = ""


class _RenderCache:
    """A bounded LRU of rendered record fragments (keyed by kind, id, version, host)."""

    def __init__(self, size: int):
        self._size = size
        self._items: OrderedDict[tuple, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, render: Callable[[], str]) -> str:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
                return value
        value = render()
        with self._lock:
            self._items[key] = value
            if len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


# --- shared rendering helpers ----------------------------------------------------------------------------


def _split_title(title: str) -> tuple[str, str]:
    """SLiMS's MODS split: the main title keeps the colon ("Judul :" / "sub")."""
    if ":" in title:
        position = title.index(":")
        return title[: position + 1].strip(), title[position + 1 :].strip()
    return title.strip(), ""


def _compact_isbn(value: str) -> str:
    return value.replace("-", "").replace(" ", "")


def _year4(value: str) -> str:
    match = re.search(r"(\d{4})", value)
    return match.group(1) if match else value


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "other"


def _parse_oai_date(value: str) -> tuple[datetime, bool] | None:
    """``YYYY-MM-DD`` or ``YYYY-MM-DDThh:mm:ssZ`` → (naive datetime, has_time)."""
    value = value.strip()
    for pattern, has_time in (("%Y-%m-%dT%H:%M:%SZ", True), ("%Y-%m-%d", False)):
        try:
            return datetime.strptime(value, pattern), has_time
        except ValueError:
            continue
    return None


def _php_date_create(value: str) -> datetime | None:
    """Roughly PHP's ``date_create``: the wall clock as written, zone designators ignored."""
    value = value.strip().replace("T", " ").rstrip("Z").strip()
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    return None


def _sign(payload: bytes) -> str:
    return hmac.new(TOKEN_SECRET, payload, hashlib.sha256).hexdigest()


def _encode_token(data: dict) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).rstrip(b"=")
    return payload.decode() + "." + _sign(payload)


def _decode_token(token: str) -> dict | None:
    match = re.fullmatch(r"([A-Za-z0-9_-]+)\.([a-f0-9]{64})", token.strip())
    if match is None:
        return None
    payload = match.group(1).encode()
    if not hmac.compare_digest(_sign(payload), match.group(2)):
        return None
    try:
        return json.loads(base64.urlsafe_b64decode(payload + b"=" * (-len(payload) % 4)))
    except ValueError:
        return None


# --- SLiMS oai.php ----------------------------------------------------------------------------------------


class _OaiPhp:
    """SLiMS ``oai.php`` + ``lib/oai-pmh.inc.php`` + ``detail::DublinCoreOutput``."""

    def __init__(self, app: _App):
        self.app = app

    def _page_size(self) -> int:
        return self.app.faults.page_size or SLIMS_PAGE_SIZE

    def handle(self, params: dict[str, str], host: str) -> Response:
        verb = params.get("verb", "")
        now = self.app.catalogue.now_local().strftime("%Y-%m-%dT%H:%M:%S") + "Z"  # date() labelled Z
        base_url = f"http://{host}/slims/oai.php"
        head = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<OAI-PMH {OAI_ROOT_ATTRS}>\n<responseDate>{now}</responseDate>\n"
        )
        if verb == "ListRecords":
            body = self._list_records(params, host, base_url)
        elif verb == "ListIdentifiers":
            body = self._list_identifiers(params, base_url)
        elif verb == "GetRecord":
            body = self._get_record(params, host, base_url)
        elif verb == "Identify":
            body = self._identify(base_url)
        elif verb == "ListMetadataFormats":
            body = (
                f'<request verb="ListMetadataFormats">{base_url}</request>\n<ListMetadataFormats>\n'
                " <metadataFormat>\n  <metadataPrefix>oai_dc</metadataPrefix>\n"
                "  <schema>http://www.openarchives.org/OAI/2.0/oai_dc.xsd</schema>\n"
                "  <metadataNamespace>http://www.openarchives.org/OAI/2.0/oai_dc/</metadataNamespace>\n"
                " </metadataFormat>\n</ListMetadataFormats>\n"
            )
        elif verb == "ListSets":
            body = self._list_sets(params, base_url)
        else:
            body = f'<request>{base_url}</request>\n<error code="badVerb">Illegal OAI verb</error>\n'
        if isinstance(body, Response):
            return body
        tail = "</OAI-PMH>"
        if self.app.faults.php_notice:
            tail += PHP_NOTICE
        return Response(200, (head + body + tail).encode("utf-8"))

    def _identify(self, base_url: str) -> str:
        name = _attr(self.app.library_name)
        return (
            f'<request verb="Identify">{base_url}</request>\n<Identify>\n'
            f" <repositoryName>{name}</repositoryName>\n <baseURL>{base_url}</baseURL>\n"
            f" <protocolVersion>2.0</protocolVersion>\n <repositoryName>{name}</repositoryName>\n"
            " <adminEmail>admin@slims.test</adminEmail>\n <earliestDatestamp></earliestDatestamp>\n"
            " <deletedRecord>transient</deletedRecord>\n <granularity>YYYY-MM-DDThh:mm:ssZ</granularity>\n"
            ' <description>\n  <eprints xmlns="http://www.openarchives.org/OAI/1.1/eprints" '
            'xsi:schemaLocation="http://www.openarchives.org/OAI/1.1/eprints '
            'http://www.openarchives.org/OAI/1.1/eprints.xsd">\n   <metadataPolicy>\n'
            "    <text>Metadata can be used by anyone</text>\n   </metadataPolicy>\n  </eprints>\n"
            " </description>\n</Identify>\n"
        )

    def _offset(self, params: dict[str, str]) -> tuple[int, str]:
        token = params.get("resumptionToken")
        if token is not None:
            prefix, _, offset = token.partition("/")
            try:
                return int(offset or 0), prefix or "oai_dc"
            except ValueError:
                return 0, prefix or "oai_dc"  # PHP casts garbage to 0
        return int(params.get("offset", 0) or 0), params.get("metadataPrefix", "oai_dc")

    def _ids_desc(self, params: dict[str, str]) -> list[int] | Response:
        live = self.app.catalogue.live_ids()
        if "resumptionToken" in params or not ("from" in params and "until" in params):
            return live[::-1]
        start = _php_date_create(params["from"])
        end = _php_date_create(params["until"])
        if start is None or end is None:  # PHP: format() on false, a fatal error
            return Response(500, HTML_500.encode(), "text/html; charset=UTF-8", fault="php-fatal")
        catalogue = self.app.catalogue
        return [
            biblio_id
            for biblio_id in reversed(live)
            if start <= catalogue.get(biblio_id).input_date <= end  # type: ignore[union-attr]
        ]

    def _token(self, prefix: str, offset: int, total: int) -> str:
        size = self._page_size()
        if total > size and offset + size < total:
            return (
                f'<resumptionToken completeListSize="{total}" cursor="{offset}">'
                f"{prefix}/{offset + size}</resumptionToken>\n"
            )
        return ""

    def _list_records(self, params: dict[str, str], host: str, base_url: str) -> str | Response:
        offset, prefix = self._offset(params)
        if prefix != "oai_dc":
            return (
                f'<request verb="ListRecords">{base_url}</request>\n'
                f'<error code="cannotDisseminateFormat">{_attr(prefix)}</error>\n'
            )
        ids = self._ids_desc(params)
        if isinstance(ids, Response):
            return ids
        size = self._page_size()
        page_ids = ids[offset : offset + size]
        catalogue = self.app.catalogue
        sources = [catalogue.get(biblio_id) for biblio_id in page_ids]
        if any(source is None or source.opac_hide for source in sources):
            return Response(500, HTML_500.encode(), "text/html; charset=UTF-8", fault="hidden-record")
        if self.app.faults.take_broken_page(offset // size + 1):
            return Response(500, HTML_500.encode(), "text/html; charset=UTF-8", fault="broken-page")
        records = "".join(self.record(source, host) for source in sources)  # type: ignore[arg-type]
        return (
            f'<request verb="ListRecords" metadataPrefix="{prefix}">{base_url}</request>\n<ListRecords>\n'
            f"{records}{self._token(prefix, offset, len(ids))}</ListRecords>\n"
        )

    def _list_identifiers(self, params: dict[str, str], base_url: str) -> str:
        offset, prefix = self._offset(params)
        live = self.app.catalogue.live_ids()
        size = self._page_size()
        total = len(live)
        start = total - offset
        page_ids = live[max(start - size, 0) : max(start, 0)][::-1]
        headers = []
        for biblio_id in page_ids:
            source = self.app.catalogue.get(biblio_id)
            stamp = source.last_update.strftime("%Y-%m-%d %H:%M:%S")  # type: ignore[union-attr]
            headers.append(
                f" <header>\n  <identifier>oai:slims/{biblio_id}</identifier>\n"
                f"  <datestamp>{stamp}</datestamp>\n </header>\n"
            )
        return (
            f'<request verb="ListIdentifiers" metadataPrefix="{prefix}">{base_url}</request>\n'
            f"<ListIdentifiers>\n{''.join(headers)}{self._token(prefix, offset, total)}</ListIdentifiers>\n"
        )

    def _list_sets(self, params: dict[str, str], base_url: str) -> str:
        topics = sorted(
            {subject for source in self.app.catalogue.visible_records() for subject in source.record.subjects}
        )
        offset = (
            int(params.get("resumptionToken", 0) or 0) if params.get("resumptionToken", "0").isdigit() else 0
        )
        size = self._page_size()
        sets = "".join(
            f" <set>\n  <setSpec>{number}</setSpec>\n"
            f"  <setName>Subject = {escape(topic)}</setName>\n </set>\n"
            for number, topic in enumerate(topics[offset : offset + size], start=offset + 1)
        )
        token = ""
        if len(topics) > size and offset + size < len(topics):
            token = (
                f'<resumptionToken completeListSize="{len(topics)}" cursor="{offset}">'
                f"{offset + size}</resumptionToken>\n"
            )
        return f'<request verb="ListSets">{base_url}</request>\n<ListSets>\n{sets}{token}</ListSets>\n'

    def _get_record(self, params: dict[str, str], host: str, base_url: str) -> str | Response:
        raw_identifier = params.get("identifier", "0")
        record_id = re.sub("oai:slims/", "", raw_identifier, flags=re.IGNORECASE)
        source = self.app.catalogue.get(int(record_id)) if record_id.isdigit() else None
        if source is None or not source.live or source.opac_hide:
            return Response(500, HTML_500.encode(), "text/html; charset=UTF-8", fault="hidden-record")
        return (
            f'<request verb="GetRecord" identifier="{_attr(record_id)}" metadataPrefix="oai_dc">{base_url}'
            f"</request>\n<GetRecord>\n{self.record(source, host)}</GetRecord>\n"
        )

    def record(self, source: SourceRecord, host: str) -> str:
        faults = self.app.faults
        if faults.shuffle_subjects:
            return self._render(source, host)
        key = ("oai.php", source.biblio_id, source.version, host, faults.control_chars, faults.html_entities)
        return self.app.cache.get(key, lambda: self._render(source, host))

    def _render(self, source: SourceRecord, host: str) -> str:
        record = source.record
        faults = self.app.faults
        subjects = list(record.subjects)
        if faults.shuffle_subjects and subjects:
            turn = self.app.next_turn() % len(subjects) or 1  # never the catalogue's own order
            subjects = subjects[turn:] + subjects[:turn]
        lines = [f"<dc:title>{escape(utf8_encode(record.title))}</dc:title>"]
        lines += [f"<dc:creator>{escape(author)}</dc:creator>" for author in record.authors]
        lines.append(f"<dc:publisher>{escape(record.publisher)}</dc:publisher>")
        lines.append(
            f"<dc:date>{escape(record.publish_year)}</dc:date>"
            if record.publish_year
            else "<dc:date></dc:date>"
        )
        lines.append(f"<dc:hasVersion>{escape(record.edition)}</dc:hasVersion>")
        lines.append(
            f"<dc:language>{escape(LANGUAGE_NAMES.get(record.language, record.language))}</dc:language>"
        )
        lines.append(f"<dc:medium>{escape(record.material_type)}</dc:medium>")
        lines.append(f"<dc:format>{escape(record.material_type)}</dc:format>")
        lines.append(f"<dc:extent>{escape(record.collation)}</dc:extent>")
        if record.series_title:
            lines.append(f"<dc:isPartOf>{escape(record.series_title)}</dc:isPartOf>")
        notes = escape(record.notes)
        if faults.html_entities and notes:
            notes = notes + "&nbsp;&eacute;"
        if faults.control_chars:
            notes = notes + "\x0b\x1a"
        lines.append(f"<dc:description>{notes}</dc:description>")
        lines.append(f"<dc:abstract>{notes}</dc:abstract>")
        lines += [f"<dc:subject>{escape(subject)}</dc:subject>" for subject in subjects]
        lines.append(f"<dc:subject>{escape(record.classification)}</dc:subject>")
        permalink = f"http://{host}/slims/index.php?p=show_detail&id={source.biblio_id}"
        lines.append(f"<dc:identifier>{escape(permalink)}</dc:identifier>")
        lines.append(f"<dc:identifier>{escape(_compact_isbn(record.isbn_issn))}</dc:identifier>")
        lines.append(f"<dc:identifier>{escape(record.call_number)}</dc:identifier>")
        lines += [f"<dc:hasPart>{escape(copy.item_code)}</dc:hasPart>" for copy in record.copies]
        image = record.extra.get("image", "")
        if image:
            lines.append(f"<image>{escape(image)}</image>")  # the bare element some releases write
        metadata = "\n".join(lines)
        return (
            f"<record><header><identifier>oai:slims/{source.biblio_id}</identifier></header><metadata>"
            f"<oai_dc:dc {OAI_DC_ATTRS}>{metadata}\n</oai_dc:dc></metadata>\n</record>\n"
        )


# --- SLiMS oai2.php ---------------------------------------------------------------------------------------


class _Oai2Php:
    """SLiMS ``oai2.php`` + ``lib/oaipmh/{listrecords,getrecord,record_dc,oaidp-util,xml_creater}.php``."""

    token_valid = timedelta(hours=24)

    def __init__(self, app: _App):
        self.app = app

    def _page_size(self) -> int:
        return self.app.faults.page_size or SLIMS_PAGE_SIZE

    def _document(self, params: dict[str, str], host: str, inner: str) -> Response:
        attributes = "".join(f' {key}="{_attr(quote(value, safe=""))}"' for key, value in params.items())
        response_date = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # gmdate(): real UTC
        text = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<?xml-stylesheet type="text/xsl" href="./oai2.xsl"?>\n'
            f"<OAI-PMH {OAI_ROOT_ATTRS}>\n  <responseDate>{response_date}</responseDate>\n"
            f"  <request{attributes}>http://{host}/slims/oai2.php</request>\n{inner}</OAI-PMH>\n"
        )
        return Response(200, text.encode("utf-8"))

    def _error(self, params: dict[str, str], host: str, code: str, message: str) -> Response:
        return self._document(params, host, f'  <error code="{code}">{escape(message)}</error>\n')

    def handle(self, params: dict[str, str], host: str) -> Response:
        verb = params.get("verb")
        if verb is None:
            return self._error(params, host, "badVerb", "The request does not provide any verb.")
        if verb == "Identify":
            return self._identify(params, host)
        if verb == "ListMetadataFormats":
            return self._document(
                params,
                host,
                "  <ListMetadataFormats>\n    <metadataFormat>\n"
                "      <metadataPrefix>oai_dc</metadataPrefix>\n"
                "      <schema>http://www.openarchives.org/OAI/2.0/oai_dc.xsd</schema>\n"
                "      <metadataNamespace>http://www.openarchives.org/OAI/2.0/oai_dc/</metadataNamespace>\n"
                "    </metadataFormat>\n  </ListMetadataFormats>\n",
            )
        if verb == "ListSets":
            sets = "".join(
                f"    <set>\n      <setSpec>{spec}</setSpec>\n      <setName>{name}</setName>\n    </set>\n"
                for spec, name in (
                    ("class:activity", "Activities"),
                    ("class:collection", "Collections"),
                    ("class:party", "Parties"),
                )
            )
            return self._document(params, host, f"  <ListSets>\n{sets}  </ListSets>\n")
        if verb == "GetRecord":
            return self._get_record(params, host)
        if verb in ("ListRecords", "ListIdentifiers"):
            return self._list(verb, params, host)
        return self._error(params, host, "badVerb", f"The verb '{verb}' provided in the request is illegal.")

    def _identify(self, params: dict[str, str], host: str) -> Response:
        inner = (
            f"  <Identify>\n    <repositoryName>{escape(host.split(':')[0])}</repositoryName>\n"
            f"    <baseURL>http://{host}/slims/oai2.php</baseURL>\n"
            "    <protocolVersion>2.0</protocolVersion>\n"
            "    <earliestDatestamp>2011-01-01T00:00:00Z</earliestDatestamp>\n"
            "    <deletedRecord>transient</deletedRecord>\n"
            "    <granularity>YYYY-MM-DDThh:mm:ssZ</granularity>\n"
            "    <adminEmail>some.one@contact.com</adminEmail>\n    <description>\n"
            '      <oai-identifier xmlns="http://www.openarchives.org/OAI/2.0/oai-identifier" '
            'xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/oai-identifier '
            'http://www.openarchives.org/OAI/2.0/oai-identifier.xsd">\n'
            "        <scheme>oai</scheme>\n"
            f"        <repositoryIdentifier>{escape(host)}</repositoryIdentifier>\n"
            "        <delimiter>:</delimiter>\n"
            f"        <sampleIdentifier>oai:{escape(host)}:slims-1</sampleIdentifier>\n"
            "      </oai-identifier>\n    </description>\n  </Identify>\n"
        )
        return self._document(params, host, inner)

    def _filters_from_args(self, params: dict[str, str]) -> dict[str, str] | str:
        filters: dict[str, str] = {}
        for key in ("from", "until"):
            if key in params:
                parsed = _php_date_create(params[key])
                if parsed is None:
                    return f"The value '{params[key]}' of the argument '{key}' is not valid."
                has_time = ":" in params[key]
                filters[key] = parsed.strftime("%Y-%m-%d %H:%M:%S" if has_time else "%Y-%m-%d")
        if "set" in params:
            filters["set"] = params["set"]
        return filters

    def _matching_ids(self, filters: dict[str, str]) -> list[int]:
        catalogue = self.app.catalogue
        key = ("oai2", tuple(sorted(filters.items())), catalogue.version)
        cached = self.app.list_cache.get(key)
        if cached is not None:
            return cached
        start = _php_date_create(filters["from"]) if "from" in filters else None
        end = _php_date_create(filters["until"]) if "until" in filters else None
        wanted_set = filters.get("set", "").removeprefix("class:")
        ids = []
        for biblio_id in catalogue.live_ids():
            source = catalogue.get(biblio_id)
            if start is not None and source.input_date < start:  # type: ignore[union-attr]
                continue
            if end is not None and source.input_date > end:  # type: ignore[union-attr]
                continue
            if wanted_set and wanted_set not in source.record.publish_year:  # type: ignore[union-attr]
                continue
            ids.append(biblio_id)
        self.app.remember_list(key, ids)
        return ids

    def _list(self, verb: str, params: dict[str, str], host: str) -> Response:
        token = params.get("resumptionToken")
        if token is not None:
            data = _decode_token(token)
            if data is None or data.get("t", 0) + self.token_valid.total_seconds() < time.time():
                return self._error(
                    params,
                    host,
                    "badResumptionToken",
                    f"The resumptionToken '{token}' does not exist or has already expired.",
                )
            delivered, filters, prefix = int(data["c"]), data["f"], data["m"]
        else:
            if "metadataPrefix" not in params:
                return self._error(
                    params,
                    host,
                    "badArgument",
                    "The required argument 'metadataPrefix' is missing in the request.",
                )
            prefix = params["metadataPrefix"]
            if prefix != "oai_dc":
                return self._error(
                    params,
                    host,
                    "cannotDisseminateFormat",
                    f"The metadata format '{prefix}' given by metadataPrefix is not supported "
                    "by this repository.",
                )
            filters = self._filters_from_args(params)
            if isinstance(filters, str):
                return self._error(params, host, "badArgument", filters)
            delivered = 0
        ids = self._matching_ids(filters)
        if not ids:
            return self._error(
                params,
                host,
                "noRecordsMatch",
                "The combination of the given values results in an empty list.",
            )
        size = self._page_size()
        if verb == "ListRecords" and self.app.faults.take_broken_page(delivered // size + 1):
            return Response(500, HTML_500.encode(), "text/html; charset=UTF-8", fault="broken-page")
        page_ids = ids[delivered : delivered + size]
        parts = []
        for biblio_id in page_ids:
            source = self.app.catalogue.get(biblio_id)
            parts.append(self.record(source, host, header_only=verb == "ListIdentifiers"))  # type: ignore[arg-type]
        token_xml = ""
        if len(ids) - delivered > size:
            cursor = delivered + size  # SLiMS sends the next page's start as the cursor
            new_token = _encode_token({"v": 2, "c": cursor, "f": filters, "m": prefix, "t": int(time.time())})
            expires = (datetime.now(UTC) + self.token_valid).strftime("%Y-%m-%d") + "GMT+0000GMT+00000"
            token_xml = (
                f'    <resumptionToken expirationDate="{expires}" completeListSize="{len(ids)}" '
                f'cursor="{cursor}">{new_token}</resumptionToken>\n'
            )
        elif token is not None:
            token_xml = f'    <resumptionToken completeListSize="{len(ids)}" cursor="{delivered}"/>\n'
        return self._document(params, host, f"  <{verb}>\n{''.join(parts)}{token_xml}  </{verb}>\n")

    def _get_record(self, params: dict[str, str], host: str) -> Response:
        if "identifier" not in params or "metadataPrefix" not in params:
            return self._error(
                params, host, "badArgument", "The required argument 'identifier' is missing in the request."
            )
        if params["metadataPrefix"] != "oai_dc":
            return self._error(
                params, host, "cannotDisseminateFormat", "The metadata format is not supported."
            )
        raw = params["identifier"]
        record_id = raw if raw.isdigit() else raw.split("-")[-1]
        source = self.app.catalogue.get(int(record_id)) if record_id.isdigit() else None
        if source is None or not source.live:
            return self._error(
                params,
                host,
                "idDoesNotExist",
                f"The value '{record_id}' of the identifier does not exist in this repository.",
            )
        # getrecord.php never selects the hidden flag: a hidden record comes with its metadata
        return self._document(
            params, host, f"  <GetRecord>\n{self.record(source, host, show_hidden=True)}  </GetRecord>\n"
        )

    def record(
        self, source: SourceRecord, host: str, *, header_only: bool = False, show_hidden: bool = False
    ) -> str:
        deleted = source.opac_hide and not show_hidden
        key = ("oai2.php", source.biblio_id, source.version, host, header_only, deleted)
        return self.app.cache.get(key, lambda: self._render(source, host, header_only, deleted))

    def _render(self, source: SourceRecord, host: str, header_only: bool, deleted: bool) -> str:
        record = source.record
        status = ' status="deleted"' if deleted else ""
        stamp = source.input_date.strftime("%Y-%m-%dT%H:%M:%SZ")  # local time labelled Z
        indent = "      " if not header_only else "    "
        header = (
            f"{indent[:-2]}<header{status}>\n{indent}<identifier>oai:{escape(host)}:slims-{source.biblio_id}</identifier>\n"
            f"{indent}<datestamp>{stamp}</datestamp>\n{indent}<setSpec>{escape(record.publish_year)}</setSpec>\n"
            f"{indent[:-2]}</header>\n"
        )
        if header_only:
            return header
        if deleted:
            return f"    <record>\n{header}    </record>\n"
        base = f"http://{host}/slims"
        fields = [("title", record.title)]
        fields += [("creator", author) for author in record.authors]
        fields += [("subject", subject) for subject in record.subjects]
        fields += [("publisher", record.publisher), ("date", _year4(record.publish_year))]
        fields += [("language", record.language), ("type", record.material_type)]
        fields.append(("identifier", f"{base}/index.php?p=show_detail&id={source.biblio_id}"))
        if record.isbn_issn:
            fields.append(("identifier_isbn", record.isbn_issn))
        if record.notes:
            fields.append(("description", record.notes))
        if record.publish_place:
            fields.append(("coverage", record.publish_place))
        if record.extra.get("image"):
            fields.append(
                (
                    "identifier",
                    f"{base}/lib/phpthumb/phpThumb.php?src=../../images/docs/{record.extra['image']}",
                )
            )
        if record.series_title:
            fields.append(("source", record.series_title))
        if record.collation:
            fields.append(("format", record.collation))
        if record.classification:
            fields.append(("subject", record.classification))
        metadata = "".join(f"          <dc:{name}>{escape(value)}</dc:{name}>\n" for name, value in fields)
        return (
            f"    <record>\n{header}      <metadata>\n        <oai_dc:dc {OAI_DC_ATTRS}>\n{metadata}"
            "        </oai_dc:dc>\n      </metadata>\n    </record>\n"
        )


# --- SLiMS MODS exports -----------------------------------------------------------------------------------


class _SlimsOpac:
    """``index.php?p=show_detail&inXML=true`` (``detail::MODSoutput``) and ``?resultXML=true``."""

    def __init__(self, app: _App):
        self.app = app

    def handle(self, params: dict[str, str], host: str) -> Response:
        if params.get("p") == "show_detail" and params.get("inXML"):
            record_id = params.get("id", "")
            source = self.app.catalogue.get(int(record_id)) if record_id.isdigit() else None
            if source is None or not source.live or source.opac_hide:
                return Response(404, HTML_404.encode(), "text/html; charset=UTF-8")
            body = self.app.cache.get(
                ("mods-detail", source.biblio_id, source.version), lambda: self.detail(source)
            )
            text = (
                '<?xml version="1.0" encoding="UTF-8" ?>\n'
                '<modsCollection xmlns:xlink="http://www.w3.org/1999/xlink" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://www.loc.gov/mods/v3" '
                'xmlns:slims="http://slims.web.id" xsi:schemaLocation="http://www.loc.gov/mods/v3 '
                'http://www.loc.gov/standards/mods/v3/mods-3-3.xsd">\n' + body + "</modsCollection>"
            )
            return Response(200, text.encode("utf-8"))
        if params.get("resultXML"):
            return self._result_list(params)
        return Response(
            200, b"<!DOCTYPE html><html><head><title>OPAC</title></head><body></body></html>", "text/html"
        )

    def detail(self, source: SourceRecord) -> str:
        record = source.record
        main, sub = _split_title(record.title)
        out = [
            f'<mods version="3.3" id="{source.biblio_id}">',
            " <titleInfo>",
            f"  <title>{escape(main)}</title>",
        ]
        if sub:
            out.append(f"  <subTitle>{escape(sub)}</subTitle>")
        out.append(" </titleInfo>")
        for index, author in enumerate(record.authors):
            level = AUTHOR_LEVELS[0 if index == 0 else 1]
            out += [
                ' <name type="p" authority="">',
                f"  <namePart>{escape(author)}</namePart>",
                f'  <role>\n   <roleTerm type="text">{level}</roleTerm>\n  </role>',
                " </name>",
            ]
        out.append(' <typeOfResource manuscript="no" collection="yes">mixed material</typeOfResource>')
        out.append(' <genre authority="marcgt">bibliography</genre>')
        out += [
            " <originInfo>",
            f'  <place>\n   <placeTerm type="text">{escape(record.publish_place)}</placeTerm>\n  </place>',
            f"  <publisher>{escape(record.publisher)}</publisher>",
            f"  <dateIssued>{escape(record.publish_year)}</dateIssued>",
            " </originInfo>",
            " <language>",
            f'  <languageTerm type="code">{escape(record.language)}</languageTerm>',
            '  <languageTerm type="text">'
            f"{escape(LANGUAGE_NAMES.get(record.language, record.language))}</languageTerm>",
            " </language>",
            " <physicalDescription>",
            f'  <form authority="gmd">{escape(record.material_type)}</form>',
            f"  <extent>{escape(record.collation)}</extent>",
            " </physicalDescription>",
        ]
        if record.series_title:  # SLiMS closes titleInfo before writing the title (sic)
            out.append(
                ' <relatedItem type="series">\n  <titleInfo/>\n'
                f"  <title>{escape(record.series_title)}</title>\n </relatedItem>"
            )
        out.append(f" <note>{escape(record.notes)}</note>")
        out.append(
            f' <note type="statement of responsibility">{escape(record.statement_of_responsibility)}</note>'
        )
        out += [
            f' <subject authority="">\n  <topic>{escape(subject)}</topic>\n </subject>'
            for subject in record.subjects
        ]
        out.append(f" <classification>{escape(record.classification)}</classification>")
        out.append(f' <identifier type="isbn">{escape(_compact_isbn(record.isbn_issn))}</identifier>')
        out += [" <location>", f"  <physicalLocation>{escape(self.app.library_name)}</physicalLocation>"]
        out.append(f"  <shelfLocator>{escape(record.call_number)}</shelfLocator>")
        if record.copies:
            out.append("  <holdingSimple>")
            for copy in record.copies:
                out += [
                    "   <copyInformation>",
                    '    <numerationAndChronology type="1">'
                    f"{escape(copy.item_code)}</numerationAndChronology>",
                    f"    <sublocation>{escape(copy.location)}</sublocation>",
                    f"    <shelfLocator>{escape(copy.call_number)}</shelfLocator>",
                    "   </copyInformation>",
                ]
            out.append("  </holdingSimple>")
        out.append(" </location>")
        if record.extra.get("image"):
            out.append(f" <slims:image>{escape(quote(quote(record.extra['image'])))}</slims:image>")
        out += [
            " <recordInfo>",
            f"  <recordIdentifier>{source.biblio_id}</recordIdentifier>",
            f'  <recordCreationDate encoding="w3cdtf">{source.input_date:{MYSQL}}</recordCreationDate>',
            f'  <recordChangeDate encoding="w3cdtf">{source.last_update:{MYSQL}}</recordChangeDate>',
            "  <recordOrigin>machine generated</recordOrigin>",
            " </recordInfo>",
            "</mods>",
        ]
        return "\n".join(out) + "\n"

    def _result_list(self, params: dict[str, str]) -> Response:
        keywords = params.get("keywords", "").strip().lower()
        visible = [
            source
            for source in self.app.catalogue.visible_records()
            if not keywords or keywords in source.record.title.lower()
        ]
        visible.sort(key=lambda source: source.biblio_id, reverse=True)
        page = max(int(params.get("page", "1") or 1) if params.get("page", "1").isdigit() else 1, 1)
        shown = visible[(page - 1) * OPAC_RESULT_SIZE : page * OPAC_RESULT_SIZE]
        out = [
            '<?xml version="1.0" encoding="UTF-8" ?>',
            '<modsCollection xmlns:xlink="http://www.w3.org/1999/xlink" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xmlns="http://www.loc.gov/mods/v3" xmlns:slims="http://slims.web.id" '
            'xsi:schemaLocation="http://www.loc.gov/mods/v3 http://www.loc.gov/standards/mods/v3/mods-3-3.xsd">',
            "<slims:resultInfo>",
            f"<slims:modsResultNum>{len(visible)}</slims:modsResultNum>",
            f"<slims:modsResultPage>{page}</slims:modsResultPage>",
            f"<slims:modsResultShowed>{OPAC_RESULT_SIZE}</slims:modsResultShowed>",
            "</slims:resultInfo>",
        ]
        for source in shown:
            record = source.record
            main, sub = _split_title(record.title)
            out.append(f'<mods version="3.3" ID="{source.biblio_id}">')
            out.append(f"<titleInfo>\n<title>{escape(main)}</title>")
            if sub:
                out.append(f"<subTitle>{escape(sub)}</subTitle>")
            out.append("</titleInfo>")
            for index, author in enumerate(record.authors):
                out.append(
                    f'<name type="personal" authority="">\n<namePart>{escape(author)}</namePart>\n'
                    '<role><roleTerm type="text">'
                    f"{AUTHOR_LEVELS[0 if index == 0 else 1]}</roleTerm></role>\n</name>"
                )
            out.append('<typeOfResource manuscript="yes" collection="yes">mixed material</typeOfResource>')
            out.append(f'<identifier type="isbn">{escape(_compact_isbn(record.isbn_issn))}</identifier>')
            out.append(
                '<originInfo>\n<place><placeTerm type="text">'
                f"{escape(record.publish_place)}</placeTerm></place>\n"
                f"<publisher>{escape(record.publisher)}</publisher>\n<dateIssued>{escape(record.publish_year)}</dateIssued>\n"
                "</originInfo>"
            )
            out.append("</mods>")
        out.append("</modsCollection>")
        return Response(200, "\n".join(out).encode("utf-8"))


# --- a well-behaved repository ------------------------------------------------------------------------------


class _Repository:
    """OAI-PMH 2.0 as the specification asks: datestamps of last change (UTC), persistent deletions,
    sets, oai_dc + marcxml + mods, keyset resumption tokens that survive edits during a harvest."""

    prefixes = {
        "oai_dc": (
            "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
            "http://www.openarchives.org/OAI/2.0/oai_dc/",
        ),
        "marcxml": (
            "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd",
            "http://www.loc.gov/MARC21/slim",
        ),
        "mods": ("http://www.loc.gov/standards/mods/v3/mods-3-7.xsd", "http://www.loc.gov/mods/v3"),
    }
    page_size = 100
    token_valid = timedelta(hours=1)

    def __init__(self, app: _App):
        self.app = app

    def identifier(self, biblio_id: int) -> str:
        return f"oai:{self.app.repository_identifier}:{biblio_id}"

    def _id_from(self, identifier: str) -> int | None:
        prefix = f"oai:{self.app.repository_identifier}:"
        if identifier.startswith(prefix) and identifier[len(prefix) :].isdigit():
            return int(identifier[len(prefix) :])
        return None

    def _utc(self, local: datetime) -> datetime:
        return local - self.app.catalogue.utc_offset

    def datestamp(self, source: SourceRecord) -> datetime:
        return self._utc(source.deleted_at or source.last_update)

    def _document(self, params: dict[str, str], host: str, inner: str) -> Response:
        attributes = "".join(f' {key}="{_attr(value)}"' for key, value in params.items())
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        bomb = self.app.faults.entity_bomb
        if bomb:  # the DTD, and a reference to its entities in every title
            inner = inner.replace("<dc:title>", "<dc:title>&lol5;&xxe;")
        text = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n{bomb}<OAI-PMH {OAI_ROOT_ATTRS}>\n'
            f"<responseDate>{now}</responseDate>\n"
            f"<request{attributes}>http://{host}/repo/oai</request>\n{inner}</OAI-PMH>\n"
        )
        return Response(200, text.encode("utf-8"))

    def _error(self, params: dict[str, str], host: str, code: str, message: str) -> Response:
        # OAI-PMH §3.2: with badVerb/badArgument the request element carries no attributes
        echoed = {} if code in ("badVerb", "badArgument") else params
        return self._document(echoed, host, f'<error code="{code}">{escape(message)}</error>\n')

    def handle(self, params: dict[str, str], host: str) -> Response:
        verb = params.get("verb", "")
        if verb == "Identify":
            earliest = min(
                (self.datestamp(self.app.catalogue.get(i)) for i in self.app.catalogue.all_ids()),
                default=None,
            )  # type: ignore[arg-type]
            earliest_text = (earliest or datetime(2000, 1, 1)).strftime("%Y-%m-%dT%H:%M:%SZ")
            return self._document(
                params,
                host,
                f"<Identify>\n<repositoryName>{escape(self.app.library_name)}</repositoryName>\n"
                f"<baseURL>http://{host}/repo/oai</baseURL>\n<protocolVersion>2.0</protocolVersion>\n"
                f"<adminEmail>pustakawan@{self.app.repository_identifier}</adminEmail>\n"
                f"<earliestDatestamp>{earliest_text}</earliestDatestamp>\n<deletedRecord>persistent</deletedRecord>\n"
                "<granularity>YYYY-MM-DDThh:mm:ssZ</granularity>\n<description>\n"
                '<oai-identifier xmlns="http://www.openarchives.org/OAI/2.0/oai-identifier">\n<scheme>oai</scheme>\n'
                f"<repositoryIdentifier>{self.app.repository_identifier}</repositoryIdentifier>\n"
                f"<delimiter>:</delimiter>\n<sampleIdentifier>{self.identifier(1)}</sampleIdentifier>\n"
                "</oai-identifier>\n</description>\n</Identify>\n",
            )
        if verb == "ListMetadataFormats":
            if "identifier" in params and self._source(params["identifier"]) is None:
                return self._error(params, host, "idDoesNotExist", params["identifier"])
            formats = "".join(
                f"<metadataFormat><metadataPrefix>{prefix}</metadataPrefix><schema>{schema}</schema>"
                f"<metadataNamespace>{namespace}</metadataNamespace></metadataFormat>\n"
                for prefix, (schema, namespace) in self.prefixes.items()
            )
            return self._document(params, host, f"<ListMetadataFormats>\n{formats}</ListMetadataFormats>\n")
        if verb == "ListSets":
            specs = sorted(
                {_slug(source.record.material_type) for source in self.app.catalogue.visible_records()}
            )
            sets = "".join(
                f"<set><setSpec>type:{spec}</setSpec><setName>{spec}</setName></set>\n" for spec in specs
            )
            return self._document(params, host, f"<ListSets>\n{sets}</ListSets>\n")
        if verb == "GetRecord":
            prefix = params.get("metadataPrefix")
            if not prefix or "identifier" not in params:
                return self._error(
                    params, host, "badArgument", "GetRecord needs identifier and metadataPrefix"
                )
            if prefix not in self.prefixes:
                return self._error(params, host, "cannotDisseminateFormat", prefix)
            source = self._source(params["identifier"])
            if source is None:
                return self._error(params, host, "idDoesNotExist", params["identifier"])
            return self._document(params, host, f"<GetRecord>\n{self.record(source, prefix)}</GetRecord>\n")
        if verb in ("ListRecords", "ListIdentifiers"):
            return self._list(verb, params, host)
        return self._error(params, host, "badVerb", f"Illegal verb {verb!r}")

    def _source(self, identifier: str) -> SourceRecord | None:
        biblio_id = self._id_from(identifier)
        return self.app.catalogue.get(biblio_id) if biblio_id is not None else None

    def _list(self, verb: str, params: dict[str, str], host: str) -> Response:
        token = params.get("resumptionToken")
        if token is not None:
            if len(params) > 2:
                return self._error(params, host, "badArgument", "resumptionToken is an exclusive argument")
            state = _decode_token(token)
            if state is None or state.get("t", 0) + self.token_valid.total_seconds() < time.time():
                return self._error(params, host, "badResumptionToken", "unknown or expired resumptionToken")
        else:
            prefix = params.get("metadataPrefix")
            if not prefix:
                return self._error(params, host, "badArgument", "metadataPrefix is required")
            if prefix not in self.prefixes:
                return self._error(params, host, "cannotDisseminateFormat", prefix)
            bounds = {}
            granularities = set()
            for key in ("from", "until"):
                if key in params:
                    parsed = _parse_oai_date(params[key])
                    if parsed is None:
                        return self._error(params, host, "badArgument", f"bad {key} date {params[key]!r}")
                    value, has_time = parsed
                    granularities.add(has_time)
                    if key == "until" and not has_time:
                        value = value + timedelta(days=1) - timedelta(seconds=1)
                    bounds[key] = value.strftime("%Y-%m-%dT%H:%M:%SZ")
            if len(granularities) > 1:
                return self._error(params, host, "badArgument", "from and until have different granularities")
            state = {
                "p": prefix,
                "b": bounds,
                "s": params.get("set", ""),
                "a": 0,
                "n": 0,
                "t": int(time.time()),
            }
            state["total"] = len(self._matching(state))
            if state["total"] == 0:
                return self._error(params, host, "noRecordsMatch", "no records match")
        size = self.app.faults.page_size or self.page_size
        matching = self._matching(state)
        page = matching[:size]
        if verb == "ListRecords" and self.app.faults.take_broken_page(state["n"] // size + 1):
            return Response(500, HTML_500.encode(), "text/html; charset=UTF-8", fault="broken-page")
        catalogue = self.app.catalogue
        parts = []
        for biblio_id in page:
            source = catalogue.get(biblio_id)
            if verb == "ListIdentifiers":
                parts.append(self.header(source))  # type: ignore[arg-type]
            else:
                parts.append(self.record(source, state["p"]))  # type: ignore[arg-type]
        token_xml = ""
        delivered = state["n"] + len(page)
        if len(matching) > size:
            next_state = dict(state, a=page[-1], n=delivered, t=int(time.time()))
            expires = (datetime.now(UTC) + self.token_valid).strftime("%Y-%m-%dT%H:%M:%SZ")
            token_xml = (
                f'<resumptionToken expirationDate="{expires}" completeListSize="{state["total"]}" '
                f'cursor="{state["n"]}">{_encode_token(next_state)}</resumptionToken>\n'
            )
        elif token is not None:
            token_xml = f'<resumptionToken completeListSize="{state["total"]}" cursor="{state["n"]}"/>\n'
        return self._document(params, host, f"<{verb}>\n{''.join(parts)}{token_xml}</{verb}>\n")

    def _matching(self, state: dict) -> list[int]:
        catalogue = self.app.catalogue
        bounds = state["b"]
        key = ("repo", tuple(sorted(bounds.items())), state["s"], catalogue.version)
        ids = self.app.list_cache.get(key)
        if ids is None:
            start = datetime.strptime(bounds["from"], "%Y-%m-%dT%H:%M:%SZ") if "from" in bounds else None
            end = datetime.strptime(bounds["until"], "%Y-%m-%dT%H:%M:%SZ") if "until" in bounds else None
            wanted = state["s"].removeprefix("type:")
            ids = []
            for biblio_id in catalogue.all_ids():
                source = catalogue.get(biblio_id)
                stamp = self.datestamp(source)  # type: ignore[arg-type]
                if (start and stamp < start) or (end and stamp > end):
                    continue
                if wanted and _slug(source.record.material_type) != wanted:  # type: ignore[union-attr]
                    continue
                ids.append(biblio_id)
            self.app.remember_list(key, ids)
        after = state["a"]
        if not after:
            return ids
        # keyset: everything after the last id delivered (ids are ascending)
        low, high = 0, len(ids)
        while low < high:
            middle = (low + high) // 2
            if ids[middle] <= after:
                low = middle + 1
            else:
                high = middle
        return ids[low:]

    def header(self, source: SourceRecord) -> str:
        status = ' status="deleted"' if (not source.live or source.opac_hide) else ""
        return (
            f"<header{status}><identifier>{self.identifier(source.biblio_id)}</identifier>"
            f"<datestamp>{self.datestamp(source):%Y-%m-%dT%H:%M:%SZ}</datestamp>"
            f"<setSpec>type:{_slug(source.record.material_type)}</setSpec></header>\n"
        )

    def record(self, source: SourceRecord, prefix: str) -> str:
        if not source.live or source.opac_hide:
            return f"<record>{self.header(source)}</record>\n"
        key = ("repo", prefix, source.biblio_id, source.version, self.app.faults.isbn_form)
        metadata = self.app.cache.get(key, lambda: self._metadata(source, prefix))
        return f"<record>{self.header(source)}<metadata>{metadata}</metadata></record>\n"

    def _metadata(self, source: SourceRecord, prefix: str) -> str:
        if prefix == "marcxml":
            return pymarc.record_to_xml(marc_record(source), namespace=True).decode("utf-8")
        if prefix == "mods":
            return standard_mods(source, self.app.library_name)
        record = source.record
        fields = [("title", record.title)]
        fields += [("creator", author) for author in record.authors]
        fields += [("subject", subject) for subject in record.subjects]
        fields += [
            ("description", record.notes),
            ("publisher", record.publisher),
            ("date", record.publish_year),
        ]
        fields += [
            ("type", record.material_type),
            ("format", record.collation),
            ("language", record.language),
        ]
        isbn = (
            self.app.faults.isbn_form.format(isbn=record.isbn_issn, compact=_compact_isbn(record.isbn_issn))
            if record.isbn_issn
            else ""
        )
        fields += [("identifier", isbn), ("identifier", f"{self.identifier(source.biblio_id)}")]
        body = "".join(f"<dc:{name}>{escape(value)}</dc:{name}>" for name, value in fields if value)
        return f"<oai_dc:dc {OAI_DC_ATTRS}>{body}</oai_dc:dc>"


def marc_record(source: SourceRecord) -> pymarc.Record:
    """The record as MARC 21 (what INLISLite/Koha-style exports carry), built with pymarc."""
    record = source.record
    marc = pymarc.Record(force_utf8=True)
    leader = list(str(marc.leader))
    leader[5], leader[6], leader[7], leader[9] = (
        "n",
        "a" if record.material_type in ("", "Text") else "m",
        "m",
        "a",
    )
    marc.leader = "".join(leader)
    language3 = LANGUAGE_CODES_639_2.get(record.language, "und")
    year = _year4(record.publish_year) if re.search(r"\d{4}", record.publish_year) else "    "
    marc.add_field(Field(tag="001", data=str(source.biblio_id)))
    marc.add_field(Field(tag="005", data=source.last_update.strftime("%Y%m%d%H%M%S.0")))
    marc.add_field(
        Field(tag="008", data=f"{source.input_date:%y%m%d}s{year}    io            000 0 {language3} d")
    )

    def add(tag: str, indicators: tuple[str, str], *pairs: tuple[str, str]) -> None:
        subfields = [Subfield(code, value) for code, value in pairs if value]
        if subfields:
            marc.add_field(Field(tag=tag, indicators=Indicators(*indicators), subfields=subfields))

    add("020", (" ", " "), ("a", _compact_isbn(record.isbn_issn)))
    add("041", ("0", " "), ("a", language3 if record.language else ""))
    add("082", ("0", "4"), ("a", record.classification))
    add("090", (" ", " "), ("a", record.call_number))
    if record.authors:
        add("100", ("1", " "), ("a", record.authors[0]))
    main, sub = _split_title(record.title)
    responsibility = record.statement_of_responsibility
    main = main.rstrip(":").strip()
    if sub:
        add(
            "245",
            ("1", "0"),
            ("a", f"{main} :"),
            ("b", f"{sub} /" if responsibility else sub),
            ("c", responsibility),
        )
    else:
        add("245", ("1", "0"), ("a", f"{main} /" if responsibility else main), ("c", responsibility))
    add("250", (" ", " "), ("a", record.edition))
    add(
        "264",
        (" ", "1"),
        ("a", f"{record.publish_place} :" if record.publish_place else ""),
        ("b", f"{record.publisher}," if record.publisher else ""),
        ("c", record.publish_year),
    )
    add("300", (" ", " "), ("a", record.collation))
    add("490", ("0", " "), ("a", record.series_title))
    add("500", (" ", " "), ("a", record.notes))
    for subject in record.subjects:
        add("650", (" ", "4"), ("a", subject))
    for author in record.authors[1:]:
        add("700", ("1", " "), ("a", author))
    for copy in record.copies:
        status = {"MIS": ("1", "1"), "R": ("4", "1")}.get(copy.status)
        pairs = [
            ("p", copy.item_code),
            ("o", copy.call_number),
            ("y", copy.collection_type),
            ("c", copy.location),
        ]
        if status:
            pairs.append(status)
        add("952", (" ", " "), *pairs)
    return marc


def standard_mods(source: SourceRecord, library_name: str) -> str:
    """MODS 3.7 as a standards-minded repository writes it (``usage="primary"``, ``itemIdentifier``)."""
    record = source.record
    main, sub = _split_title(record.title)
    main = main.rstrip(":").strip()
    out = [
        '<mods xmlns="http://www.loc.gov/mods/v3" version="3.7">',
        f"<titleInfo><title>{escape(main)}</title>",
    ]
    if sub:
        out.append(f"<subTitle>{escape(sub)}</subTitle>")
    out.append("</titleInfo>")
    for index, author in enumerate(record.authors):
        usage = ' usage="primary"' if index == 0 else ""
        role = "aut" if index == 0 else "ctb"
        out.append(
            f'<name type="personal"{usage}><namePart>{escape(author)}</namePart>'
            f'<role><roleTerm type="code" authority="marcrelator">{role}</roleTerm></role></name>'
        )
    out.append(
        f'<originInfo><place><placeTerm type="text">{escape(record.publish_place)}</placeTerm></place>'
        f"<publisher>{escape(record.publisher)}</publisher><dateIssued>{escape(record.publish_year)}</dateIssued>"
        + (f"<edition>{escape(record.edition)}</edition>" if record.edition else "")
        + "</originInfo>"
    )
    if record.language:
        out.append(
            f'<language><languageTerm type="code" authority="iso639-2b">'
            f"{LANGUAGE_CODES_639_2.get(record.language, record.language)}</languageTerm></language>"
        )
    out.append(
        f'<physicalDescription><form authority="gmd">{escape(record.material_type)}</form>'
        f"<extent>{escape(record.collation)}</extent></physicalDescription>"
    )
    if record.notes:
        out.append(f"<note>{escape(record.notes)}</note>")
    if record.statement_of_responsibility:
        out.append(
            f'<note type="statement of responsibility">{escape(record.statement_of_responsibility)}</note>'
        )
    out += [f"<subject><topic>{escape(subject)}</topic></subject>" for subject in record.subjects]
    if record.classification:
        out.append(f'<classification authority="ddc">{escape(record.classification)}</classification>')
    if record.isbn_issn:
        out.append(f'<identifier type="isbn">{escape(record.isbn_issn)}</identifier>')
    if record.series_title:
        out.append(
            '<relatedItem type="series"><titleInfo>'
            f"<title>{escape(record.series_title)}</title></titleInfo></relatedItem>"
        )
    out.append(f"<location><physicalLocation>{escape(library_name)}</physicalLocation>")
    out.append(f"<shelfLocator>{escape(record.call_number)}</shelfLocator>")
    if record.copies:
        out.append("<holdingSimple>")
        for copy in record.copies:
            out.append(
                f"<copyInformation><subLocation>{escape(copy.location)}</subLocation>"
                f"<shelfLocator>{escape(copy.call_number)}</shelfLocator>"
                f"<itemIdentifier>{escape(copy.item_code)}</itemIdentifier></copyInformation>"
            )
        out.append("</holdingSimple>")
    out.append("</location>")
    out.append(
        f"<recordInfo><recordIdentifier>{source.biblio_id}</recordIdentifier>"
        f'<recordCreationDate encoding="w3cdtf">{source.input_date:%Y-%m-%dT%H:%M:%S}</recordCreationDate>'
        f'<recordChangeDate encoding="w3cdtf">{source.last_update:%Y-%m-%dT%H:%M:%S}</recordChangeDate>'
        "</recordInfo>"
    )
    out.append("</mods>")
    return "".join(out)


# --- HTTP -------------------------------------------------------------------------------------------------


class _App:
    def __init__(
        self,
        catalogue: Catalogue,
        faults: Faults,
        *,
        library_name: str,
        repository_identifier: str,
        cache_size: int,
    ):
        self.catalogue = catalogue
        self.faults = faults
        self.library_name = library_name
        self.repository_identifier = repository_identifier
        self.cache = _RenderCache(cache_size)
        self.list_cache: OrderedDict[tuple, list[int]] = OrderedDict()
        self._list_lock = threading.Lock()
        self.requests: deque[RequestLogEntry] = deque(maxlen=100_000)
        self.padding_sent = 0  # bytes of oversized padding the clients actually took
        self._turns = 0
        self.oai_php = _OaiPhp(self)
        self.oai2_php = _Oai2Php(self)
        self.opac = _SlimsOpac(self)
        self.repository = _Repository(self)

    def next_turn(self) -> int:
        """A counter for faults that vary from one rendering to the next."""
        with self._list_lock:
            self._turns += 1
            return self._turns

    def remember_list(self, key: tuple, ids: list[int]) -> None:
        with self._list_lock:
            self.list_cache[key] = ids
            while len(self.list_cache) > 32:
                self.list_cache.popitem(last=False)

    def route(self, path: str, params: dict[str, str], host: str) -> Response:
        faults = self.faults
        verb = params.get("verb")
        if faults.applies_to(verb) and faults.take("unavailable"):
            headers = {"Retry-After": faults.retry_after} if faults.retry_after is not None else {}
            return Response(
                503, b"<html><body>Service Unavailable</body></html>", "text/html", headers, "503"
            )
        if "resumptionToken" in params and faults.count_token_use():
            token = escape(params["resumptionToken"])
            now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            text = (
                f'<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH {OAI_ROOT_ATTRS}>\n'
                f"<responseDate>{now}</responseDate>\n"
                f'<error code="badResumptionToken">token {token} expired</error>\n</OAI-PMH>\n'
            )
            return Response(200, text.encode(), fault="bad-token")
        if path == "/slims/oai.php":
            return self.oai_php.handle(params, host)
        if path == "/slims/oai2.php":
            return self.oai2_php.handle(params, host)
        if path in ("/slims/index.php", "/slims/", "/slims"):
            return self.opac.handle(params, host)
        if path == "/repo/oai":
            return self.repository.handle(params, host)
        if path == "/redirect" and params.get("to"):  # a page that moved (or a trap pointing elsewhere)
            return Response(302, b"", "text/html", {"Location": params["to"]}, "redirect")
        return Response(404, HTML_404.encode(), "text/html")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall
    timeout = 30  # idle keep-alive connections end; the handler thread with them
    server: _HttpServer

    def do_GET(self) -> None:
        split = urlsplit(self.path)
        self._serve(split.path, split.query)

    def do_POST(self) -> None:  # OAI-PMH allows POST (form-encoded arguments)
        length = int(self.headers.get("Content-Length") or 0)
        self._serve(urlsplit(self.path).path, self.rfile.read(length).decode("utf-8", errors="replace"))

    def _serve(self, path: str, query: str) -> None:
        app = self.server.app
        params = {key: values[0] for key, values in parse_qs(query, keep_blank_values=True).items()}
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        verb = params.get("verb")
        faults = app.faults
        if faults.applies_to(verb) and faults.take("slow"):
            time.sleep(faults.slow_seconds)
        response = app.route(path, params, host)
        mode = ""
        if response.status == 200 and faults.applies_to(verb):
            if faults.take("reset"):
                mode = "reset"
            elif faults.take("truncate"):
                mode = "truncate"
        app.requests.append(RequestLogEntry(path, params, response.status, response.fault or mode))
        try:
            self._deliver(response, mode, oversize=bool(faults.oversized_bytes) and faults.applies_to(verb))
        except OSError:
            self.close_connection = True  # the client went away (e.g. it timed out first)

    def _deliver_oversized(self, response: Response, size: int) -> None:
        """The body with a comment of padding before its last closing tag, ``size`` bytes in all, sent in
        pieces without a Content-Length (connection close ends it); counts what the client took."""
        app = self.server.app
        cut = response.body.rfind(b"</")
        head, tail = response.body[:cut] + b"<!--", b"-->" + response.body[cut:]
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        chunk = b"x" * 65536
        left = max(size - len(head) - len(tail), 0)
        with contextlib.suppress(OSError):
            self.wfile.write(head)
            while left > 0:
                piece = chunk[: min(left, len(chunk))]
                self.wfile.write(piece)
                left -= len(piece)
                with app._list_lock:
                    app.padding_sent += len(piece)
            self.wfile.write(tail)
            self.wfile.flush()

    def _deliver(self, response: Response, mode: str, *, oversize: bool = False) -> None:
        body = response.body
        faults = self.server.app.faults
        if oversize and response.status == 200 and response.content_type.startswith("text/xml") and not mode:
            if faults.oversized_streamed:
                self._deliver_oversized(response, faults.oversized_bytes)
                return
            cut = body.rfind(b"</")
            padding = b"x" * max(faults.oversized_bytes - len(body) - 7, 0)
            body = body[:cut] + b"<!--" + padding + b"-->" + body[cut:]
        send = body
        declared = len(body)
        if mode == "truncate":
            send = body[: len(body) // 2]
            if faults.truncate_mode == "xml":
                declared = len(send)
        elif mode == "reset":
            send = body[: len(body) // 2]
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(declared))
        for name, value in response.headers.items():
            self.send_header(name, value)
        if mode:
            self.send_header("Connection", "close")
        self.end_headers()

        self.wfile.write(send)
        self.wfile.flush()
        if mode:
            self.close_connection = True
        if mode == "reset":
            # SO_LINGER 0: close() sends a TCP RST instead of a FIN
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: object) -> None:
        return


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    app: _App

    def handle_error(self, request, client_address) -> None:  # a client hanging up is not an error here
        return


class OaiTestServer:
    """The loopback server: ``start()``/``stop()`` or a ``with`` block; port 0 on 127.0.0.1.

    ``faults`` can be replaced or changed between requests; ``requests`` logs what was asked
    (path, params, status, fault) for assertions.
    """

    def __init__(
        self,
        catalogue: Catalogue | None = None,
        *,
        faults: Faults | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        library_name: str = "Perpustakaan Balai Diklat Keagamaan",
        repository_identifier: str = "repo.simpul.test",
        cache_size: int = 50_000,
    ):
        if not host.startswith("127.") and host != "localhost":
            raise ValueError("the test server binds to loopback only")
        self.catalogue = catalogue if catalogue is not None else Catalogue()
        self._app = _App(
            self.catalogue,
            faults or Faults(),
            library_name=library_name,
            repository_identifier=repository_identifier,
            cache_size=cache_size,
        )
        self._address = (host, port)
        self._server: _HttpServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def faults(self) -> Faults:
        return self._app.faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        self._app.faults = faults

    @property
    def requests(self) -> list[RequestLogEntry]:
        return list(self._app.requests)

    def clear_requests(self) -> None:
        self._app.requests.clear()

    def start(self) -> OaiTestServer:
        server = _HttpServer(self._address, _Handler)
        server.app = self._app
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="oai-test-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> OaiTestServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    @property
    def oai_php_url(self) -> str:
        return f"{self.base_url}/slims/oai.php"

    @property
    def oai2_php_url(self) -> str:
        return f"{self.base_url}/slims/oai2.php"

    @property
    def repo_url(self) -> str:
        return f"{self.base_url}/repo/oai"

    def mods_detail_url(self, biblio_id: int) -> str:
        return f"{self.base_url}/slims/index.php?p=show_detail&inXML=true&id={biblio_id}"

    def result_xml_url(self, keywords: str = "", page: int = 1) -> str:
        query = f"resultXML=true&search=Search&keywords={quote(keywords)}&page={page}"
        return f"{self.base_url}/slims/index.php?{query}"


def main(argv: list[str] | None = None) -> None:
    """Serve a generated catalogue from this process until interrupted (for benchmarks)."""
    import argparse

    from tests.harvest.builders import build_records

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--library-code", default="DEMO")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--demo-catalog", action="store_true", help="use demo.catalogue")
    options = parser.parse_args(argv)
    records = build_records(
        options.library_code, options.size, options.seed, use_demo_catalog=options.demo_catalog
    )
    server = OaiTestServer(Catalogue(records), port=options.port).start()
    print(f"serving {len(records)} records:")
    for url in (server.oai_php_url, server.oai2_php_url, server.repo_url):
        print(" ", url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
