"""search/selectors.py against the real Elasticsearch node and the fixed catalogue: collapse and holdings,
multi-select facet counts, sorting, deep paging, highlighting, suggestions, works and records."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context
from elasticsearch import helpers

from catalog.models import Loan, Member
from catalog.selectors import public_records
from catalog.services import upsert_record
from search.documents import union_alias
from search.es import get_client
from search.query.bodies import RESULT_WINDOW
from search.query.filters import Filters
from search.query.paging import InvalidCursor, SortOrder
from search.selectors import (
    PageTooDeep,
    SearchRequest,
    record_detail,
    search_works,
    suggest_completions,
    work_detail,
)
from search.union_document import LibraryHolding, build_union_document
from tests.factories import make_normalized_record
from tests.search.catalogue import (
    ACEH,
    CATALOGUE,
    DOCUMENTS,
    LIBRARIES,
    LPMQ,
    MAKASSAR,
    REF_OF_WORK_KEY,
    WORK_KEYS,
    WORKS,
    holdings_of,
    record_of,
)

pytestmark = pytest.mark.django_db


def _search(text: str = "", **kwargs):
    return search_works(SearchRequest(text=text, **kwargs))


def _refs(result) -> list[str]:
    return [REF_OF_WORK_KEY[hit.work_key] for hit in result.hits]


def _facet(result, param: str) -> dict[str, int]:
    group = next(group for group in result.facets if group.param == param)
    return {value.value: value.count for value in group.values}


# --- Collapse and holdings -----------------------------------------------------------------------------


def test_results_collapse_to_one_hit_per_work(catalogue):
    result = _search("moderasi beragama")

    assert _refs(result) == ["moderasi-beragama"]
    assert result.total_works == 1


def test_hit_carries_its_holdings_with_city_call_number_and_copies(catalogue):
    hit = _search("tuntunan shalat lengkap").hits[0]

    by_library = {holding.library_code: holding for holding in hit.holdings}
    assert set(by_library) == {ACEH, LPMQ, MAKASSAR}
    assert by_library[MAKASSAR].city == "Makassar"
    assert by_library[MAKASSAR].call_number == "2X4.21 RIF t"
    assert (by_library[MAKASSAR].copies_available, by_library[MAKASSAR].copies_total) == (0, 2)
    assert (by_library[ACEH].copies_available, by_library[ACEH].copies_total) == (2, 3)
    assert hit.library_count == 3 and hit.holdings_count == 3


def test_holdings_beyond_the_shown_ones_are_still_counted(catalogue):
    hit = _search("moderasi beragama").hits[0]

    assert len(hit.holdings) == 5  # HOLDINGS_PER_WORK
    assert hit.holdings_count == 7 and hit.library_count == 7


def test_holdings_with_copies_on_the_shelf_come_first(catalogue):
    hit = _search("tuntunan shalat lengkap").hits[0]

    assert [holding.copies_available for holding in hit.holdings] == [2, 1, 0]


def test_search_for_sholat_shows_works_spelled_shalat_and_salat_in_several_libraries(catalogue):
    result = _search("sholat")

    titles = {holding.title for hit in result.hits for holding in hit.holdings}
    libraries = {holding.library_code for hit in result.hits for holding in hit.holdings}
    assert any("Shalat" in title for title in titles) and any("Salat" in title for title in titles)
    assert len(libraries) >= 2


# --- Facets --------------------------------------------------------------------------------------------


def test_facet_counts_are_holdings_and_the_total_is_works(catalogue):
    result = _search("moderasi beragama")

    assert result.total_works == 1
    assert _facet(result, "perpustakaan") == dict.fromkeys(LIBRARIES, 1)
    assert _facet(result, "jenis")["bdk"] == 3  # three bdk libraries hold the one work


def test_selecting_a_province_filters_hits_but_keeps_other_provinces_counts(catalogue):
    unfiltered = _search("sholat")
    filtered = _search("sholat", filters=Filters({"provinsi": ("Banten",)}))

    assert _refs(filtered) == ["tuntunan-shalat"]
    assert _facet(filtered, "provinsi") == _facet(unfiltered, "provinsi")
    assert _facet(filtered, "provinsi")["Aceh"] == 2


def test_two_values_of_one_facet_are_ored(catalogue):
    result = _search("sholat", filters=Filters({"provinsi": ("Banten", "Jawa Timur")}))

    assert set(_refs(result)) == {"tuntunan-shalat", "sholat-khusyuk", "fikih-shalat-mazhab"}


def test_other_facets_count_only_the_selected_values(catalogue):
    result = _search("sholat", filters=Filters({"provinsi": ("Banten",)}))

    assert _facet(result, "perpustakaan") == {LPMQ: 1}
    assert _facet(result, "jenis") == {"lpmq": 1}


def test_facets_of_different_fields_are_anded(catalogue):
    result = _search("", filters=Filters({"provinsi": ("Aceh",), "jenis": ("madrasah",)}))

    assert result.hits == [] and result.total_works == 0
    assert _facet(result, "jenis")["bdk"] > 0  # the unit-kind facet still offers what Aceh has


def test_selected_value_outside_the_top_buckets_is_still_listed(catalogue):
    result = _search("sholat", filters=Filters({"subjek": ("Zakat",)}))

    subject = next(group for group in result.facets if group.param == "subjek")
    assert any(value.value == "Zakat" and value.selected and value.count == 0 for value in subject.values)


def test_library_facet_has_library_names_as_labels(catalogue):
    result = _search("moderasi")

    group = next(group for group in result.facets if group.param == "perpustakaan")
    assert {value.label for value in group.values} == {library.name for library in LIBRARIES.values()}


def test_year_facet_has_decades_and_bounds_under_other_filters(catalogue):
    result = _search("", filters=Filters({"provinsi": ("Banten",)}, year_from=2010, year_to=2014))

    banten = [entry for entry in CATALOGUE if LIBRARIES[entry.library_code].province == "Banten"]
    years = [int(entry.record.publish_year) for entry in banten]
    assert (result.years.minimum, result.years.maximum) == (min(years), max(years))  # ignores the year filter
    assert sum(count for _, count in result.years.decades) == len(banten)
    assert set(_refs(result)) == {
        entry.ref for entry in banten if 2010 <= int(entry.record.publish_year) <= 2014
    }
    assert result.total_works == len(result.hits) > 0


# --- Sorting -------------------------------------------------------------------------------------------


def test_sort_by_year_puts_newest_first(catalogue):
    years = [hit.year for hit in _search("fikih", order=SortOrder.YEAR).hits]

    assert years == sorted(years, reverse=True) and years[0] == 2019


def test_sort_by_oldest_year_puts_oldest_first(catalogue):
    years = [hit.year for hit in _search("fikih", order=SortOrder.YEAR_OLDEST).hits]

    assert years == sorted(years)


def test_sort_by_title_is_alphabetical_on_folded_titles(catalogue):
    result = _search("tasawuf", order=SortOrder.TITLE)

    sort_keys = [hit.sort_values[0] for hit in result.hits]
    assert sort_keys == sorted(sort_keys)


def test_empty_query_browses_newest_additions(catalogue):
    result = _search("")

    assert result.order == SortOrder.NEWEST
    assert _refs(result)[0] == CATALOGUE[-1].ref


# --- Paging --------------------------------------------------------------------------------------------


def _all_pages_by_cursor(text: str, order: SortOrder, per_page: int) -> list[str]:
    refs, token, first = [], "", True
    while first or token:
        result = _search(text, order=order, per_page=per_page, after=token)
        refs += _refs(result)
        token, first = result.next_cursor or "", False
        assert len(refs) <= 60
    return refs


@pytest.mark.parametrize("order", list(SortOrder))
def test_cursor_paging_gives_the_same_works_in_the_same_order_as_one_big_page(catalogue, order):
    one_page = _refs(_search("", order=order, per_page=100))

    assert _all_pages_by_cursor("", order, per_page=7) == one_page
    assert len(one_page) == 50


def test_cursor_paging_follows_relevance_order_of_a_query(catalogue):
    assert _all_pages_by_cursor("islam", SortOrder.RELEVANCE, per_page=2) == _refs(
        _search("islam", per_page=100)
    )


def test_numbered_page_then_cursor_continues_without_gaps_or_repeats(catalogue):
    page_one = _search("", order=SortOrder.TITLE, per_page=10)
    page_two = _search("", order=SortOrder.TITLE, per_page=10, after=page_one.next_cursor)
    numbered_two = _search("", order=SortOrder.TITLE, per_page=10, page=2)

    assert _refs(page_two) == _refs(numbered_two)


def test_cursor_from_another_search_is_refused(catalogue):
    token = _search("fikih", per_page=1).next_cursor

    with pytest.raises(InvalidCursor):
        _search("zakat", per_page=1, after=token)


def test_page_beyond_the_result_window_is_refused_with_a_message(catalogue):
    with pytest.raises(PageTooDeep, match="setelah"):
        _search("", per_page=100, page=RESULT_WINDOW // 100 + 1)


def test_last_page_has_no_next_cursor(catalogue):
    result = _search("", per_page=100)

    assert result.next_cursor is None and result.pages == 1


# --- Highlighting --------------------------------------------------------------------------------------


def test_variant_spelling_is_highlighted_in_the_display_title(catalogue):
    hit = _search("sholat", filters=Filters({"perpustakaan": (ACEH,)})).hits[0]

    assert "<mark>Sh" in str(hit.title_html)
    assert "Sholat" in str(hit.title_html) or "Shalat" in str(hit.title_html)


def test_stemmed_match_is_highlighted_and_html_is_escaped(catalogue):
    hit = _search("didik").hits[0]

    assert "<mark>Pendidikan</mark>" in str(hit.title_html)
    assert "<mark>" not in hit.title


def test_author_match_is_highlighted(catalogue):
    hit = _search("quraish shihab").hits[0]

    assert str(hit.authors_html[0]) == "M. <mark>Quraish</mark> <mark>Shihab</mark>"


# --- Did you mean and forgiving search -----------------------------------------------------------------


def test_misspelled_query_is_corrected_and_says_so(catalogue):
    result = _search("tafsir mishbha")

    assert result.corrected_from == "tafsir mishbha"
    assert "mishbah" in result.query
    assert _refs(result) == ["tafsir-mishbah"]


def test_query_with_few_hits_gets_a_did_you_mean(catalogue):
    result = _search("bulughul marom")

    assert result.total_works > 0 or result.corrected_from
    assert result.did_you_mean == "bulughul maram" or "maram" in result.query


def test_query_with_enough_hits_gets_no_did_you_mean(catalogue):
    assert _search("fikih").did_you_mean is None


def test_relaxed_search_lets_one_word_miss_when_nothing_matches_all(catalogue):
    result = _search("fiqh zakat")

    assert result.relaxed and "hukum-zakat" in _refs(result)[:3]


# --- Suggestions ---------------------------------------------------------------------------------------


def test_autocomplete_completes_titles(catalogue):
    texts = [suggestion.text for suggestion in suggest_completions("tafsir al")]

    assert any(text.startswith("Tafsir Al-Mishbah") for text in texts)
    assert any(text.lower().startswith("tafsir al-azhar") for text in texts)


def test_autocomplete_completes_a_word_inside_a_title(catalogue):
    works = {suggestion.work_key for suggestion in suggest_completions("khusyu")}

    assert WORK_KEYS["sholat-khusyuk"] in works


def test_autocomplete_offers_authors_by_any_part_of_the_name(catalogue):
    suggestions = suggest_completions("quraish")

    assert ("M. Quraish Shihab", "pengarang") in {(s.text, s.kind) for s in suggestions}


def test_autocomplete_knows_variant_spellings_once_a_word_is_complete(catalogue):
    works = {suggestion.work_key for suggestion in suggest_completions("solat kh")}  # no title says "solat"

    assert WORK_KEYS["sholat-khusyuk"] in works


def test_autocomplete_gives_one_title_per_work(catalogue):
    suggestions = [s for s in suggest_completions("tafsir al-azhar") if s.kind == "judul"]

    assert len({s.work_key for s in suggestions}) == len(suggestions)


def test_autocomplete_tolerates_one_typo(catalogue):
    works = {suggestion.work_key for suggestion in suggest_completions("moderasu")}

    assert WORK_KEYS["moderasi-beragama"] in works


def test_autocomplete_of_nothing_is_empty(catalogue):
    assert suggest_completions("   ") == []


# --- Works and records ---------------------------------------------------------------------------------


def test_work_detail_lists_every_holding(catalogue):
    work = work_detail(WORK_KEYS["moderasi-beragama"])

    assert {holding.library_code for holding in work.holdings} == set(LIBRARIES)
    assert work.library_count == 7
    assert work.copies_total == sum(len(entry.record.copies) for entry in holdings_of("moderasi-beragama"))


def test_work_detail_of_unknown_work_is_none(catalogue):
    assert work_detail("fp:0000") is None


def test_record_detail_of_a_library_known_only_to_the_index_uses_indexed_availability(catalogue):
    entry = record_of("tuntunan-shalat", MAKASSAR)

    record = record_detail(MAKASSAR, entry.record_id)

    assert record.source["title"] == "Tuntunan Salat Lengkap"
    assert (record.copies_available, record.copies_total) == (0, 2)
    assert not record.availability_is_live


def test_record_detail_reads_live_availability_from_the_library_schema(catalogue, library_a):
    with tenant_context(library_a):
        stored = upsert_record(normalized=make_normalized_record(title="Risalah Tuntunan Shalat Uji")).record
        record = public_records().get(pk=stored.pk)
        document = build_union_document(
            library=LibraryHolding.of(library_a), record=record, copies_total=2, copies_available=2
        )
        member = Member.objects.create(member_code="M-1", name="Pemustaka Uji")
        Loan.objects.create(
            item=record.items.first(), member=member, loan_date="2026-01-05", due_date="2026-01-12"
        )
    client = get_client()
    helpers.bulk(client, [{"_index": union_alias(), **document}], refresh="wait_for")
    try:
        detail = record_detail(library_a.code, stored.pk)
    finally:
        client.delete(index=union_alias(), id=document["_id"], refresh="wait_for")

    assert detail.availability_is_live
    assert (detail.copies_available, detail.copies_total) == (1, 2)  # the index still says 2 of 2


def test_record_detail_of_unknown_record_is_none(catalogue):
    assert record_detail(ACEH, 1) is None


def test_catalogue_documents_are_all_in_the_index(catalogue):
    count = get_client().count(index=union_alias())["count"]

    assert count == len(DOCUMENTS) == len(CATALOGUE)
    assert len(WORKS) == 50
