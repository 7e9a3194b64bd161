"""SLiMS's bibliography CSV export → ``NormalizedRecord`` objects, streamed, with SLiMS's quirks.

What SLiMS 9 writes (``admin/modules/bibliography/export.php``): 18 columns in this order — ``title,
gmd_name, edition, isbn_issn, publisher_name, publish_year, collation, series_title, call_number,
language_name, place_name, classification, notes, image, sor, authors, topics, item_code`` — the biblio id
is *not* exported; authors, topics and item codes are lists written ``<Name One><Name Two>``; the header
row is optional and ends with a separator of its own (an empty 19th column); the field separator and the
encloser are the operator's choice (``,`` and ``"`` by default; ``;`` from spreadsheets), records end in
``\\n`` or a bare ``\\r``. Values pass through ``escape_string`` and then ``stripslashes``, so quotes
inside a value are written raw (``"Islam "Nusantara""`` — not doubled as RFC 4180 wants) and a newline in
the notes arrives as the letter ``n``. A file saved again by a spreadsheet is ordinary RFC 4180 (doubled
quotes, newlines inside quoted values, a BOM, maybe cp1252). Both are read here; a row that cannot be read
is a problem with its line number, and the file goes on.

A row has no identifier of its own, so its key is a fingerprint of what identifies the book (title,
edition, ISBN, year, publisher, authors): the same row imported twice is the same record.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from typing import IO

from catalog.normalized import NormalizedCopy, NormalizedRecord
from harvest.adapters.mapping import MalformedRecord, clean_text, dedupe, language_code, normalize_isbn_issn

__all__ = ["SLIMS_CSV_COLUMNS", "join_list", "looks_like_slims_csv", "read_slims_csv", "split_list"]

SLIMS_CSV_COLUMNS = (
    "title",
    "gmd_name",
    "edition",
    "isbn_issn",
    "publisher_name",
    "publish_year",
    "collation",
    "series_title",
    "call_number",
    "language_name",
    "place_name",
    "classification",
    "notes",
    "image",
    "sor",
    "authors",
    "topics",
    "item_code",
)
_COLUMNS = len(SLIMS_CSV_COLUMNS)
_SEPARATORS = (",", ";", "\t", "|")
_LINE_END = re.compile(rb"\r\n|\r|\n")
_READ_SIZE = 64 * 1024
_MAX_LINE = 1024 * 1024  # one record longer than this is not a catalogue row
_MAX_CONTINUATION_LINES = 50  # a quoted value may hold newlines (a spreadsheet's file), but not forever


def join_list(values: Iterable[str]) -> str:
    """``<A><B>`` as SLiMS writes lists (``getValues`` in its export)."""
    return "".join(f"<{value}>" for value in values if value)


def split_list(value: str) -> tuple[str, ...]:
    """``<A><B>`` → ``("A", "B")``; a plain value without brackets is one item."""
    text = value.strip()
    if not text:
        return ()
    parts = text[1:-1].split("><") if text.startswith("<") and text.endswith(">") else [text]
    return dedupe(clean_text(part.replace("<", "").replace(">", "")) for part in parts)


def _physical_lines(stream: IO[bytes]) -> Iterator[bytes]:
    """Lines ending in ``\\r\\n``, ``\\n`` or a bare ``\\r`` (SLiMS's "CARRIAGE RETURN" separator), read
    64 KiB at a time; a line never grows past ``_MAX_LINE`` (the rest of it is dropped to the next end)."""
    pending = b""
    while True:
        block = stream.read(_READ_SIZE)
        if not block:
            break
        pending += block
        if pending.endswith(b"\r"):
            # "\r\n" may be split between two blocks: keep the "\r" until the next block says
            pending, carry = pending[:-1], b"\r"
        else:
            carry = b""
        parts = _LINE_END.split(pending)
        pending = parts.pop() + carry
        yield from parts
        if len(pending) > _MAX_LINE:
            yield pending[:_MAX_LINE]
            pending = b""
    if pending.strip(b"\r"):
        yield pending.rstrip(b"\r")


def _decode(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252", errors="replace")


def sniff_dialect(first_line: str) -> tuple[str, str]:
    """(separator, encloser) of a SLiMS CSV from its first line."""
    text = first_line.lstrip("\ufeff")
    encloser = "'" if text.startswith("'") and not text.startswith('"') else '"'
    counts = {separator: text.count(f"{encloser}{separator}{encloser}") for separator in _SEPARATORS}
    if not any(counts.values()):
        counts = {separator: text.count(separator) for separator in _SEPARATORS}
    return max(counts, key=counts.get), encloser


def looks_like_slims_csv(head: bytes) -> bool:
    """The first line has SLiMS's header, or SLiMS's 18 (or 19) enclosed columns."""
    first = _LINE_END.split(head, maxsplit=1)[0]
    text = _decode(first).lstrip("\ufeff")
    separator, encloser = sniff_dialect(text)
    fields = _split_row(text, separator, encloser)
    if fields and fields[0].strip().lower() == "title" and "item_code" in [f.strip().lower() for f in fields]:
        return True
    return fields is not None and len(fields) in (_COLUMNS, _COLUMNS + 1)


def _split_row(text: str, separator: str, encloser: str) -> list[str] | None:
    """The values of one row: RFC 4180 first; if that fails (SLiMS's raw quotes inside a value), split
    between enclosers (``","``). None when the row is an open quoted value (it continues on the next
    line)."""
    try:
        fields = next(csv.reader([text], delimiter=separator, quotechar=encloser, strict=True), [])
    except csv.Error as error:
        if "unexpected end of data" in str(error) and not _enclosed_whole(text, separator, encloser):
            return None
        fields = _split_raw(text, separator, encloser)
    return fields


def _enclosed_whole(text: str, separator: str, encloser: str) -> bool:
    stripped = text.rstrip(separator)
    return len(stripped) > 1 and stripped.startswith(encloser) and stripped.endswith(encloser)


def _split_raw(text: str, separator: str, encloser: str) -> list[str]:
    stripped = text.strip()
    trailing = stripped.endswith(separator)
    stripped = stripped.rstrip(separator) if trailing else stripped
    if stripped.startswith(encloser) and stripped.endswith(encloser) and len(stripped) > 1:
        fields = stripped[1:-1].split(f"{encloser}{separator}{encloser}")
    else:
        fields = stripped.split(separator)
    return [*fields, ""] if trailing else fields


def _fingerprint(values: dict[str, str], authors: tuple[str, ...]) -> str:
    basis = [
        " ".join(values["title"].casefold().split()),
        values["edition"].casefold(),
        normalize_isbn_issn(values["isbn_issn"]),
        values["publish_year"],
        values["publisher_name"].casefold(),
        *[author.casefold() for author in authors],
    ]
    return "csv-" + hashlib.sha1("\x1f".join(basis).encode("utf-8")).hexdigest()[:20]


def map_slims_csv_row(values: dict[str, str], *, line: int) -> NormalizedRecord:
    """One SLiMS CSV row (column → raw value) as a record; raises :class:`MalformedRecord`."""
    cleaned = {column: clean_text(value.replace("\\", "")) for column, value in values.items()}
    title = cleaned["title"]
    if not title:
        raise MalformedRecord(f"baris {line}", "judul kosong (kolom title)")
    authors = split_list(values["authors"])
    call_number = cleaned["call_number"]
    codes = split_list(values["item_code"])
    copies = tuple(NormalizedCopy(item_code=code[:64], call_number=call_number) for code in codes)
    note_lines = (clean_text(line) for line in values["notes"].replace("\\", "").splitlines())
    return NormalizedRecord(
        source_key=_fingerprint(cleaned, authors),
        title=title,
        authors=authors,
        subjects=split_list(values["topics"]),
        statement_of_responsibility=cleaned["sor"],
        edition=cleaned["edition"],
        isbn_issn=normalize_isbn_issn(cleaned["isbn_issn"]),
        publisher=cleaned["publisher_name"],
        publish_place=cleaned["place_name"],
        publish_year=cleaned["publish_year"],
        collation=cleaned["collation"],
        series_title=cleaned["series_title"],
        call_number=call_number,
        classification=cleaned["classification"],
        language=language_code(cleaned["language_name"]),
        notes="\n".join(line for line in note_lines if line),
        material_type=cleaned["gmd_name"],
        copies=copies,
        raw_format="slims_csv",
        raw_metadata=json.dumps(values, ensure_ascii=False),
    )


def read_slims_csv(stream: IO[bytes]) -> Iterator[tuple[int, str, NormalizedRecord | None, str]]:
    """``(position, identifier, record or None, problem)`` for every row of the file; the header (if any)
    is skipped and not counted. ``identifier`` is ``baris N`` (the row's first physical line)."""
    separator = encloser = None
    position = 0
    line_number = 0
    lines = _physical_lines(stream)
    for raw in lines:
        line_number += 1
        text = _decode(raw)
        if separator is None:
            text = text.lstrip("\ufeff")
            if not text.strip():
                continue
            separator, encloser = sniff_dialect(text)
        if not text.strip():
            continue
        first_line = line_number
        fields = _split_row(text, separator, encloser)
        continuation = 0
        while fields is None and continuation < _MAX_CONTINUATION_LINES:
            following = next(lines, None)
            if following is None:
                break
            line_number += 1
            continuation += 1
            text = f"{text}\n{_decode(following)}"
            fields = _split_row(text, separator, encloser)
        if fields is None:
            fields = _split_raw(text, separator, encloser)
        if position == 0 and fields and fields[0].strip().lstrip("\ufeff").lower() == "title":
            continue  # the header row
        position += 1
        identifier = f"baris {first_line}"
        if len(fields) == _COLUMNS + 1 and not fields[-1].strip():
            fields = fields[:-1]
        if len(fields) != _COLUMNS:
            yield (
                position,
                identifier,
                None,
                f"baris {first_line}: {len(fields)} kolom, seharusnya {_COLUMNS} (kolom CSV SLiMS)",
            )
            continue
        try:
            record = map_slims_csv_row(dict(zip(SLIMS_CSV_COLUMNS, fields, strict=True)), line=first_line)
        except MalformedRecord as error:
            yield position, identifier, None, error.reason
            continue
        yield position, identifier, record, ""
