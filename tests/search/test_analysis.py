import time

import pytest

from search.analysis import (
    analyze,
    canonical_variant,
    fold_diacritics,
    fold_only,
    highlight_segments,
    is_valid_isbn10,
    is_valid_isbn13,
    isbn10_to_13,
    isbn13_to_10,
    isbn_forms,
    load_variants,
    modern_spelling,
    normalize_arabic,
    normalize_for_index,
    normalize_for_query,
    parse_variants,
    stem,
    variant_data,
)

# --- spelling variants --------------------------------------------------------------------------------

EQUIVALENT_SPELLINGS = [
    ("shalat", "sholat", "salat", "solat"),
    ("fiqih", "fikih", "fiqh", "fikh"),
    ("hadis", "hadits", "hadith", "hadist"),
    (
        "Al-Qur'an",
        "Alquran",
        "Al Quran",
        "Quran",
        "Qur'an",
        "al-qur’an",
        "Al-Qurʾān",
        "AL-QUR'AN",
        "Alqur'an",
    ),
    ("do'a", "doa", "du'a", "du’a"),
    ("zakat", "zakah"),
    ("ushul", "usul"),
    ("tafsir", "tafseer"),
    ("akhlak", "akhlaq", "ahlak"),
    ("syariah", "syariat", "shariah", "sharia", "syari'ah", "syari'at", "shariʿa"),
    ("sunnah", "sunah"),
    ("aqidah", "akidah", "aqida"),
    ("ibadah", "ibadat"),
    ("muamalah", "muamalat", "mu'amalah"),
    ("tasawuf", "tasawwuf"),
    ("shahih", "sahih", "ṣaḥīḥ"),
    ("sholeh", "saleh", "shaleh", "soleh"),
    ("wudhu", "wudu"),
    ("dzikir", "zikir", "dhikr"),
    ("ramadhan", "ramadan"),
    ("jum'at", "jumat"),
    ("shiyam", "siyam"),
    ("mushaf", "mushhaf"),
    ("hajji", "haji"),
    ("madzhab", "mazhab", "madhab"),
    ("ulama", "ulema"),
    ("taqwa", "takwa"),
    ("qiraat", "qiraah", "qira'at"),
    ("ushuluddin", "usuluddin"),
    ("tajwid", "tajweed"),
    ("sirah", "siroh"),
    ("hijriyah", "hijriah"),
    ("Muhammad", "Mohammad", "Muhamad", "Mohammed"),
    ("Imam al-Ghazali", "Imam Alghazali", "Imam Al Ghazali", "Imam Ghozali"),
    ("Asy-Syafi'i", "Syafi'i", "as-Syafii", "Shafiʿi"),
    ("Ibn Katsir", "Ibnu Katsir", "Ibn Kathir"),
]


@pytest.mark.parametrize("spellings", EQUIVALENT_SPELLINGS, ids=lambda group: group[0])
def test_equivalent_spellings_analyze_to_the_same_tokens(spellings):
    results = {tuple(analyze(s)) for s in spellings}
    assert len(results) == 1, results


def test_sholat_and_salat_share_canonical_token():
    assert canonical_variant("sholat") == canonical_variant("salat") == "salat"


def test_all_quran_spellings_become_the_single_token_quran():
    for spelling in ("Al-Qur'an", "Alquran", "Al Quran", "Quran", "Qur'an", "al-qur’an"):
        assert analyze(spelling) == ["quran"]


def test_canonical_variant_ignores_case_and_diacritics():
    assert canonical_variant("SHOLAT") == canonical_variant("Ṣalāt") == "salat"


def test_canonical_variant_returns_an_unknown_token_folded():
    assert canonical_variant("Buku") == "buku"
    assert canonical_variant("Kitāb") == "kitab"


def test_variant_data_holds_at_least_sixty_groups():
    assert len(variant_data().groups) >= 60


@pytest.mark.parametrize("canonical", sorted(variant_data().groups))
def test_canonical_token_analyzes_to_itself(canonical):
    assert analyze(canonical) == [canonical]
    assert fold_only(canonical) == canonical


