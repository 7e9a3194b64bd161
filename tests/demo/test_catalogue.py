"""The demo catalogue generator: deterministic, realistic enough for a librarian, shaped for the pipeline.

No database or search engine is needed here; speed is measured in ``bench/demo_generator.py``, not here.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict

import pytest

from catalog.normalized import NormalizedCopy, NormalizedRecord
from demo.catalogue import (
    generate_catalog,
    generate_members,
    isbn13_check_digit,
    library_codes_for_benchmark,
    library_kind,
    library_profile,
    library_style,
    shared_work_pool,
)
from search.analysis import is_valid_isbn13

# The first eight units of ../shared/data/kemenag-units.yaml (the first units of the vocabulary too).
FIRST_UNITS = (
    "bdk-aceh",
    "bdk-medan",
    "bdk-padang",
    "bdk-palembang",
    "bdk-jakarta",
    "bdk-bandung",
    "bdk-semarang",
    "bdk-surabaya",
)
SHALAT = re.compile(r"\b(shalat|sholat|salat)\b", re.IGNORECASE)
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
ISSN = re.compile(r"^\d{4}-\d{3}[\dX]$")
CALL_NUMBER = re.compile(r"^(2X\d(\.\d+)?|\d{3}(\.\d+)?) [A-Z]{3} \w$")


def catalogue(code: str, **kwargs) -> list[NormalizedRecord]:
    return list(generate_catalog(code, **kwargs))


@pytest.fixture(scope="module")
def first_units() -> dict[str, list[NormalizedRecord]]:
    return {code: catalogue(code) for code in FIRST_UNITS}


def compact(isbn: str) -> str:
    return isbn.replace("-", "")


def test_same_arguments_give_the_same_catalogue_and_a_smaller_one_is_a_prefix():
    first = catalogue("bdk-aceh", size=120, seed=7)
    again = catalogue("bdk-aceh", size=120, seed=7)
    assert first == again
    assert [r.content_hash() for r in first] == [r.content_hash() for r in again]
    assert catalogue("bdk-aceh", size=40, seed=7) == first[:40]


def test_generation_leaves_the_global_random_generator_alone():
    state = random.getstate()
    catalogue("lpmq", size=200, seed=11)
    list(generate_members("lpmq", size=20))
    library_codes_for_benchmark(30)
    assert random.getstate() == state


def test_different_libraries_and_seeds_give_different_catalogues(first_units):
    aceh, medan = first_units["bdk-aceh"], first_units["bdk-medan"]
    assert [r.title for r in aceh] != [r.title for r in medan]
    assert {r.title for r in aceh} != {r.title for r in medan}
    assert [r.title for r in catalogue("bdk-aceh", size=50, seed=1)] != [r.title for r in aceh[:50]]


@pytest.mark.parametrize("size", [0, 1, 37, 320, 1500])
def test_size_is_honoured_and_source_keys_count_from_one(size):
    records = catalogue("mtsn2-magelang", size=size)
    assert len(records) == size
    assert [r.source_key for r in records] == [str(n) for n in range(1, size + 1)]
    assert all(isinstance(r, NormalizedRecord) and r.raw_format == "demo" for r in records)


def test_a_negative_size_is_refused():
    with pytest.raises(ValueError):
        generate_catalog("bdk-aceh", size=-1)
    with pytest.raises(ValueError):
        generate_members("bdk-aceh", size=-1)


def test_default_catalogue_has_at_least_300_records_each_with_one_to_five_copies(first_units):
    for code, records in first_units.items():
        assert len(records) >= 300, code
        for record in records:
            assert 1 <= len(record.copies) <= 5
            assert all(isinstance(copy, NormalizedCopy) for copy in record.copies)
            assert all(copy.call_number == record.call_number for copy in record.copies)
            assert {copy.collection_type for copy in record.copies} <= {"Referensi", "Sirkulasi", "Tandon"}
            assert {copy.status for copy in record.copies} <= {"", "R", "MIS"}
            assert record.title and record.call_number and record.classification and record.language


def test_item_codes_are_unique_within_a_library():
    for code in ("bdk-aceh", "uin-jakarta", "kua-mlati"):
        items = [copy.item_code for record in catalogue(code, size=2500) for copy in record.copies]
        assert len(items) == len(set(items))
        assert all(re.fullmatch(r"[A-Z]{1,2}\d{5,6}", item) for item in items)


def test_every_isbn13_is_valid_and_both_written_forms_occur(first_units):
    seen = 0
    forms = set()
    for records in [*first_units.values(), catalogue("lpmq"), catalogue("uin-jakarta")]:
        for record in records:
            value = record.isbn_issn
            if not value:
                continue
            if ISSN.match(value):
                continue
            seen += 1
            assert is_valid_isbn13(value), value
            assert compact(value)[:6] in {"978979", "978602", "978623"} or record.language != "id", value
            forms.add("-" in value)
    assert seen > 1000
    assert forms == {True, False}


def test_isbn13_check_digit():
    assert isbn13_check_digit("978030640615") == "7"
    assert isbn13_check_digit("978-602-8519-93") == "9"
    with pytest.raises(ValueError):
        isbn13_check_digit("97860285199")


def test_shared_works_appear_in_several_libraries_with_the_same_isbn(first_units):
    holders: dict[str, set[str]] = defaultdict(set)
    titles: dict[str, set[str]] = defaultdict(set)
    for code, records in first_units.items():
        for record in records:
            if record.isbn_issn and not ISSN.match(record.isbn_issn):
                holders[compact(record.isbn_issn)].add(code)
                titles[compact(record.isbn_issn)].add(record.title)
    widely_held = [isbn for isbn, codes in holders.items() if len(codes) >= 4]
    assert len(widely_held) >= 20
    # one work, one ISBN -- but spelled the way each library spells it
    assert any(len(variants) > 1 for variants in titles.values())


def test_about_two_thirds_of_a_catalogue_come_from_the_shared_pool(first_units):
    pool_isbns = {compact(work.isbn) for work in shared_work_pool() if work.isbn}
    for code, records in first_units.items():
        shared = sum('"demo_work": "W' in r.raw_metadata for r in records)
        assert 0.6 <= shared / len(records) <= 0.7, code
        for record in records:
            if '"W' in record.raw_metadata and record.isbn_issn:
                assert compact(record.isbn_issn) in pool_isbns


def test_the_shared_pool_is_a_few_thousand_works_with_unique_isbns():
    pool = shared_work_pool()
    assert 2000 <= len(pool) <= 10000
    isbns = [work.isbn for work in pool if work.isbn]
    assert len(isbns) == len(set(isbns))
    assert shared_work_pool() == pool


def test_local_works_belong_to_the_unit_and_some_lack_an_isbn():
    kinds = {
        "bdk-aceh": ("Modul", "Balai Diklat Keagamaan Aceh"),
        "bla-semarang": ("Laporan Penelitian", "Balai Litbang Agama Semarang"),
        "uin-jakarta": ("Skripsi", "UIN Syarif Hidayatullah Jakarta"),
    }
    for code, (marker, organisation) in kinds.items():
        local = [r for r in catalogue(code) if '"demo_work": "L' in r.raw_metadata]
        assert len(local) >= 60
        assert any(marker in r.title or marker in r.notes for r in local), code
        assert any(r.publisher == organisation for r in local)
        assert any(not r.isbn_issn for r in local)


def test_shalat_is_spelled_differently_across_the_first_eight_units_but_consistently_within_one(first_units):
    spellings = set()
    for code, records in first_units.items():
        words = {
            match.lower()
            for record in records
            for text in (record.title, *record.subjects)
            for match in SHALAT.findall(text)
        }
        assert len(words) == 1, (code, words)
        assert words == {library_style(code).spelling("shalat").lower()}
        spellings |= words
    assert len(spellings) >= 2


def test_call_numbers_follow_class_author_title_and_the_library_scheme(first_units):
    for code, records in first_units.items():
        scheme = library_style(code).ddc_scheme
        for record in records:
            assert CALL_NUMBER.match(record.call_number), record.call_number
            assert record.call_number.split(" ")[0] == record.classification
            if scheme == "dewey":
                assert not record.classification.startswith("2X")
            if record.authors and record.language == "id":
                entry = re.sub(r"^(Al|An|Ar|As|Asy|Ash|At|Az|Ad)-", "", record.authors[0])
                letters = "".join(c for c in entry if c.isascii() and c.isalpha())[:3].upper()
                title_letter = next(c for c in record.title if c.isalnum()).lower()
                assert record.call_number.split(" ")[1:] == [letters, title_letter], record
    ghazali = next(
        r for rs in first_units.values() for r in rs if r.authors[:1] == ("Al-Ghazali, Abu Hamid",)
    )
    assert ghazali.call_number.split(" ")[1] == "GHA"


def test_arabic_and_english_titles_are_present():
    for code in ("bdk-aceh", "lpmq", "uin-jakarta"):
        arabic = [r for r in catalogue(code) if r.language == "ar" and r.material_type == "Text"]
        assert arabic, code
        assert all(ARABIC_SCRIPT.search(r.title) for r in arabic)
        assert all(r.authors and not ARABIC_SCRIPT.search(r.authors[0]) for r in arabic)
    assert any(r.language == "en" for r in catalogue("uin-jakarta"))


def test_material_types_and_hidden_records_look_like_slims():
    records = [r for code in ("lpmq", "puslitbang-lektur", "bla-makassar") for r in catalogue(code, size=800)]
    types = {r.material_type for r in records}
    assert {"Text", "Electronic Resource", "Manuscript"} <= types
    assert sum(r.material_type == "Text" for r in records) / len(records) > 0.8
    hidden = sum(r.opac_hide for r in records) / len(records)
    assert 0.002 <= hidden <= 0.03


def test_values_fit_the_catalogue_tables():
    from catalog.models import Record

    limits = {
        field.name: field.max_length
        for field in Record._meta.get_fields()
        if getattr(field, "max_length", None) and field.name in NormalizedRecord.__dataclass_fields__
    }
    assert "collation" in limits
    for code in ("bdk-aceh", "puslitbang-lektur", "uin-jakarta"):
        for record in catalogue(code, size=600):
            for name, limit in limits.items():
                assert len(getattr(record, name)) <= limit, (name, getattr(record, name))
            assert len(record.publisher) <= 255
            assert all(len(name) <= 255 for name in (*record.authors, *record.subjects))


def test_benchmark_codes_are_valid_unique_and_synthetic():
    codes = library_codes_for_benchmark(200)
    assert len(codes) == len(set(codes)) == 200
    assert all(CODE_PATTERN.match(code) and 2 <= len(code) <= 48 for code in codes)
    assert not any(code.startswith("pg") for code in codes)
    assert not set(codes) & set(FIRST_UNITS)
    assert library_codes_for_benchmark(200) == codes
    assert library_codes_for_benchmark(50) == codes[:50]
    assert {"madrasah", "kua"} <= {library_kind(code) for code in codes}
    assert len(library_codes_for_benchmark(2000)) == 2000


def test_profiles_name_real_units_and_derive_names_from_codes():
    assert library_profile("bdk-aceh").organisation == "Balai Diklat Keagamaan Aceh"
    assert library_profile("bdk-aceh").kind == "bdk"
    assert library_profile("mtsn2-magelang").kind == "madrasah"
    assert library_profile("man-1-kota-bogor").organisation == "MAN 1 Kota Bogor"
    assert library_profile("kua-mlati").organisation == "KUA Kecamatan Mlati"
    assert library_kind("TEST") == "other"
    assert len(catalogue("TEST", size=30)) == 30


def test_members():
    members = list(generate_members("bdk-aceh"))
    assert len(members) == 40
    assert members == list(generate_members("bdk-aceh"))
    assert all(set(m) == {"member_code", "name", "member_type", "email"} for m in members)
    assert len({m["member_code"] for m in members}) == 40
    assert len({m["email"] for m in members}) == 40
    assert {m["member_type"] for m in members} <= {"Pegawai", "Peserta Diklat", "Umum"}
    assert "Peserta Diklat" in {m["member_type"] for m in members}
    assert all(re.fullmatch(r"[a-z0-9.]+@[a-z.]+\.(example|com|net|org)", m["email"]) for m in members)
    assert all(
        m["email"].split("@")[1].endswith(("example", "example.com", "example.net", "example.org"))
        for m in members
    )
    assert list(generate_members("bdk-aceh", size=0)) == []
