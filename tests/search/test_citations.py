"""search/citations.py: RIS, BibTeX and CSL-JSON that parse back to what was indexed. The parsers here are
small and strict on purpose (a line that is not "TAG  - value" fails the RIS test)."""

from __future__ import annotations

import json
import re

import pytest

from search.citations import bibtex_escape, render, split_name, to_bibtex, to_csl_json, to_ris

SOURCE = {
    "library_code": "uji-lpmq",
    "library_name": "Perpustakaan LPMQ Uji",
    "record_id": 9030,
    "work_key": "isbn:9789799688118",
    "title": "Tafsir Al-Mishbah: Pesan, Kesan & Keserasian {Al-Qur'an} 100%",
    "authors": ["M. Quraish Shihab", "Rasjid, Sulaiman", "Departemen Agama RI", "نخبة من العلماء"],
    "subjects": ["Tafsir", "Al-Qur'an"],
    "publisher": "Lentera Hati",
    "publish_place": "Jakarta",
    "publish_year": "1423 H/2002",
    "year": 2002,
    "edition": "Cet. 5",
    "isbn": ["9789799688118", "9799688116"],
    "call_number": "2X1.3 SHI t",
    "language": "id",
    "series_title": "Tafsir Al-Mishbah",
}

_RIS_LINE = re.compile(r"^([A-Z][A-Z0-9])  - (.*)$")


def parse_ris(text: str) -> list[dict[str, list[str]]]:
    """Records of an RIS file as {tag: [values]}; every line must be a tag line."""
    records, current = [], None
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            continue
        match = _RIS_LINE.match(line)
        assert match, f"not an RIS line: {line!r}"
        tag, value = match.groups()
        if tag == "TY":
            assert current is None, "TY before ER"
            current = {}
        assert current is not None, f"{tag} outside a record"
        if tag == "ER":
            records.append(current)
            current = None
            continue
        current.setdefault(tag, []).append(value)
    assert current is None, "record without ER"
    return records


def parse_bibtex(text: str) -> list[dict]:
    """Entries of a BibTeX file: type, key and brace-balanced fields."""
    entries = []
    position = 0
    while (start := text.find("@", position)) != -1:
        header = re.compile(r"@(\w+)\{([^,\s]+),").match(text, start)
        assert header, f"bad entry header at {start}"
        position, fields, depth = header.end(), {}, 1
        while depth:
            field = re.compile(r"\s*(\w+) = \{").match(text, position)
            if not field:
                closing = re.compile(r"\s*\}").match(text, position)
                assert closing, f"unexpected text at {position}: {text[position : position + 40]!r}"
                position, depth = closing.end(), 0
                break
            value_start = index = field.end()
            level = 1
            while level:
                char = text[index]
                if char == "\\":
                    index += 2
                    continue
                level += {"{": 1, "}": -1}.get(char, 0)
                index += 1
            fields[field.group(1)] = text[value_start : index - 1]
            position = index
            comma = re.compile(r",").match(text, position)
            if comma:
                position = comma.end()
        entries.append({"type": header.group(1), "key": header.group(2), "fields": fields})
    return entries


def test_ris_has_one_tag_per_line_and_every_author():
    (record,) = parse_ris(to_ris([SOURCE], ["https://simpul.example/karya/isbn:9789799688118/"]))

    assert record["TY"] == ["BOOK"]
    assert record["AU"] == [
        "Shihab, M. Quraish",
        "Rasjid, Sulaiman",
        "Departemen Agama RI",
        "نخبة من العلماء",
    ]
    assert record["PY"] == ["2002"] and record["SN"] == ["9789799688118"] and record["CN"] == ["2X1.3 SHI t"]
    assert record["KW"] == ["Tafsir", "Al-Qur'an"]
    assert record["UR"] == ["https://simpul.example/karya/isbn:9789799688118/"]


def test_ris_uses_crlf_line_ends():
    assert "\r\n" in to_ris([SOURCE]) and "\n" not in to_ris([SOURCE]).replace("\r\n", "")


def test_bibtex_escapes_tex_specials_and_keeps_unicode():
    (entry,) = parse_bibtex(to_bibtex([SOURCE]))

    assert entry["type"] == "book" and entry["key"] == "uji-lpmq_9030"
    assert entry["fields"]["title"] == r"Tafsir Al-Mishbah: Pesan, Kesan \& Keserasian \{Al-Qur'an\} 100\%"
    assert entry["fields"]["author"] == (
        "Shihab, M. Quraish and Rasjid, Sulaiman and {Departemen Agama RI} and {نخبة من العلماء}"
    )
    assert entry["fields"]["year"] == "2002"


def test_csl_json_items_follow_the_csl_schema_names():
    (item,) = json.loads(to_csl_json([SOURCE]))

    assert item["type"] == "book" and item["id"] == "uji-lpmq_9030"
    assert item["author"][0] == {"family": "Shihab", "given": "M. Quraish"}
    assert item["author"][2] == {"literal": "Departemen Agama RI"}
    assert item["issued"] == {"date-parts": [[2002]]}
    assert item["ISBN"] == "9789799688118" and item["call-number"] == "2X1.3 SHI t"
    assert item["language"] == "id-ID" and item["publisher-place"] == "Jakarta"


def test_record_without_year_keeps_the_catalogued_text():
    (item,) = json.loads(to_csl_json([{**SOURCE, "year": None, "publish_year": "[t.t.]"}]))

    assert item["issued"] == {"literal": "[t.t.]"}


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Hamka", {"literal": "Hamka"}),
        ("Sulaiman Rasjid", {"family": "Rasjid", "given": "Sulaiman"}),
        ("Rasjid, Sulaiman", {"family": "Rasjid", "given": "Sulaiman"}),
        ("Kementerian Agama RI", {"literal": "Kementerian Agama RI"}),
        ("أبو حامد الغزالي", {"literal": "أبو حامد الغزالي"}),
    ],
)
def test_names_split_only_where_a_family_name_is_clear(name, parts):
    assert split_name(name) == parts


def test_several_records_make_several_entries_in_every_format():
    sources = [SOURCE, {**SOURCE, "record_id": 9031, "title": "Kedua"}]

    assert len(parse_ris(render("ris", sources, []))) == 2
    assert len(parse_bibtex(render("bibtex", sources, []))) == 2
    assert len(json.loads(render("csl-json", sources, []))) == 2


def test_bibtex_escape_handles_backslash_and_tilde():
    assert (
        bibtex_escape("a\\b~c^d_e#f$") == r"a\textbackslash{}b\textasciitilde{}c\textasciicircum{}d\_e\#f\$"
    )