@pytest.mark.parametrize("canonical", sorted(variant_data().groups))
def test_every_listed_spelling_analyzes_to_its_canonical_token(canonical):
    spellings = [s for s, c in variant_data().lookup.items() if c == canonical]
    assert {s: analyze(s) for s in spellings} == {s: [canonical] for s in spellings}


def test_koran_meaning_newspaper_is_not_mapped_to_quran():
    assert analyze("Koran Tempo") == ["koran", "tempo"]


def test_dua_meaning_two_stays_but_dua_with_apostrophe_means_prayer():
    assert analyze("jilid dua") == ["jilid", "dua"]
    assert analyze("kumpulan du'a") == analyze("kumpulan doa")


def test_no_homograph_is_listed_as_a_variant_spelling():
    data = variant_data()
    assert data.homographs
    assert not data.homographs & set(data.lookup)


def test_affixed_forms_of_variant_spellings_reduce_to_the_canonical_token():
    assert analyze("bershalawat") == analyze("selawat")
    assert analyze("kesholehan") == analyze("kesalehan") == ["saleh"]
    assert analyze("berdzikir") == ["zikir"]
    assert analyze("ketaqwaan") == analyze("ketakwaan") == ["takwa"]


def test_spelling_in_two_groups_is_rejected():
    with pytest.raises(ValueError, match="both"):
        parse_variants({"groups": {"salat": ["sholat"], "selawat": ["sholat"]}})


def test_variant_that_is_a_homograph_is_rejected():
    with pytest.raises(ValueError, match="homograph"):
        parse_variants({"groups": {"quran": ["koran"]}, "homographs": ["koran"]})


def test_apostrophe_spelling_does_not_bring_in_its_homograph():
    data = parse_variants({"groups": {"doa": ["du'a"]}, "homographs": ["dua"]})
    assert data.lookup["du'a"] == "doa"
    assert "dua" not in data.lookup


def test_spelling_that_is_not_one_token_is_rejected():
    with pytest.raises(ValueError, match="single token"):
        parse_variants({"groups": {"ushuluddin": ["ushul-uddin"]}})


def test_duplicate_group_in_yaml_is_rejected(tmp_path):
    path = tmp_path / "variants.yaml"
    path.write_text("groups:\n  salat: [sholat]\n  salat: [shalat]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate key 'salat'"):
        load_variants(path)


# --- diacritics ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ṣaḥīḥ", "sahih"),
        ("Qur'an", "quran"),
        ("do'a", "doa"),
        ("Qurʾān", "quran"),
        ("ʿAlī", "ali"),
        ("ā ī ū ḥ ṣ ḍ ṭ ẓ ḳ ż", "a i u h s d t z k z"),
        ("Shāfiʿī", "shafii"),
        ("jum`at", "jumat"),
        ("Juz 30", "juz 30"),
        ("Al-Qur'an", "al-quran"),
        ("Istanbuł Sığ", "istanbul sig"),
    ],
)
def test_fold_diacritics_strips_marks_and_apostrophes(text, expected):
    assert fold_diacritics(text) == expected


def test_transliterated_title_matches_plain_spelling():
    assert analyze("Ṣaḥīḥ al-Bukhārī") == analyze("Sahih Bukhari") == ["sahih", "bukhari"]


def test_transliteration_marks_do_not_split_words():
    assert analyze("Iḥyāʾ ʿUlūm al-Dīn") == ["ihya", "ulum", "din"]


# --- Arabic script ------------------------------------------------------------------------------------


def test_taa_marbuta_and_harakat_normalize_equal():
    assert normalize_arabic("الصلاة") == normalize_arabic("الصلاه") == normalize_arabic("الصَّلَاة")


def test_hamza_alef_forms_normalize_to_bare_alef():
    assert normalize_arabic("إسلام") == normalize_arabic("اسلام") == normalize_arabic("أسلام")
    assert normalize_arabic("آمن") == normalize_arabic("امن")
    assert normalize_arabic("ٱلرحمن") == normalize_arabic("الرحمن")


def test_alef_maqsura_becomes_yaa():
    assert normalize_arabic("مصطفى") == normalize_arabic("مصطفي")


def test_tatweel_is_removed():
    assert normalize_arabic("صـــلاة") == normalize_arabic("صلاة")


