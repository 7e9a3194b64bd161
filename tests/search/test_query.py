"""search/query/ (syntax, builder, paging, bodies): parsing (unit) and the built queries run against the real
Elasticsearch node over the fixed catalogue (tests/search/catalogue.py)."""

from __future__ import annotations

import random

import pytest

from search.documents import union_alias
from search.es import get_client
from search.query.bodies import build_page
from search.query.builder import build_query
from search.query.filters import Filters
from search.query.paging import Cursor, InvalidCursor, SortOrder, decode_cursor, encode_cursor, sort_spec
from search.query.syntax import (
    And,
    CallNumber,
    Field,
    Isbn,
    Not,
    Or,
    Phrase,
    Words,
    Year,
    YearRange,
    parse_query,
    parse_year_range,
)
from tests.search.catalogue import REF_OF_WORK_KEY

# --- Parsing -------------------------------------------------------------------------------------------


def test_plain_words_become_one_words_clause():
    assert parse_query("tuntunan shalat lengkap").root == Words("tuntunan shalat lengkap")


def test_quoted_text_is_a_phrase():
    assert parse_query('"tafsir al-mishbah"').root == Phrase("tafsir al-mishbah")


def test_unbalanced_quote_runs_to_the_end():
    assert parse_query('fikih "sunnah jilid').root == And((Words("fikih"), Phrase("sunnah jilid")))


def test_or_joins_alternatives_and_binds_looser_than_and():
    parsed = parse_query("zakat wakaf OR sedekah")

    assert parsed.root == Or((Words("zakat wakaf"), Words("sedekah")))


def test_indonesian_operators_work_like_english_ones():
    assert parse_query("zakat ATAU wakaf").root == parse_query("zakat OR wakaf").root
    assert parse_query("tafsir BUKAN azhar").root == parse_query("tafsir NOT azhar").root


def test_lowercase_and_or_are_ordinary_words():
    assert parse_query("islam and democracy").root == Words("islam and democracy")


def test_minus_and_not_exclude():
    expected = And((Words("tafsir"), Not(Words("azhar"))))

    assert parse_query("tafsir -azhar").root == expected
    assert parse_query("tafsir NOT azhar").root == expected


def test_hyphen_inside_a_word_is_not_a_negation():
    assert parse_query("Al-Qur'an buku-buku").root == Words("Al-Qur'an buku-buku")


def test_lone_operators_are_dropped():
    assert parse_query("OR AND NOT -").root is None
    assert parse_query("salat OR").root == Words("salat")
    assert parse_query("NOT").root is None


def test_parentheses_group_and_unbalanced_ones_close_at_the_end():
    assert parse_query("(zakat OR wakaf) produktif").root == And(
        (Or((Words("zakat"), Words("wakaf"))), Words("produktif"))
    )
    assert parse_query("((zakat").root == Words("zakat")
    assert parse_query("zakat))").root == Words("zakat")


def test_fielded_terms_map_indonesian_field_names():
    parsed = parse_query('judul:tafsir pengarang:"quraish shihab" subjek:akhlak penerbit:mizan')

    assert parsed.root == And(
        (
            Words("tafsir", Field.TITLE),
            Words("quraish shihab", Field.AUTHOR),
            Words("akhlak", Field.SUBJECT),
            Words("mizan", Field.PUBLISHER),
        )
    )


def test_quoted_title_field_is_a_title_phrase():
    assert parse_query('judul:"tuntunan shalat"').root == Phrase("tuntunan shalat", Field.TITLE)


def test_year_field_takes_a_year_or_a_range():
    assert parse_query("tahun:2019").root == YearRange(2019, 2019)
    assert parse_query("tahun:2010-2020").root == YearRange(2010, 2020)
    assert parse_year_range("2020..2010") == YearRange(2010, 2020)
    assert parse_year_range("2010-") == YearRange(2010, None)


def test_unreadable_year_is_dropped_with_a_warning():
    parsed = parse_query("fikih tahun:kemarin")

    assert parsed.root == Words("fikih")
    assert parsed.warnings and "tahun" in parsed.warnings[0]


def test_bare_year_among_words_is_a_year_clause():
    assert parse_query("moderasi 2019").root == And((Words("moderasi"), Year(2019)))


@pytest.mark.parametrize(
    "typed",
    [
        "978-602-8519-93-9",
        "9786028519939",
        "6028519936",
        "602-8519-93-6",
        "ISBN 978-602-8519-93-9",
        "978 602 8519 93 9",
    ],
)
def test_isbn_typed_any_way_parses_to_the_same_forms(typed):
    assert parse_query(typed).root == Isbn(parse_query(typed).root.text, ("9786028519939", "6028519936"))


def test_isbn_field_with_an_invalid_value_keeps_the_text_without_forms():
    assert parse_query("isbn:12345").root == Isbn("12345", ())


def test_call_number_with_cutter_is_read_whole():
    assert parse_query("2X4.1 SUL f").root == CallNumber("2X4.1 SUL f", "2X4.1", has_cutter=True)


def test_class_number_alone_is_a_call_number_clause():
    assert parse_query("297.4").root == CallNumber("297.4", "297.4", has_cutter=False)


def test_arabic_query_is_kept():
    assert parse_query("التَّفْسِيرُ الميسر").root == Words("التَّفْسِيرُ الميسر")


