"""Uploaded catalogue files → ``NormalizedRecord`` objects, streamed (a 100,000-record export is never
held in memory): MARC 21 in ISO 2709 (``.mrc``, read with pymarc's ``MARCReader``), MARCXML collections
and MODS collections (read with lxml ``iterparse``, each record mapped by the same mapper a harvest uses).

No Django here. XML entities are never expanded (nor external ones fetched) by any parser here.
A record that cannot be read or mapped is yielded as a problem with its position and, when
known, its control number; the file goes on. A file that cannot be read at all raises
:class:`UnreadableFile`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import pymarc
from lxml import etree
from pymarc.exceptions import FatalReaderError

from catalog.normalized import NormalizedRecord
from harvest.adapters.mapping import MalformedRecord
from harvest.adapters.marcxml import MARC_NS, map_marcxml
from harvest.adapters.mods import MODS_NS, map_mods

__all__ = ["FORMATS", "FileEntry", "UnreadableFile", "detect_format", "read_records"]

FORMATS = ("marc", "marcxml", "mods")


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
        "Format berkas tidak dikenali: unggah MARC (ISO 2709, .mrc), koleksi MARCXML, atau koleksi MODS."
    )


def read_records(stream: IO[bytes], format: str) -> Iterator[FileEntry]:
    if format == "marc":
        return _read_iso2709(stream)
    if format == "marcxml":
        return _read_xml(stream, tags=(f"{{{MARC_NS}}}record", "record"), mapper=_map_marcxml)
    if format == "mods":
        return _read_xml(stream, tags=(f"{{{MODS_NS}}}mods", "mods"), mapper=_map_mods)
    raise UnreadableFile(f"Format '{format}' tidak didukung; pilih salah satu: {', '.join(FORMATS)}.")


def _read_iso2709(stream: IO[bytes]) -> Iterator[FileEntry]:
    reader = pymarc.MARCReader(stream, to_unicode=True, force_utf8=True, utf8_handling="replace")
    position = 0
    for marc in reader:
        position += 1
        if marc is None:
            error = reader.current_exception
            problem = f"rekaman MARC tidak terbaca: {type(error).__name__}"
            if isinstance(error, FatalReaderError):
                # the record's length or terminator is wrong: nothing after it can be found reliably
                problem += "; berkas tidak dapat dibaca melewati rekaman ini"
            yield FileEntry(position, f"rekaman #{position}", None, problem)
            continue
        control = marc["001"].data.strip() if marc.get("001") is not None else ""
        identifier = control or f"rekaman #{position}"
        try:
            xml = pymarc.record_to_xml(marc, namespace=True)
            record = map_marcxml("", xml)
        except MalformedRecord as error:
            yield FileEntry(position, identifier, None, error.reason)
            continue
        except Exception as error:  # pymarc raises plain exceptions on odd fields
            yield FileEntry(position, identifier, None, f"{type(error).__name__}: {error}")
            continue
        yield FileEntry(position, identifier, record)


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