def test_arabic_indic_digits_become_ascii():
    assert normalize_arabic("١٤٣٥ ۱۲") == "1435 12"


def test_article_is_kept_unless_asked_for():
    assert normalize_arabic("الصلاة").startswith("ال")
    assert normalize_arabic("الصلاة", strip_article=True) == normalize_arabic("صلاة")


def test_analyze_drops_the_arabic_article():
    assert analyze("الصلاة") == analyze("صلاة")
    assert analyze("صحيح البخاري") == analyze("صحيح بخاري")


def test_allah_keeps_its_letters():
    assert analyze("الله") == ["الله"]
    assert analyze("اللهم") == ["اللهم"]


def test_hamza_alef_at_word_start_is_not_taken_for_the_article():
    assert analyze("إلهام") == ["الهام"]


def test_presentation_forms_normalize_like_plain_letters():
    assert analyze("\ufefb") == analyze("لا")


def test_mixed_script_title_keeps_both_scripts():
    assert analyze("Tafsir الجلالين 1435") == ["tafsir", "جلالين", "1435"]


def test_arabic_digits_are_searchable_as_ascii():
    assert analyze("سنة ١٤٣٥") == analyze("سنة 1435")


# --- stemming -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "root"),
    [
        ("pendidikan", "didik"),
        ("pembelajaran", "ajar"),
        ("keagamaan", "agama"),
        ("kerukunan", "rukun"),
        ("perkawinan", "kawin"),
    ],
)
def test_affixed_word_stems_to_its_root(word, root):
    assert stem(word) == root


def test_query_belajar_matches_document_pembelajaran():
    assert analyze("belajar") == analyze("pembelajaran")


def test_query_agama_matches_document_keagamaan():
    assert analyze("agama") == analyze("keagamaan")


def test_protected_words_are_not_stemmed():
    for word in ("salafi", "arabi", "banjari", "muhammad", "bukhari"):
        assert stem(word) == word


def test_variant_spellings_are_not_stemmed():
    assert stem("mawaris") == "mawaris"
    assert analyze("mawaris") == ["mawaris"]


def test_tokens_with_digits_are_not_stemmed():
    assert stem("abad21") == "abad21"
    assert stem("2019") == "2019"


def test_three_letter_tokens_are_returned_unchanged():
    assert stem("tas") == "tas"


def test_stem_override_fixes_a_sastrawi_miss():
    assert stem("perbankan") == "bank"
    assert analyze("perbankan syariah") == ["bank", "syariah"]


def test_stem_is_cached():
    stem("kepemimpinan")
    before = stem.cache_info().hits
    stem("kepemimpinan")
    assert stem.cache_info().hits == before + 1


# --- names --------------------------------------------------------------------------------------------


def test_muhammad_quraish_shihab_stays_recognizable():
    assert analyze("Muhammad Quraish Shihab") == ["muhammad", "quraish", "shihab"]


def test_abdurrahman_wahid_stays_recognizable():
    assert analyze("Abdurrahman Wahid") == ["abdurrahman", "wahid"]


def test_initial_and_punctuation_around_a_name_do_not_matter():
    assert analyze("M. Quraish Shihab,") == ["m", "quraish", "shihab"]


# --- articles and hyphens -----------------------------------------------------------------------------


def test_assimilated_articles_are_dropped():
    assert analyze("an-Nawawi") == ["nawawi"]
    assert analyze("ar-Rahman") == ["rahman"]
    assert analyze("ash-Shiddieqy") == ["shiddieqy"]


def test_hyphen_that_is_not_an_article_separates_words():
    assert analyze("ad-hoc") == ["ad", "hoc"]
    assert analyze("buku-buku") == ["buku", "buku"]


def test_lone_al_at_the_end_is_kept():
    assert analyze("al") == ["al"]


def test_glued_al_on_an_ordinary_word_is_kept():
    assert analyze("alamat") == ["alamat"]


# --- index/query forms --------------------------------------------------------------------------------


def test_normalize_for_index_joins_analyzed_tokens():
    assert normalize_for_index("Pendidikan Al-Qur'an") == "didik quran"


