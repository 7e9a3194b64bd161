"""Uploaded catalogue files → ``NormalizedRecord`` objects, streamed (a 100,000-record export is never
held in memory): MARC 21 in ISO 2709 (``.mrc``: MARC-8 or UTF-8, each record decoded by pymarc), MARCXML
collections and MODS collections (read with lxml ``iterparse``, each record mapped by the same mapper a
harvest uses), and SLiMS's bibliography CSV export (:mod:`harvest.adapters.slims_csv`).

ISO 2709 is split on the record terminator (0x1D), not trusted to its length field: a record whose
length or directory is broken is a problem, and the next record is read after it. Leader/09 says the
encoding, but many exports (SLiMS, INLISLite) leave it blank over UTF-8 bytes: a record labelled MARC-8
whose bytes are valid UTF-8 with non-ASCII characters is read as UTF-8, otherwise as MARC-8 (pymarc's
``marc8_to_unicode``: combining diacritics, Arabic). A record without a 001 (SLiMS's MARC export writes
none) gets a key from what identifies the book (``marc-<fingerprint>``), so importing it twice matches.

No Django here. XML entities are never expanded (nor external ones fetched) by any parser here.
A record that cannot be read or mapped is yielded as a problem with its position and, when
known, its control number; the file goes on. A file that cannot be read at all raises
:class:`UnreadableFile`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import pymarc
from lxml import etree

from catalog.normalized import NormalizedRecord
from harvest.adapters.mapping import MalformedRecord
from harvest.adapters.marcxml import MARC_NS, map_marc_record, map_marcxml, marc_to_xml
from harvest.adapters.mods import MODS_NS, map_mods
from harvest.adapters.slims_csv import looks_like_slims_csv, read_slims_csv

__all__ = ["FORMATS", "FileEntry", "UnreadableFile", "count_records", "detect_format", "read_records"]

FORMATS = ("marc", "marcxml", "mods", "slims_csv")
_READ_SIZE = 256 * 1024
_RECORD_END = b"\x1d"
_MAX_RECORD = 99999  # ISO 2709's five-digit record length


class UnreadableFile(Exception):
    """The file is not one of the supported formats, or breaks off in a way no record can be read past."""


@dataclass(frozen=True)
class FileEntry:
    position: int  # 1-based position of the record in the file
    identifier: str  # control number (001), MODS recordIdentifier/ID, or "rekaman #N"
    record: NormalizedRecord | None
    problem: str = ""


def detect_format(head: bytes, name: str = "") -> str:
    """``marc``, ``marcxml`` or ``mods`` from the file name and its first bytes."""
    lowered = name.lower()
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if (lowered.endswith(".csv") or not text.startswith(b"<")) and looks_like_slims_csv(text):
        return "slims_csv"
    if lowered.endswith((".mrc", ".marc", ".iso", ".iso2709")) or text[:5].isdigit():
        return "marc"
    if text.startswith(b"<"):
        sample = text[:4096]
        if b"mods" in sample.lower() and (
            b"loc.gov/mods" in sample or b"<mods" in sample or b":mods" in sample
        ):
            return "mods"
        if b"MARC21/slim" in sample or b"<collection" in sample or b"<record" in sample:
            return "marcxml"
    raise UnreadableFile(
        "Format berkas tidak dikenali: unggah MARC (ISO 2709, .mrc), koleksi MARCXML, koleksi MODS, atau "
        "CSV ekspor bibliografi SLiMS (18 kolom)."
    )


def read_records(stream: IO[bytes], format: str) -> Iterator[FileEntry]:
    if format == "marc":
        return _read_iso2709(stream)
    if format == "marcxml":
        return _read_xml(stream, tags=(f"{{{MARC_NS}}}record", "record"), mapper=_map_marcxml)
    if format == "mods":
        return _read_xml(stream, tags=(f"{{{MODS_NS}}}mods", "mods"), mapper=_map_mods)
    if format == "slims_csv":
        return (FileEntry(*entry) for entry in read_slims_csv(stream))
    raise UnreadableFile(f"Format '{format}' tidak didukung; pilih salah satu: {', '.join(FORMATS)}.")


def _iso2709_chunks(stream: IO[bytes]) -> Iterator[bytes]:
    """The file's records as bytes, split on the record terminator, read a megabyte at a time."""
    pending = b""
    while True:
        block = stream.read(_READ_SIZE)
        if not block:
            break
        pending += block
        parts = pending.split(_RECORD_END)
        pending = parts.pop()
        for part in parts:
            yield part.lstrip(b"\r\n\x1a ") + _RECORD_END
        if len(pending) > 4 * _MAX_RECORD:
            yield pending  # no terminator for far longer than a record may be: a broken record
            pending = b""
    if pending.strip(b"\r\n\x1a "):
        yield pending.lstrip(b"\r\n\x1a ")


def _is_utf8(chunk: bytes) -> bool:
    if chunk.isascii():
        return True
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _marc_from_bytes(chunk: bytes) -> pymarc.Record:
    utf8 = chunk[9:10] == b"a" or _is_utf8(chunk)
    return pymarc.Record(data=chunk, to_unicode=True, force_utf8=utf8, utf8_handling="replace")


def _fingerprint(*values: str) -> str:
    basis = "\x1f".join(" ".join(value.casefold().split()) for value in values)
    return "marc-" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:20]