def test_control_characters_become_spaces():
    assert parse_query("sho\x00lat\u200b fikih\x1b").root == Words("sho lat fikih")


def test_very_long_input_is_cut_and_clause_count_is_capped():
    parsed = parse_query(" OR ".join(f"kata{n}" for n in range(500)))

    assert len(parsed.text) <= 500
    assert isinstance(parsed.root, Or) and len(parsed.root.nodes) <= 32


def test_many_clauses_bring_a_warning():
    parsed = parse_query(" ".join(f'"frasa {n}"' for n in range(40)))

    assert any("32" in warning for warning in parsed.warnings)


def test_deep_parentheses_do_not_recurse_without_limit():
    parsed = parse_query("(" * 300 + "zakat" + ")" * 300)

    assert parsed.root is None or isinstance(parsed.root, Words | And | Or)


def test_punctuation_only_query_is_empty():
    assert parse_query("!!! ??? ... ---").is_empty


def test_parser_never_raises_on_random_input():
    alphabet = 'ab "():-!+OR AND NOT judul: tahun: 2X4.1 978-0 ال ـَ \x00\u200f“”«»&|'
    generator = random.Random(5)
    for _ in range(2000):
        text = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 80)))
        parsed = parse_query(text)
        build_query(parsed).to_dict()


def test_positive_text_leaves_out_excluded_words():
    assert parse_query("tafsir -azhar judul:mishbah").positive_text == "tafsir mishbah"


# --- Cursors -------------------------------------------------------------------------------------------


def test_cursor_round_trips():
    cursor = Cursor(SortOrder.YEAR, (2019, 1.5, "isbn:1", "uji-aceh", 9001), "abc", mode="c", corrected="x")

    assert decode_cursor(encode_cursor(cursor)) == cursor


@pytest.mark.parametrize("token", ["", "!!!", "e30", "eyJvIjoieCJ9", "a" * 5000, "éé", "W10"])
def test_malformed_cursor_is_refused(token):
    with pytest.raises(InvalidCursor):
        decode_cursor(token)


def test_cursor_with_wrong_number_of_sort_values_is_refused():
    token = encode_cursor(Cursor(SortOrder.RELEVANCE, (1.0,), "abc"))

    with pytest.raises(InvalidCursor):
        decode_cursor(token)


# --- Against the node ----------------------------------------------------------------------------------


def _top_refs(text: str, *, filters: Filters | None = None, size: int = 10) -> list[str]:
    parsed = parse_query(text)
    body = build_page(parsed, filters or Filters(), SortOrder.RELEVANCE, offset=0, size=size, facets=False)
    hits = get_client().search(index=union_alias(), body=body)["hits"]["hits"]
    return [REF_OF_WORK_KEY[hit["_source"]["work_key"]] for hit in hits]


def test_every_spelling_of_salat_finds_the_same_works(catalogue):
    results = {spelling: set(_top_refs(spelling)) for spelling in ("shalat", "sholat", "salat", "solat")}

    assert len({frozenset(found) for found in results.values()}) == 1
    assert {"tuntunan-shalat", "pedoman-salat-berjamaah", "sholat-khusyuk"} <= results["sholat"]


def test_exact_title_ranks_before_titles_that_only_contain_the_words(catalogue):
    assert _top_refs("akhlak tasawuf")[0] == "akhlak-tasawuf"
    assert _top_refs("Tasawuf Modern")[0] == "tasawuf-modern"


def test_phrase_finds_words_in_order_only(catalogue):
    assert _top_refs('"sejarah peradaban islam"') == ["sejarah-peradaban"]
    assert _top_refs('"islam peradaban"') == []


def test_isbn_10_and_13_with_and_without_hyphens_find_the_work(catalogue):
    for typed in ("979-3686-12-X", "979368612x", "9789793686127", "978-979-3686-12-7"):
        assert _top_refs(typed) == ["fikih-shalat-mazhab"], typed


def test_author_field_does_not_match_titles(catalogue):
    assert set(_top_refs("pengarang:tafsir")) == {"pai-perguruan-tinggi"}  # Ahmad Tafsir
    assert "pai-perguruan-tinggi" not in _top_refs("judul:tafsir")


def test_not_excludes_matching_works(catalogue):
    found = _top_refs("tafsir NOT mishbah")

    assert "tafsir-azhar" in found and "tafsir-mishbah" not in found


def test_year_range_filters_publication_year(catalogue):
    found = _top_refs("fikih tahun:2015-2020")

    assert found == ["fiqih-islam"]  # 2019; Fiqih Sunnah (2006) and the others are older


def test_call_number_prefix_is_case_insensitive(catalogue):
    assert _top_refs("2x4.1 sul f")[0] == "fiqih-islam"


def test_arabic_with_and_without_harakat_finds_the_same_work(catalogue):
    assert _top_refs("صَحِيحُ البُخَارِيِّ") == _top_refs("صحيح البخاري") == ["sahih-bukhari-ar"]


def test_empty_query_matches_everything(catalogue):
    assert len(_top_refs("", size=100)) == 50


def test_sort_spec_ends_with_a_total_tiebreak():
    for order in SortOrder:
        assert sort_spec(order)[-3:] == [{"work_key": "asc"}, {"library_code": "asc"}, {"record_id": "asc"}]
