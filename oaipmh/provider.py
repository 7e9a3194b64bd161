"""Answering the six OAI-PMH verbs for one repository (``oaipmh.repository``), as chunks of bytes.

``respond`` validates everything first and raises ``oaipmh.errors.OaiError`` before the first byte, so an
error is always a whole, small ``<error>`` response; a list then streams record by record (entries and
metadata are read in chunks of ``CHUNK``), and memory stays flat whatever the page size.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from lxml import etree

from oaipmh import identifiers, selectors, tokens
from oaipmh.arguments import OaiRequest, date_range
from oaipmh.errors import (
    BadArgument,
    BadResumptionToken,
    CannotDisseminateFormat,
    IdDoesNotExist,
    NoRecordsMatch,
    NoSetHierarchy,
)
from oaipmh.formats import FORMATS
from oaipmh.formats.common import RecordContext
from oaipmh.repository import LibraryInfo, Repository
from tenants.services import library_domain

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OAI_SCHEMA_LOCATION = f"{OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_IDENTIFIER_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
CHUNK = 200
OUTPUT_PIECE = 32 * 1024  # bytes per piece of a streamed list (see coalesced)
_PREFIX = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+$")
_SET_SPEC = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")
_URI = re.compile(r"^[A-Za-z0-9\-_.!~*'();/?:@&=+$,%#\[\]]+$")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def page_size(verb: str) -> int:
    if verb == "ListIdentifiers":
        return int(getattr(settings, "OAIPMH_IDENTIFIERS_PAGE_SIZE", 2000))
    return int(getattr(settings, "OAIPMH_RECORDS_PAGE_SIZE", 500))


def check_argument_syntax(request: OaiRequest) -> None:
    """Values the response must echo in ``<request>`` are checked against the schema's types first; an
    illegal value is a ``badArgument`` (and then nothing is echoed)."""
    for name, value in request.arguments.items():
        if _NOT_XML.search(value) or len(value) > 2000:
            raise BadArgument(f"Nilai argumen {name} tidak sah.")
    prefix = request.get("metadataPrefix")
    if prefix is not None and not _PREFIX.match(prefix):
        raise BadArgument("metadataPrefix tidak sah.")
    set_spec = request.get("set")
    if set_spec is not None and not _SET_SPEC.match(set_spec):
        raise BadArgument("set tidak sah.")
    identifier = request.get("identifier")
    if identifier is not None and not _URI.match(identifier):
        raise BadArgument("identifier bukan URI.")


@dataclass
class Site:
    """Where the request came in: scheme and port, so the links point at the same deployment."""

    scheme: str
    port_suffix: str
    base_url: str  # this endpoint's baseURL

    def library_endpoint(self, code: str) -> str:
        return f"{self.scheme}://{library_domain(code)}{self.port_suffix}{reverse('oaipmh:endpoint')}"

    def union_endpoint(self) -> str:
        return f"{self.scheme}://{settings.BASE_DOMAIN}{self.port_suffix}{reverse('oaipmh:endpoint')}"

    def library_page(self, code: str) -> str:
        path = reverse("library-detail", urlconf=settings.PUBLIC_SCHEMA_URLCONF, args=[code])
        return f"{self.scheme}://{settings.BASE_DOMAIN}{self.port_suffix}{path}"

    def record_url(self, code: str, record_id: int) -> str:
        return (
            f"{self.scheme}://{library_domain(code)}{self.port_suffix}{self._record_path.format(record_id)}"
        )

    @property
    def _record_path(self) -> str:
        path = getattr(self, "_record_path_cache", None)
        if path is None:
            path = reverse("record-detail", urlconf=settings.ROOT_URLCONF, args=[987654321])
            path = path.replace("987654321", "{}")
            self._record_path_cache = path
        return path


class Provider:
    def __init__(self, repository: Repository, site: Site):
        self.repository = repository
        self.site = site

    # --- envelope ---------------------------------------------------------------------------------------

    def envelope_start(self, request: OaiRequest | None) -> bytes:
        attributes = ""
        if request is not None:
            attributes = f" verb={quoteattr(request.verb)}" + "".join(
                f" {name}={quoteattr(value)}" for name, value in sorted(request.arguments.items())
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<OAI-PMH xmlns="{OAI_NS}" xmlns:xsi="{XSI_NS}" xsi:schemaLocation="{OAI_SCHEMA_LOCATION}">'
            f"<responseDate>{utc_text(datetime.now(tz=UTC))}</responseDate>"
            f"<request{attributes}>{escape(self.site.base_url)}</request>"
        ).encode()

    def error(self, request: OaiRequest | None, code: str, message: str) -> bytes:
        return (
            self.envelope_start(request)
            + f"<error code={quoteattr(code)}>{escape(message)}</error></OAI-PMH>".encode()
        )

    def respond(self, request: OaiRequest) -> Iterator[bytes]:
        check_argument_syntax(request)
        handler = {
            "Identify": self.identify,
            "ListMetadataFormats": self.list_metadata_formats,
            "ListSets": self.list_sets,
            "GetRecord": self.get_record,
            "ListIdentifiers": self.list_items,
            "ListRecords": self.list_items,
        }[request.verb]
        return handler(request)

    # --- Identify ---------------------------------------------------------------------------------------

    def _description_texts(self) -> tuple[str, str]:
        library = self.repository.library
        texts = []
        for language in ("id", "en"):
            with translation.override(language):
                if library is None:
                    text = _(
                        "Titik akses OAI-PMH katalog induk Simpul: cantuman bibliografis semua perpustakaan "
                        "satuan kerja Kementerian Agama yang aktif. Pengenal cantuman berbentuk "
                        "oai:%(host)s:<kode perpustakaan>:<nomor cantuman> dan tidak pernah berubah. Set: "
                        "library:<kode> per perpustakaan, kind:<jenis satker>, province:<provinsi>. Cantuman "
                        "yang dihapus atau disembunyikan dari OPAC dilaporkan sebagai deleted, tanpa batas "
                        "waktu. Setiap perpustakaan juga mempunyai titik akses sendiri untuk katalognya "
                        "(dc:relation)."
                    ) % {"host": identifiers.repository_identifier()}
                else:
                    text = _(
                        "Titik akses OAI-PMH katalog %(name)s di Simpul. Pengenal cantuman berbentuk "
                        "oai:%(host)s:%(code)s:<nomor cantuman>, sama dengan di katalog induk, dan tidak "
                        "pernah berubah. Cantuman yang dihapus atau disembunyikan dari OPAC dilaporkan "
                        "sebagai deleted, tanpa batas waktu. Katalog induk semua perpustakaan: %(union)s"
                    ) % {
                        "name": library.name,
                        "host": identifiers.repository_identifier(),
                        "code": library.code,
                        "union": self.site.union_endpoint(),
                    }
                texts.append(text)
        return texts[0], texts[1]

    def repository_name(self) -> str:
        library = self.repository.library
        if library is None:
            return _("Simpul — Katalog Induk Perpustakaan Kementerian Agama")
        return _("%(name)s — Katalog di Simpul") % {"name": library.name}

    def identify(self, request: OaiRequest) -> Iterator[bytes]:
        library = self.repository.library
        root = etree.Element(f"{{{OAI_NS}}}Identify", nsmap={None: OAI_NS})

        def add(parent, name: str, text: str):
            node = etree.SubElement(parent, f"{{{OAI_NS}}}{name}")
            node.text = text
            return node

        with translation.override("id"):
            add(root, "repositoryName", self.repository_name())
        add(root, "baseURL", self.site.base_url)
        add(root, "protocolVersion", "2.0")
        add(root, "adminEmail", admin_email())
        earliest = selectors.earliest_datestamp(None if library is None else library.pk)
        add(root, "earliestDatestamp", utc_text(earliest) if earliest else "2000-01-01T00:00:00Z")
        add(root, "deletedRecord", "persistent")
        add(root, "granularity", "YYYY-MM-DDThh:mm:ssZ")

        description = add(root, "description", None)
        oai_identifier = etree.SubElement(
            description,
            f"{{{OAI_IDENTIFIER_NS}}}oai-identifier",
            nsmap={None: OAI_IDENTIFIER_NS, "xsi": XSI_NS},
        )
        oai_identifier.set(
            f"{{{XSI_NS}}}schemaLocation",
            f"{OAI_IDENTIFIER_NS} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd",
        )
        for name, text in (
            ("scheme", "oai"),
            ("repositoryIdentifier", identifiers.repository_identifier()),
            ("delimiter", ":"),
            ("sampleIdentifier", identifiers.identifier_for(self._sample_code(), 1)),
        ):
            etree.SubElement(oai_identifier, f"{{{OAI_IDENTIFIER_NS}}}{name}").text = text

        from oaipmh.formats.oai_dc import DC_NS, OAI_DC_NS

        description = add(root, "description", None)
        dc = etree.SubElement(
            description, f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS}
        )
        dc.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")

        def dc_add(name: str, text: str, lang: str | None = None) -> None:
            node = etree.SubElement(dc, f"{{{DC_NS}}}{name}")
            node.text = text
            if lang:
                node.set("{http://www.w3.org/XML/1998/namespace}lang", lang)

        with translation.override("id"):
            dc_add("title", self.repository_name())
        indonesian, english = self._description_texts()
        dc_add("description", indonesian, "id")
        dc_add("description", english, "en")
        dc_add("publisher", "Kementerian Agama Republik Indonesia")
        dc_add("identifier", self.site.base_url)
        if library is None:
            for info in self.repository.active_libraries():
                dc_add("relation", self.site.library_endpoint(info.code))
        else:
            dc_add("relation", self.site.library_page(library.code))
            dc_add("relation", self.site.union_endpoint())
        yield self.envelope_start(request) + etree.tostring(root) + b"</OAI-PMH>"

    def _sample_code(self) -> str:
        if self.repository.library is not None:
            return self.repository.library.code
        active = self.repository.active_libraries()
        return active[0].code if active else "perpustakaan"

    # --- ListMetadataFormats, ListSets --------------------------------------------------------------------

    def _entry_for_identifier(self, identifier: str) -> tuple[selectors.EntryRow, LibraryInfo | None]:
        key = identifiers.parse_identifier(identifier)
        if key is None:
            raise IdDoesNotExist("Pengenal tidak dikenal di repositori ini.")
        scope = None if self.repository.is_union else [self.repository.library.pk]
        entry = selectors.entry_for(key.library_code, key.record_id, scope)
        if entry is None:
            raise IdDoesNotExist("Pengenal tidak dikenal di repositori ini.")
        return entry, self.repository.libraries.get(entry.library_id)

    def list_metadata_formats(self, request: OaiRequest) -> Iterator[bytes]:
        if request.get("identifier") is not None:
            self._entry_for_identifier(request.get("identifier"))
        parts = [b"<ListMetadataFormats>"]
        for entry in FORMATS.values():
            parts.append(
                (
                    f"<metadataFormat><metadataPrefix>{entry.prefix}</metadataPrefix>"
                    f"<schema>{entry.schema}</schema><metadataNamespace>{entry.namespace}</metadataNamespace>"
                    "</metadataFormat>"
                ).encode()
            )
        parts.append(b"</ListMetadataFormats></OAI-PMH>")
        yield self.envelope_start(request) + b"".join(parts)

    def list_sets(self, request: OaiRequest) -> Iterator[bytes]:
        if request.get("resumptionToken") is not None:
            raise BadResumptionToken("Daftar set tidak memakai resumption token.")
        if not self.repository.is_union:
            raise NoSetHierarchy("Titik akses perpustakaan ini tidak mempunyai set.")
        parts = [b"<ListSets>"]
        for oai_set in self.repository.sets():
            parts.append(
                f"<set><setSpec>{escape(oai_set.spec)}</setSpec><setName>{escape(oai_set.name)}</setName></set>".encode()
            )
        parts.append(b"</ListSets></OAI-PMH>")
        yield self.envelope_start(request) + b"".join(parts)

    # --- records ------------------------------------------------------------------------------------------

    def _format(self, prefix: str):
        metadata_format = FORMATS.get(prefix)
        if metadata_format is None:
            raise CannotDisseminateFormat(f"Format {prefix} tidak tersedia; pilih oai_dc, marcxml atau mods.")
        return metadata_format

    def _header(
        self,
        entry: selectors.EntryRow,
        info: LibraryInfo | None,
        deleted: bool,
        identifier: str | None = None,
        parts: dict | None = None,
    ) -> str:
        """``identifier``: the entry's, when already known; ``parts``: a cache, for the entries of one
        chunk, of what their headers share (a library's set specs, a second's datestamp)."""
        parts = {} if parts is None else parts
        specs_key = ("specs", entry.library_id, entry.library_code)
        set_specs = parts.get(specs_key)
        if set_specs is None:
            specs = info.set_specs() if (info is not None and self.repository.is_union) else ()
            if not specs and self.repository.is_union:
                specs = (f"library:{entry.library_code}",)
            set_specs = parts[specs_key] = "".join(f"<setSpec>{escape(spec)}</setSpec>" for spec in specs)
        datestamp = parts.get(entry.datestamp)
        if datestamp is None:
            datestamp = parts[entry.datestamp] = utc_text(entry.datestamp)
        identifier = escape(identifier or identifiers.identifier_for(entry.library_code, entry.record_id))
        status = ' status="deleted"' if deleted else ""
        return (
            f"<header{status}><identifier>{identifier}</identifier>"
            f"<datestamp>{datestamp}</datestamp>{set_specs}</header>"
        )

    def _render(
        self, entries: list[selectors.EntryRow], metadata_format, with_metadata: bool
    ) -> Iterator[bytes]:
        """Headers (and metadata) of a chunk of entries, in their order. An entry whose library is not
        active, whose record is gone or hidden, is a deletion whatever the feed row says."""
        libraries = self.repository.libraries
        rows: dict[tuple[int, int], selectors.RecordRow] = {}
        by_library: dict[int, list[int]] = {}
        for entry in entries:
            info = libraries.get(entry.library_id)
            if not entry.deleted and info is not None and info.active:
                by_library.setdefault(entry.library_id, []).append(entry.record_id)
        for library_id, record_ids in by_library.items():
            for record_id, row in selectors.records_by_id(
                libraries[library_id].schema_name, record_ids
            ).items():
                rows[(library_id, record_id)] = row
        shared: dict = {}
        for entry in entries:
            info = libraries.get(entry.library_id)
            row = rows.get((entry.library_id, entry.record_id))
            deleted = row is None or row.opac_hide
            identifier = identifiers.identifier_for(entry.library_code, entry.record_id)
            header = self._header(entry, info, deleted, identifier, shared)
            if not with_metadata:
                yield header.encode()
            elif deleted:
                yield f"<record>{header}</record>".encode()
            else:
                context = RecordContext(
                    identifier=identifier,
                    library_name=info.name,
                    record_url=self.site.record_url(info.code, row.id),
                )
                metadata = metadata_format.write(row, context)
                yield b"<record>" + header.encode() + b"<metadata>" + metadata + b"</metadata></record>"

    def get_record(self, request: OaiRequest) -> Iterator[bytes]:
        metadata_format = self._format(request.get("metadataPrefix"))
        entry, _info = self._entry_for_identifier(request.get("identifier"))
        body = b"".join(self._render([entry], metadata_format, with_metadata=True))
        yield self.envelope_start(request) + b"<GetRecord>" + body + b"</GetRecord></OAI-PMH>"

    def _list_state(self, request: OaiRequest) -> tokens.ListState:
        token = request.get("resumptionToken")
        if token is not None:
            state = tokens.decode(token, verb=request.verb, repository=self.repository.key)
            self._format(state.metadata_prefix)
            return state
        self._format(request.get("metadataPrefix"))
        start, end = date_range(request)
        set_spec = request.get("set") or ""
        if set_spec and not self.repository.is_union:
            raise NoSetHierarchy("Titik akses perpustakaan ini tidak mempunyai set.")
        now = datetime.now(tz=UTC).replace(microsecond=0)
        until = min(end, now) if end is not None else now  # frozen: later changes go to the next harvest
        return tokens.ListState(
            verb=request.verb,
            repository=self.repository.key,
            metadata_prefix=request.get("metadataPrefix"),
            set_spec=set_spec,
            from_=start,
            until=until,
            after=None,
            cursor=0,
            complete_list_size=0,
        )

    def _filter(self, state: tokens.ListState) -> selectors.ListFilter:
        if not self.repository.is_union:
            library_ids = [self.repository.library.pk]
        elif state.set_spec:
            library_ids = self.repository.library_ids_for_set(state.set_spec)
        else:
            library_ids = None
        return selectors.ListFilter(library_ids=library_ids, from_=state.from_, until=state.until)

    def list_items(self, request: OaiRequest) -> Iterator[bytes]:
        state = self._list_state(request)
        filter_ = self._filter(state)
        if filter_.library_ids == []:
            raise NoRecordsMatch("Tidak ada cantuman yang cocok.")
        size = page_size(request.verb)
        first = selectors.entries_after(filter_, state.after, min(CHUNK, size + 1))
        if not first:
            if state.after is None:
                raise NoRecordsMatch("Tidak ada cantuman yang cocok.")
            # The rest of the list changed after ``until`` (edited meanwhile): the next harvest gets it.
            raise NoRecordsMatch(
                "Sisa daftar ini berubah sejak awal panen; lanjutkan dengan panen berikutnya."
            )
        if state.after is None:
            state = dataclasses.replace(state, complete_list_size=selectors.count_entries(filter_))
        return self._stream_list(request, state, filter_, first, size)

    def _stream_list(self, request, state, filter_, first, size) -> Iterator[bytes]:
        metadata_format = FORMATS[state.metadata_prefix]
        with_metadata = request.verb == "ListRecords"
        yield self.envelope_start(request) + f"<{request.verb}>".encode()
        sent, last_key, more = 0, state.after, False
        chunk, requested = first, min(CHUNK, size + 1)
        while chunk:
            room = size - sent
            page = chunk[:room]
            yield from coalesced(self._render(page, metadata_format, with_metadata))
            sent += len(page)
            if page:
                last_key = page[-1].key
            if len(chunk) > room:  # an entry beyond this page exists
                more = True
                break
            if len(chunk) < requested:  # a short chunk: the list is complete
                break
            if sent >= size:
                more = bool(selectors.entries_after(filter_, last_key, 1))
                break
            requested = min(CHUNK, size - sent + 1)
            chunk = selectors.entries_after(filter_, last_key, requested)
        yield self._token_element(state, sent, last_key, more).encode()
        yield f"</{request.verb}></OAI-PMH>".encode()

    def _token_element(self, state, sent: int, last_key, more: bool) -> str:
        if not more and state.cursor == 0:
            return ""  # the whole list in one response: no token at all
        size = max(state.complete_list_size, state.cursor + sent)
        attributes = f' completeListSize="{size}" cursor="{state.cursor}"'
        if not more:
            return f"<resumptionToken{attributes}/>"
        issued = datetime.now(tz=UTC).replace(microsecond=0)
        token = tokens.encode(dataclasses.replace(state, after=last_key, cursor=state.cursor + sent))
        expires = utc_text(tokens.expiration_of(issued))
        return f'<resumptionToken expirationDate="{expires}"{attributes}>{escape(token)}</resumptionToken>'


def coalesced(pieces: Iterator[bytes], size: int = OUTPUT_PIECE) -> Iterator[bytes]:
    """``pieces`` joined into pieces of about ``size`` bytes: a WSGI server writes each piece it is given
    to the socket on its own (a chunk of HTTP/1.1 chunked encoding each), and one per record costs more
    than the record; memory still holds one piece at a time."""
    gathered: list[bytes] = []
    gathered_bytes = 0
    for piece in pieces:
        gathered.append(piece)
        gathered_bytes += len(piece)
        if gathered_bytes >= size:
            yield b"".join(gathered)
            gathered, gathered_bytes = [], 0
    if gathered:
        yield b"".join(gathered)


def admin_email() -> str:
    configured = getattr(settings, "OAIPMH_ADMIN_EMAIL", "")
    return configured or f"admin@{identifiers.repository_identifier()}"