def _marc_fingerprint(marc: pymarc.Record) -> str:
    def subfields(tag: str, codes: str) -> str:
        field = marc.get(tag)
        return " ".join(field.get_subfields(*codes)) if field is not None else ""

    return _fingerprint(
        subfields("245", "abnp"),
        subfields("100", "a") or subfields("110", "ab"),
        subfields("020", "a") or subfields("022", "a"),
        subfields("250", "a"),
        subfields("264", "bc") or subfields("260", "bc"),
    )


def _read_iso2709(stream: IO[bytes]) -> Iterator[FileEntry]:
    for position, chunk in enumerate(_iso2709_chunks(stream), start=1):
        identifier = f"rekaman #{position}"
        try:
            marc = _marc_from_bytes(chunk)
        except Exception as error:  # pymarc: RecordLengthInvalid, BaseAddressNotFound, ... (plain exceptions)
            yield FileEntry(position, identifier, None, f"rekaman MARC tidak terbaca: {type(error).__name__}")
            continue
        control = marc["001"].data.strip() if marc.get("001") is not None else ""
        if not control:
            marc.remove_fields("001")
            marc.add_ordered_field(pymarc.Field(tag="001", data=_marc_fingerprint(marc)))
        identifier = control or identifier
        try:
            record = map_marc_record("", marc, marc_to_xml(marc))
        except MalformedRecord as error:
            yield FileEntry(position, identifier, None, error.reason)
            continue
        except Exception as error:  # pymarc raises plain exceptions on odd fields
            yield FileEntry(position, identifier, None, f"{type(error).__name__}: {error}")
            continue
        yield FileEntry(position, identifier, record)


_COUNTED = {
    "marc": re.compile(rb"\x1d"),
    "marcxml": re.compile(rb"</(?:[A-Za-z][\w.-]*:)?record>"),
    "mods": re.compile(rb"</(?:[A-Za-z][\w.-]*:)?mods>"),
    "slims_csv": re.compile(rb"\r\n|\r|\n"),
}


def count_records(stream: IO[bytes], format: str) -> int:
    """About how many records the file holds, from its bytes alone (record terminators, closing tags,
    lines) — for a progress bar, not a promise; the stream is rewound to where it was."""
    pattern = _COUNTED[format]
    start = stream.tell()
    count = 0
    tail = b""
    last = b""
    while block := stream.read(_READ_SIZE):
        combined = tail + block
        count += sum(1 for match in pattern.finditer(combined) if match.end() > len(tail))
        tail = combined[-16:]
        last = block
    stream.seek(start)
    if format == "slims_csv":
        count += 1 if last and not last.endswith((b"\n", b"\r")) else 0
        head = stream.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n\"'")
        stream.seek(start)
        count -= 1 if head[:5].lower() == b"title" else 0
    return max(count, 0)


def _marcxml_fingerprint(element: etree._Element) -> str:
    def subfields(tag: str, codes: str) -> str:
        for node in element:
            if local_name_of(node) == "datafield" and node.get("tag") == tag:
                return " ".join(
                    (child.text or "")
                    for child in node
                    if local_name_of(child) == "subfield" and child.get("code", "") in codes
                )
        return ""

    return _fingerprint(
        subfields("245", "abnp"),
        subfields("100", "a") or subfields("110", "ab"),
        subfields("020", "a") or subfields("022", "a"),
        subfields("250", "a"),
        subfields("264", "bc") or subfields("260", "bc"),
    )


def local_name_of(node) -> str:
    return node.tag.rsplit("}", 1)[-1] if isinstance(node.tag, str) else ""


def _map_marcxml(element: etree._Element) -> tuple[str, NormalizedRecord]:
    control = next(
        (
            (node.text or "").strip()
            for node in element
            if isinstance(node.tag, str)
            and node.tag.rsplit("}", 1)[-1] == "controlfield"
            and node.get("tag") == "001"
        ),
        "",
    )
    if not control:
        namespace = element.tag[1:].split("}", 1)[0] if element.tag.startswith("{") else None
        node = etree.Element(f"{{{namespace}}}controlfield" if namespace else "controlfield", tag="001")
        node.text = _marcxml_fingerprint(element)
        leader = next((i for i, child in enumerate(element) if local_name_of(child) == "leader"), -1)
        element.insert(leader + 1, node)
        return "", map_marcxml("", element)
    return control, map_marcxml("", element)


def _map_mods(element: etree._Element) -> tuple[str, NormalizedRecord]:
    record = map_mods("", element)
    return record.source_key, record


def _read_xml(stream: IO[bytes], *, tags: tuple[str, ...], mapper) -> Iterator[FileEntry]:
    position = 0
    try:
        for _, element in etree.iterparse(
            stream,
            events=("end",),
            tag=tags,
            remove_blank_text=True,
            # entities are never expanded nor fetched: no "billion laughs", no file:// or http:// entity
            resolve_entities=False,
            load_dtd=False,
            no_network=True,
        ):
            parent = element.getparent()
            if parent is not None and isinstance(parent.tag, str) and parent.tag in tags:
                continue  # a record nested in a record (MODS relatedItem never is; be safe)
            position += 1
            try:
                identifier, record = mapper(element)
                yield FileEntry(position, identifier or f"rekaman #{position}", record)
            except MalformedRecord as error:
                yield FileEntry(position, f"rekaman #{position}", None, error.reason)
            finally:
                element.clear(keep_tail=False)
                while parent is not None and element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as error:
        raise UnreadableFile(f"XML rusak setelah rekaman ke-{position}: {error}") from error
    if position == 0:
        raise UnreadableFile("Tidak ada rekaman di berkas ini (MARCXML <record> atau MODS <mods>).")
