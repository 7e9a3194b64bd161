"""Indonesian-aware text analysis, applied identically when indexing and when querying.

The Elasticsearch node has no analysis-common module (no asciifolding, synonym or stemmer filters), so
the index stores text this module has already normalized and searches it with the built-in
``whitespace`` analyzer. Pipeline, per text: Arabic script normalization, case and diacritic folding,
article removal, tokenization, then per token: spelling-variant canonicalization and Indonesian stemming.

Token conventions:

* Tokens are runs of letters and digits (Latin, Arabic or any other script); everything else separates
  them, hyphens included ("buku-buku" -> "buku" "buku"). The apostrophe family (' ’ ‘ ` ´ ʿ ʾ ʼ ʻ) never
  splits a word and is dropped from it: "Qur'an" -> "quran", "Jum'at" -> "jumat".
* The Arabic article is dropped: "al-"/"el-" and the assimilated forms ("asy-Syafi'i", "an-Nawawi",
  "ash-Shiddieqy") before a hyphen, a free-standing "al"/"el" followed by another word ("Al Quran"), and
  "al" glued to a listed variant spelling or protected word ("Alquran", "Alghazali"). So "Al-Qur'an",
  "al-qur’an", "Al Quran", "Alquran", "Qur'an" and "Quran" all become the single token "quran".
* Spelling variants map to one canonical token from ``search/data/variants.yaml`` ("sholat" -> "salat").
* Arabic script: the article ال is stripped when at least three letters follow (so الله is kept).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml

VARIANTS_PATH = Path(__file__).resolve().parent / "data" / "variants.yaml"

_MIN_STEM_LENGTH = 4
_MIN_AL_REMAINDER = 4

# --- Arabic script ------------------------------------------------------------------------------------

_ARABIC_CHAR_MAP = str.maketrans(
    {
        "\u0622": "\u0627",  # آ alef with madda
        "\u0623": "\u0627",  # أ alef with hamza above
        "\u0625": "\u0627",  # إ alef with hamza below
        "\u0671": "\u0627",  # ٱ alef wasla
        "\u0672": "\u0627",
        "\u0673": "\u0627",
        "\u0649": "\u064a",  # ى alef maqsura -> ي
        "\u06cc": "\u064a",  # ی farsi yeh
        "\u0626": "\u064a",  # ئ yeh with hamza
        "\u0624": "\u0648",  # ؤ waw with hamza
        "\u0629": "\u0647",  # ة taa marbuta -> ه
        "\u06c3": "\u0647",
        "\u06a9": "\u0643",  # ک keheh -> ك
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # extended (Persian) digits
    }
)
# Harakat, superscript alef, tatweel and Quranic annotation marks.
_ARABIC_MARKS_RE = re.compile("[\u064b-\u065f\u0670\u0640\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")
_ARABIC_PRESENTATION_RE = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")
_ARABIC_RE = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
# The article is recognised before alef forms are folded: إلهام (ilham) starts with hamza-alef, not with
# the article, and must not lose "ال". Words of the Allah family (الله, اللهم) keep theirs.
_ARABIC_ARTICLE_RE = re.compile(r"(?<!\w)[\u0627\u0671]\u0644(?!\u0644\u0647)(?=[^\W\d_]{3})")


def normalize_arabic(text: str, *, strip_article: bool = False) -> str:
    """Normalize Arabic script: letter forms, marks, digits; optionally drop the article ال.

    Hamza carriers are folded too (ؤ -> و, ئ -> ي), since catalogue data writes them inconsistently.
    ``strip_article`` removes a word-initial ال followed by at least three letters; it is off by default
    because it is a per-word decision, and ``analyze`` turns it on. Clitic forms (وال, بال) are left
    alone: stripping them would turn والدين (parents) into دين (religion).
    """
    if _ARABIC_PRESENTATION_RE.search(text):
        text = unicodedata.normalize("NFKC", text)
    text = _ARABIC_MARKS_RE.sub("", text)
    if strip_article:
        text = _ARABIC_ARTICLE_RE.sub("", text)
    return text.translate(_ARABIC_CHAR_MAP)


# --- Folding ------------------------------------------------------------------------------------------

_APOSTROPHES = "'`´‘’‛′ʹʻʼʽʾʿˈ"


def _build_fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {
        cp: None
        for cp in range(0x10000)
        if unicodedata.category(chr(cp)) in ("Mn", "Me") and not 0xD800 <= cp <= 0xDFFF
    }
    table.update({ord(c): "'" for c in _APOSTROPHES})
    # Letters NFKD does not decompose.
    extra = {"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ŧ": "t", "þ": "th", "æ": "ae"}
    extra |= {"œ": "oe", "ĸ": "k", "ŀ": "l", "ƙ": "k", "ɗ": "d", "ɓ": "b"}
    table.update({ord(k): v for k, v in extra.items()})
    return table


_FOLD_TABLE = _build_fold_table()
_ASCII_FOLD_TABLE = str.maketrans({"`": "'"})


def _fold(text: str) -> str:
    """Case-fold and strip diacritics, normalizing every apostrophe-like mark to ASCII "'"."""
    if text.isascii():
        return text.lower().translate(_ASCII_FOLD_TABLE)
    return unicodedata.normalize("NFKD", text.casefold()).translate(_FOLD_TABLE)


def fold_diacritics(text: str) -> str:
    """Case-fold and strip diacritics: "Ṣaḥīḥ" -> "sahih", "Qur'an" -> "quran".

    Apostrophes and the transliteration marks ʿ ʾ disappear; hyphens and other punctuation stay.
    """
    return _fold(text).replace("'", "")


# --- Data file ----------------------------------------------------------------------------------------


class _UniqueKeyLoader(yaml.SafeLoader):
    pass


def _construct_unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise ValueError(f"variant data: duplicate key {key!r} (line {key_node.start_mark.line + 1})")
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)

_TOKEN_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


@dataclass(frozen=True)
class VariantData:
    lookup: dict[str, str]  # folded spelling (apostrophes kept or dropped) -> canonical token
    groups: dict[str, tuple[str, ...]]  # canonical token -> folded spellings
    protected: frozenset[str]
    homographs: frozenset[str]
    stem_overrides: dict[str, str]


def _folded_spelling(raw: object) -> str:
    spelling = _fold(normalize_arabic(str(raw))).strip("'")
    if not _TOKEN_RE.fullmatch(spelling):
        raise ValueError(f"variant data: {raw!r} is not a single token")
    return spelling


def parse_variants(raw: dict) -> VariantData:
    """Build the lookup tables from the parsed YAML, refusing conflicting or ambiguous entries."""
    homographs = frozenset(_folded_spelling(w) for w in raw.get("homographs") or [])
    lookup: dict[str, str] = {}
    groups: dict[str, tuple[str, ...]] = {}

    def add(spelling: str, canonical: str) -> None:
        if spelling in homographs:
            raise ValueError(f"variant data: {spelling!r} ({canonical}) is listed as a homograph")
        if lookup.setdefault(spelling, canonical) != canonical:
            raise ValueError(f"variant data: {spelling!r} is in both {lookup[spelling]} and {canonical}")

    for raw_canonical, raw_spellings in (raw.get("groups") or {}).items():
        canonical = _folded_spelling(raw_canonical)
        if "'" in canonical:
            raise ValueError(f"variant data: canonical {canonical!r} must not contain an apostrophe")
        spellings = list(dict.fromkeys([canonical, *(_folded_spelling(s) for s in raw_spellings or [])]))
        for spelling in spellings:
            add(spelling, canonical)
            bare = spelling.replace("'", "")
            if bare != spelling and bare not in homographs:
                add(bare, canonical)
        groups[canonical] = tuple(spellings)

    protected = frozenset(_folded_spelling(w) for w in raw.get("protected") or [])
    overrides = {
        _folded_spelling(k): _folded_spelling(v) for k, v in (raw.get("stem_overrides") or {}).items()
    }
    return VariantData(lookup, groups, protected | frozenset(lookup), homographs, overrides)


def load_variants(path: Path) -> VariantData:
    with path.open(encoding="utf-8") as fh:
        return parse_variants(yaml.load(fh, Loader=_UniqueKeyLoader) or {})  # a SafeLoader subclass


@cache
def variant_data() -> VariantData:
    return load_variants(VARIANTS_PATH)


# --- Variants -----------------------------------------------------------------------------------------


def _lookup_variant(token: str) -> str | None:
    """Canonical token for a folded token (apostrophes kept), trying it without a glued "al" too."""
    lookup = variant_data().lookup
    found = lookup.get(token)
    if found is None and "'" in token:
        bare = token.replace("'", "")
        if bare not in variant_data().homographs:
            found = lookup.get(bare)
    if found is None and token.startswith("al") and len(token) - 2 >= _MIN_AL_REMAINDER:
        found = _lookup_variant(token[2:])
    return found


@lru_cache(maxsize=1 << 16)
def canonical_variant(token: str) -> str:
    """Canonical spelling of one token ("Sholat" -> "salat"); other tokens come back folded."""
    folded = _fold(token).strip("'")
    found = _lookup_variant(folded)
    return found if found is not None else folded.replace("'", "")


def _strip_glued_al(token: str) -> str:
    """ "alghazali" -> "ghazali" when the rest is protected (variant spellings are handled by lookup)."""
    if (
        token.startswith("al")
        and len(token) - 2 >= _MIN_AL_REMAINDER
        and token[2:] in variant_data().protected
    ):
        return token[2:]
    return token


# --- Stemming -----------------------------------------------------------------------------------------


@cache
def _sastrawi():
    # Sastrawi's own CachedStemmer keeps an unbounded dict of every word it has seen: build the plain
    # Stemmer from the factory's dictionary and bound the cache ourselves (lru_cache on stem).
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return Stemmer(ArrayDictionary(StemmerFactory().get_words()))


_PREFIXES = ("", "ber", "be", "me", "mem", "men", "meng", "di", "ke", "ter", "se", "per", "pe", "pem", "pen")
_PREFIXES += ("peng", "keber", "memper", "diper")
_SUFFIXES = ("", "nya", "lah", "kah", "ku", "mu", "an", "kan", "i", "annya", "kannya", "inya")


def _affixed_variant(token: str) -> str | None:
    """Spelling under Indonesian affixes of a listed variant Sastrawi does not know ("bershalawat")."""
    lookup = variant_data().lookup
    for prefix in _PREFIXES:
        if not token.startswith(prefix):
            continue
        for suffix in _SUFFIXES:
            if (prefix or suffix) and token.endswith(suffix):
                core = token[len(prefix) : len(token) - len(suffix)]
                if len(core) >= _MIN_STEM_LENGTH and core in lookup:
                    return core
    return None


def _is_stemmable(token: str) -> bool:
    return len(token) >= _MIN_STEM_LENGTH and token.isascii() and token.isalpha()


@lru_cache(maxsize=1 << 16)
def stem(token: str) -> str:
    """Indonesian stem of one folded token ("pendidikan" -> "didik").

    Left alone: variant spellings, protected names and terms, tokens with digits or non-Latin letters,
    and tokens shorter than four letters. A token Sastrawi cannot reduce may still be an affixed form of
    a variant spelling ("bershalawat" -> "shalawat"), which the caller then canonicalizes.
    """
    token = token.lower()
    data = variant_data()
    if not _is_stemmable(token) or token in data.protected:
        return token
    if token in data.stem_overrides:
        return data.stem_overrides[token]
    stemmed = _sastrawi().stem_word(token)
    if stemmed and stemmed != token:
        return stemmed
    return _affixed_variant(token) or token


# --- Pipeline -----------------------------------------------------------------------------------------

_ASSIMILATED_ARTICLES = "dz|dh|d|n|r|sy|sh|s|ts|th|t|zh|z"
_LATIN_ARTICLE_RE = re.compile(rf"\b(?:(?:al|el)|a({_ASSIMILATED_ARTICLES}))-(?='?([^\W_]+))")
_FREE_ARTICLES = frozenset({"al", "el"})


def _drop_article(match: re.Match[str]) -> str:
    sun_letter, following = match.group(1), match.group(2)
    if sun_letter is None or following.startswith(sun_letter):
        return ""
    return match.group(0)  # "ad-hoc", "at-home": not an assimilated article


def _folded_tokens(text: str) -> Iterator[str]:
    """Folded tokens with apostrophes kept (variant lookup needs "du'a" apart from "dua")."""
    if not text:
        return
    if not text.isascii() and _ARABIC_RE.search(text):
        text = normalize_arabic(text, strip_article=True)
    folded = _fold(text)
    if "-" in folded:
        folded = _LATIN_ARTICLE_RE.sub(_drop_article, folded)
    tokens = _TOKEN_RE.findall(folded)
    last = len(tokens) - 1
    for i, token in enumerate(tokens):
        if token in _FREE_ARTICLES and i < last:
            continue
        yield token


# Pre-1972 spelling (Ejaan Soewandi and van Ophuijsen), still on old books and in names: Rasjid, Daradjat,
# Tjokroaminoto, Soekarno. Folded to the modern letters on both sides (EYD: dj -> j, tj -> c, sj -> sy,
# oe -> u); "j" -> "y" is left alone, since modern "j" is just as common.
_OLD_SPELLING_RE = re.compile("dj|tj|sj|oe")
_OLD_SPELLING = {"dj": "j", "tj": "c", "sj": "sy", "oe": "u"}


def modern_spelling(token: str) -> str:
    """ "rasjid" -> "rasyid", "daradjat" -> "darajat", "soekarno" -> "sukarno" (ASCII tokens only)."""
    if not token.isascii():
        return token
    return _OLD_SPELLING_RE.sub(lambda match: _OLD_SPELLING[match.group(0)], token)


@lru_cache(maxsize=1 << 17)
def _fold_token(token: str) -> str:
    found = _lookup_variant(token)
    if found is not None:
        return found
    modern = modern_spelling(token)
    if modern != token:
        found = _lookup_variant(modern)
        if found is not None:
            return found
    return _strip_glued_al(modern.replace("'", ""))


@lru_cache(maxsize=1 << 18)  # a catalogue's vocabulary; a miss that reaches Sastrawi costs ~0.1-0.2 ms
def _analyze_token(token: str) -> str:
    folded = _fold_token(token)
    stemmed = stem(folded)
    if stemmed == folded:
        return folded
    return variant_data().lookup.get(stemmed, stemmed)


def analyze(text: str) -> list[str]:
    """Index/query tokens: normalized, folded, canonical spellings, stemmed."""
    return [_analyze_token(t) for t in _folded_tokens(text)]


def normalize_for_index(text: str) -> str:
    """What the analyzed sub-field (e.g. ``title.norm``) stores, searched with the whitespace analyzer."""
    return " ".join(analyze(text))


normalize_for_query = normalize_for_index  # one pipeline for both sides


def fold_only(text: str) -> str:
    """Like ``normalize_for_index`` without stemming, for the exact/phrase sub-field."""
    return " ".join(_fold_token(t) for t in _folded_tokens(text))


# --- ISBN ---------------------------------------------------------------------------------------------

_SEP = "[\\s\\-\u2010\u2011\u2012\u2013]?"
_ISBN_RE = re.compile(
    rf"^\s*(?:isbn(?:[-\s]?1[03])?\s*:?\s*)?(\d(?:{_SEP}\d){{8}}(?:(?:{_SEP}\d){{3}})?{_SEP}[\dx])(?!\w)",
    re.IGNORECASE,
)
_NOT_ISBN_CHAR_RE = re.compile(r"[^\dX]")


def _isbn13_check_digit(first12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def _isbn10_check_digit(first9: str) -> str:
    total = sum(int(d) * (10 - i) for i, d in enumerate(first9))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def _compact(s: str) -> str:
    return s.replace("-", "").replace(" ", "").upper()


def is_valid_isbn13(s: str) -> bool:
    s = _compact(s)
    return len(s) == 13 and s.isascii() and s.isdigit() and _isbn13_check_digit(s[:12]) == s[12]


def is_valid_isbn10(s: str) -> bool:
    s = _compact(s)
    return len(s) == 10 and s.isascii() and s[:9].isdigit() and _isbn10_check_digit(s[:9]) == s[9]


def isbn10_to_13(s: str) -> str | None:
    """ISBN-13 of a valid compact ISBN-10 (hyphens allowed), else None."""
    compact = _compact(s)
    if not is_valid_isbn10(compact):
        return None
    first12 = "978" + compact[:9]
    return first12 + _isbn13_check_digit(first12)


def isbn13_to_10(s: str) -> str | None:
    """ISBN-10 of a valid 978-prefixed ISBN-13, else None (979 ISBNs have no ISBN-10)."""
    compact = _compact(s)
    if not is_valid_isbn13(compact) or not compact.startswith("978"):
        return None
    return compact[3:12] + _isbn10_check_digit(compact[3:12])


def isbn_forms(text: str) -> list[str]:
    """Normalized forms of an ISBN as typed: ``[isbn13]`` or ``[isbn13, isbn10]``; ``[]`` if none.

    Accepts an "ISBN"/"ISBN-13:" prefix, hyphens or spaces, a lowercase x, and a trailing qualifier such
    as "(pbk.)". Check digits are verified: a mistyped ISBN yields [] rather than a wrong match.
    """
    match = _ISBN_RE.match(text)
    if not match:
        return []
    compact = _NOT_ISBN_CHAR_RE.sub("", match.group(1).upper())
    if len(compact) == 10:
        isbn13 = isbn10_to_13(compact)
    elif is_valid_isbn13(compact):
        isbn13 = compact
    else:
        isbn13 = None
    if isbn13 is None:
        return []
    isbn10 = isbn13_to_10(isbn13)
    return [isbn13, isbn10] if isbn10 else [isbn13]


def warm_up() -> None:
    """Load the data file and build the stemmer now (e.g. at worker start) rather than on first use."""
    variant_data()
    _sastrawi()


# --- Highlighting -------------------------------------------------------------------------------------

# A word of the display text: letters and digits with their combining marks, apostrophes and tatweel.
_DISPLAY_WORD_RE = re.compile(
    "[^\\W_](?:[^\\W_]|['`´‘’ʹʻʼʽʾʿ\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640])*"
)


@lru_cache(maxsize=1 << 16)  # display words repeat across titles: analyze each once
def _word_forms(word: str) -> frozenset[str]:
    """Every token a display word stands for: analyzed (stemmed) and only folded."""
    return frozenset(analyze(word)) | frozenset(_fold_token(token) for token in _folded_tokens(word))


def highlight_segments(text: str, terms: frozenset[str] | set[str]) -> list[tuple[str, bool]]:
    """Split display ``text`` into ``(segment, matched)`` pieces, a word being matched when one of its
    analyzed tokens is in ``terms`` (tokens from ``analyze``/``fold_only`` of the query).

    Elasticsearch's highlighter cannot do this: the index sees only the normalized text, whose offsets
    are not those of the display title, so "sholat" must be found in "Tuntunan Shalat" here."""
    if not text or not terms:
        return [(text, False)] if text else []
    segments: list[tuple[str, bool]] = []
    position = 0
    for match in _DISPLAY_WORD_RE.finditer(text):
        word = match.group(0)
        if terms.isdisjoint(_word_forms(word)):
            continue
        if match.start() > position:
            segments.append((text[position : match.start()], False))
        segments.append((word, True))
        position = match.end()
    if position < len(text):
        segments.append((text[position:], False))
    return segments
