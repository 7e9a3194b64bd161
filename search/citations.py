"""Citation export of union-index records: RIS, BibTeX and CSL-JSON, from the indexed fields.

* RIS follows the RIS format specification (tags ``TY``..``ER``, "TAG  - value" lines, CRLF line ends).
* BibTeX ``@book`` entries; values are braced and TeX-special characters escaped; UTF-8 is kept (biber
  and BibTeX 0.99d+ with inputenc read it), so Arabic and transliterated titles survive.
* CSL-JSON follows the citation-style-language schema (``csl-data.json``): ``type``, ``title``,
  ``author`` with ``family``/``given`` or ``literal``, ``issued.date-parts``, ``ISBN``, ``call-number``.

Names: "Rasjid, Sulaiman" is family, given; a one-word name, an organisation-looking name or an Arabic
name is kept whole (``literal``), since Indonesian and Arabic names have no family name to invert.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from search.union_document import RECORD_DISPLAY_FIELDS

FORMATS = {
    "ris": ("application/x-research-info-systems", "ris"),
    "bibtex": ("application/x-bibtex", "bib"),
    "csl-json": ("application/vnd.citationstyles.csl+json", "json"),
}

# What a citation is made from: the record as catalogued (every display field the union document derives
# from the one declaration of a record's fields), the normalized year and ISBNs, and where it is held.
CITED_FIELDS = (
    "library_code",
    "library_name",
    "record_id",
    "work_key",
    *RECORD_DISPLAY_FIELDS,
    "year",
    "isbn",
)

_ORGANIZATION_WORDS = {
    "departemen",
    "kementerian",
    "direktorat",
    "badan",
    "lajnah",
    "tim",
    "lembaga",
    "majelis",
    "universitas",
    "pusat",
    "balai",
    "ri",
}
_LANGUAGE_TAGS = {"id": "id-ID", "ind": "id-ID", "ar": "ar", "ara": "ar", "en": "en-US", "eng": "en-US"}


def split_name(name: str) -> dict[str, str]:
    """CSL name parts of a catalogued name."""
    name = " ".join(name.split())
    if not name:
        return {"literal": ""}
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        return {"family": family, "given": given} if family and given else {"literal": name}
    words = name.split()
    is_organization = any(word.lower().strip(".") in _ORGANIZATION_WORDS for word in words)
    if len(words) == 1 or is_organization or not name.isascii():
        return {"literal": name}
    return {"family": words[-1], "given": " ".join(words[:-1])}


def _inverted(name: str) -> str:
    parts = split_name(name)
    if "literal" in parts:
        return parts["literal"]
    return f"{parts['family']}, {parts['given']}"


def _isbn(source: dict) -> str:
    forms = source.get("isbn") or []
    return forms[0] if forms else (source.get("isbn_display") or "")


def _year(source: dict) -> str:
    year = source.get("year")
    return str(year) if year else (source.get("publish_year") or "")


def citation_key(source: dict) -> str:
    """A BibTeX key: library code and record id (unique in the union index), ASCII only."""
    raw = f"{source.get('library_code', 'rec')}_{source.get('record_id', 0)}"
    return re.sub(r"[^A-Za-z0-9_-]", "_", raw)


# --- CSL-JSON ------------------------------------------------------------------------------------------


def csl_item(source: dict, *, url: str = "") -> dict:
    item: dict[str, object] = {
        "id": citation_key(source),
        "type": "book",
        "title": source.get("title", ""),
    }
    authors = [split_name(name) for name in source.get("authors") or [] if name.strip()]
    if authors:
        item["author"] = authors
    year = source.get("year")
    if year:
        item["issued"] = {"date-parts": [[int(year)]]}
    elif source.get("publish_year"):
        item["issued"] = {"literal": source["publish_year"]}
    optional = {
        "publisher": source.get("publisher"),
        "publisher-place": source.get("publish_place"),
        "edition": source.get("edition"),
        "ISBN": _isbn(source),
        "call-number": source.get("call_number"),
        "collection-title": source.get("series_title"),
        "language": _LANGUAGE_TAGS.get((source.get("language") or "").lower(), source.get("language")),
        "keyword": ", ".join(source.get("subjects") or []),
        "archive": source.get("library_name"),
        "URL": url,
        "medium": source.get("material_type"),
    }
    item.update({key: value for key, value in optional.items() if value})
    return item


def to_csl_json(sources: Iterable[dict], urls: Iterable[str] = ()) -> str:
    urls = list(urls)
    items = [csl_item(source, url=urls[i] if i < len(urls) else "") for i, source in enumerate(sources)]
    return json.dumps(items, ensure_ascii=False, indent=2)


# --- RIS -----------------------------------------------------------------------------------------------


def _ris_value(value: object) -> str:
    return " ".join(str(value).split())  # one line per tag


def ris_record(source: dict, *, url: str = "") -> str:
    lines = [("TY", "BOOK"), ("ID", citation_key(source)), ("TI", source.get("title", ""))]
    lines += [("AU", _inverted(name)) for name in source.get("authors") or [] if name.strip()]
    lines += [
        ("PY", _year(source)),
        ("PB", source.get("publisher")),
        ("CY", source.get("publish_place")),
        ("ET", source.get("edition")),
        ("SN", _isbn(source)),
        ("CN", source.get("call_number")),
        ("T3", source.get("series_title")),
        ("LA", source.get("language")),
        ("AN", f"{source.get('library_code', '')}:{source.get('record_id', '')}"),
        ("DP", source.get("library_name")),
    ]
    lines += [("KW", subject) for subject in source.get("subjects") or [] if subject.strip()]
    lines.append(("UR", url))
    body = [f"{tag}  - {_ris_value(value)}" for tag, value in lines if value]
    return "\r\n".join([*body, "ER  - "]) + "\r\n"


def to_ris(sources: Iterable[dict], urls: Iterable[str] = ()) -> str:
    urls = list(urls)
    return "\r\n".join(
        ris_record(source, url=urls[i] if i < len(urls) else "") for i, source in enumerate(sources)
    )


# --- BibTeX --------------------------------------------------------------------------------------------

_BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_escape(value: str) -> str:
    return "".join(_BIBTEX_ESCAPES.get(char, char) for char in " ".join(str(value).split()))


def bibtex_entry(source: dict, *, url: str = "") -> str:
    authors = [name for name in source.get("authors") or [] if name.strip()]
    author_field = " and ".join(
        "{" + bibtex_escape(_inverted(name)) + "}"
        if "literal" in split_name(name)
        else bibtex_escape(_inverted(name))
        for name in authors
    )
    fields = [
        ("title", bibtex_escape(source.get("title", ""))),
        ("author", author_field),
        ("year", bibtex_escape(_year(source))),
        ("publisher", bibtex_escape(source.get("publisher") or "")),
        ("address", bibtex_escape(source.get("publish_place") or "")),
        ("edition", bibtex_escape(source.get("edition") or "")),
        ("series", bibtex_escape(source.get("series_title") or "")),
        ("isbn", bibtex_escape(_isbn(source))),
        ("language", bibtex_escape(source.get("language") or "")),
        (
            "note",
            bibtex_escape(f"{source.get('library_name', '')}, {source.get('call_number', '')}".strip(", ")),
        ),
        ("url", url),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@book{{{citation_key(source)},\n{body}\n}}\n"


def to_bibtex(sources: Iterable[dict], urls: Iterable[str] = ()) -> str:
    urls = list(urls)
    return "\n".join(
        bibtex_entry(source, url=urls[i] if i < len(urls) else "") for i, source in enumerate(sources)
    )


def render(format_name: str, sources: list[dict], urls: list[str]) -> str:
    """The citations of ``sources`` in ``format_name`` (a key of ``FORMATS``)."""
    if format_name == "ris":
        return to_ris(sources, urls)
    if format_name == "bibtex":
        return to_bibtex(sources, urls)
    if format_name == "csl-json":
        return to_csl_json(sources, urls)
    raise ValueError(f"unknown citation format {format_name!r}")