def test_query_and_index_use_one_pipeline():
    assert normalize_for_query is normalize_for_index


def test_fold_only_canonicalizes_without_stemming():
    assert fold_only("Pendidikan Al-Qur'an dan Sholat") == "pendidikan quran dan salat"


# --- robustness ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "!!!", "-- ... --", "'''", "ـــ", "\u0301"])
def test_input_without_words_gives_no_tokens(text):
    assert analyze(text) == []
    assert normalize_for_index(text) == ""
    assert fold_only(text) == ""


def test_very_long_input_is_analyzed_quickly():
    text = "Pendidikan Agama Islam di Madrasah: Al-Qur'an, Hadits dan Fiqih. " * 5000
    start = time.perf_counter()
    tokens = analyze(text)
    assert time.perf_counter() - start < 5
    assert len(tokens) == 5000 * 9
    assert tokens[:9] == ["didik", "agama", "islam", "di", "madrasah", "quran", "hadis", "dan", "fikih"]


# --- ISBN ---------------------------------------------------------------------------------------------


def test_isbn13_with_and_without_hyphens_is_the_same():
    assert isbn_forms("978-602-8519-93-9") == isbn_forms("9786028519939") == ["9786028519939", "6028519936"]


def test_indonesian_isbn10_with_x_check_digit_converts_to_isbn13():
    assert isbn_forms("979-306-286-X") == ["9789793062860", "979306286X"]
    assert isbn_forms("979306286x") == ["9789793062860", "979306286X"]


def test_reference_isbn10_converts_to_reference_isbn13():
    assert isbn_forms("0-306-40615-2") == ["9780306406157", "0306406152"]
    assert isbn_forms("978-0-306-40615-7") == ["9780306406157", "0306406152"]


def test_isbn_prefix_and_qualifier_are_ignored():
    assert isbn_forms("ISBN 978-602-8519-93-9 (pbk.)") == ["9786028519939", "6028519936"]
    assert isbn_forms("ISBN-13: 9786028519939") == ["9786028519939", "6028519936"]


def test_isbn13_with_979_prefix_has_no_isbn10():
    assert isbn_forms("979-10-90636-07-1") == ["9791090636071"]


@pytest.mark.parametrize(
    "text", ["978-602-8519-93-8", "979-306-286-5", "sejarah islam", "12345", "", "2019 2020 2021"]
)
def test_text_that_is_not_a_valid_isbn_gives_no_forms(text):
    assert isbn_forms(text) == []


def test_isbn_helpers_validate_check_digits():
    assert is_valid_isbn13("9786028519939")
    assert not is_valid_isbn13("9786028519938")
    assert is_valid_isbn10("080442957X")
    assert not is_valid_isbn10("0804429570")
    assert isbn10_to_13("0-8044-2957-X") == "9780804429573"
    assert isbn10_to_13("0804429570") is None
    assert isbn13_to_10("9780804429573") == "080442957X"
    assert isbn13_to_10("9791090636071") is None


# --- Pre-1972 spelling ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "modern"),
    [("Sulaiman Rasjid", "Sulaiman Rasyid"), ("Zakiah Daradjat", "Zakiah Darajat"), ("Soekarno", "Sukarno")],
)
def test_old_spelling_analyzes_like_the_modern_one(old, modern):
    assert analyze(old) == analyze(modern)


def test_old_spelling_listed_as_a_variant_still_maps_to_its_group():
    assert analyze("Hasjim Moehammad") == ["hasyim", "muhammad"]


def test_arabic_script_is_left_to_arabic_normalization():
    assert modern_spelling("دجاج") == "دجاج"


# --- Highlighting -----------------------------------------------------------------------------------------


def test_highlight_marks_a_variant_spelling_in_the_display_text():
    terms = frozenset(analyze("sholat"))

    assert highlight_segments("Tuntunan Shalat Lengkap", terms) == [
        ("Tuntunan ", False),
        ("Shalat", True),
        (" Lengkap", False),
    ]


def test_highlight_marks_an_arabic_word_with_harakat():
    segments = highlight_segments("التَّفْسِيرُ الميسر", frozenset(analyze("تفسير")))

    assert segments[0] == ("التَّفْسِيرُ", True)
