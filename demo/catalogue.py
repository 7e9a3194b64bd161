"""Deterministic demo catalogues for the libraries of Kemenag work units.

``generate_catalog(code, size=..., seed=...)`` streams ``NormalizedRecord`` objects that look like a real
SLiMS catalogue of that unit: about 65 % of the records come from a shared pool of works held by many
libraries (same ISBN-13 everywhere), the rest are local-only works of the unit (training modules of a Balai
Diklat, research reports of a Balai Litbang, theses of a university, school modules of a madrasah, ...).

Everything is computed from ``random.Random`` instances seeded with strings (never the global generator,
never the clock, never ``hash()``), so a catalogue is the same in every process for the same
``(library_code, size, seed)``; a smaller catalogue is a prefix of a larger one. The vocabulary lives in
``vocabulary.yaml`` next to this module (read once).

Cataloguing styles: every library has a style derived from its code alone (``library_style``): which
spelling it uses for recurring words (Shalat/Sholat/Salat, Fiqih/Fikih/Fiqh, Al-Qur'an/Alquran/Al Quran,
Hadis/Hadits, Doa/Do'a, Akhlak/Akhlaq, Syariah/Syari'ah/Syariat, ...), DDC in the Ministry's 2X0 notation or
as 297.x, how often ISBNs keep their hyphens, "hlm."/"hal."/"h.", ": " or " : " before a subtitle, the item
code prefix and the name of the general shelf. The shared works carry spelling tokens ("{Shalat}") in their
titles and subjects, rendered with the library's style, so one ISBN shows different spellings in different
libraries -- which is what the union index has to cope with.
"""

from __future__ import annotations

import hashlib
import random
import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

import yaml

from catalog.normalized import NormalizedCopy, NormalizedRecord

__all__ = [
    "CatalogueStyle",
    "LibraryProfile",
    "Work",
    "generate_catalog",
    "generate_members",
    "isbn13_check_digit",
    "library_codes_for_benchmark",
    "library_kind",
    "library_profile",
    "library_style",
    "shared_work_pool",
]

VOCABULARY_PATH = Path(__file__).with_name("vocabulary.yaml")
SHARED_PER_BLOCK = (13, 20)  # 13 of every 20 consecutive records (65 %) come from the shared pool
POOL_SIZE = 4000  # works in the shared pool
LOCAL_ISBN_LIMIT = 10  # local works with an ISBN per library (one registrant, ten titles)
OPAC_HIDE_SHARE = 0.01
CLASSIC_POPULARITY = 5.0  # well-known books are in most libraries: their vocabulary weight times this
FIRST_YEAR, LAST_YEAR = 1975, 2025

_CODE_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_SLOT = re.compile(r"\[([A-Z]+)\]")
_ARTICLE = re.compile(r"^(?:al|an|ar|as|asy|ash|at|az|ad|adz|ath|ats)-", re.IGNORECASE)
_EN_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_ROMAN = ("vi", "viii", "x", "xii", "xiv", "xvi", "xviii", "xx", "xxii", "xxiv", "xxviii", "xxxii")
_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_EDITIONS = (
    ("Cet. 2", 10),
    ("Cet. 3", 7),
    ("Cet. 4", 4),
    ("Cet. 5", 3),
    ("Ed. rev.", 5),
    ("Ed. 2", 4),
    ("Ed. 1, cet. 3", 2),
    ("Edisi Revisi", 3),
    ("Cet. 10", 1),
)


# --------------------------------------------------------------------------------------------- helpers


class _Weighted:
    """Weighted choice with precomputed cumulative weights (one ``random()`` per pick)."""

    __slots__ = ("_cum", "_total", "items")

    def __init__(self, pairs: Mapping[Any, float] | Sequence[tuple[Any, float]]):
        pairs = list(pairs.items()) if isinstance(pairs, Mapping) else list(pairs)
        pairs = [(item, float(weight)) for item, weight in pairs if float(weight) > 0]
        if not pairs:
            raise ValueError("a weighted choice needs at least one positive weight")
        self.items = [item for item, _ in pairs]
        self._cum = list(accumulate(weight for _, weight in pairs))
        self._total = self._cum[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect_right(self._cum, rng.random() * self._total)]


@lru_cache(maxsize=64)
def _counts(weights: tuple[int, ...]) -> _Weighted:
    """Pick 1..len(weights) with the given weights."""
    return _Weighted([(n + 1, w) for n, w in enumerate(weights)])


class _Tokens(dict):
    """Spelling tokens for ``str.format_map``; an unknown token stays as written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def isbn13_check_digit(first12: str) -> str:
    """The check digit of an ISBN-13 whose first twelve digits are given (hyphens allowed)."""
    digits = first12.replace("-", "").replace(" ", "")
    if len(digits) != 12 or not digits.isascii() or not digits.isdigit():
        raise ValueError(f"an ISBN-13 needs twelve digits before its check digit, got {first12!r}")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return str((10 - total % 10) % 10)


def _issn_check_digit(first7: str) -> str:
    total = sum(int(d) * w for d, w in zip(first7, range(8, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def _stable_int(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def _recent_year(rng: random.Random, first: int, last: int, bias: float = 1.8) -> int:
    """A year in [first, last], weighted towards ``last``."""
    first, last = max(first, FIRST_YEAR), min(last, LAST_YEAR)
    if first >= last:
        return last
    return last - int((last - first + 1) * rng.random() ** bias)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


def _natural(name: str) -> str:
    """'Shihab, M. Quraish' -> 'M. Quraish Shihab'; 'Al-Ghazali, Abu Hamid' -> 'Abu Hamid al-Ghazali'."""
    if ", " not in name:
        return name
    last, first = name.split(", ", 1)
    if _ARTICLE.match(last):
        last = last[0].lower() + last[1:]
    return f"{first} {last}"


def _cutter(entry: str) -> str:
    """First three letters of a main entry, uppercased, skipping an Arabic article ('Al-Ghazali' -> 'GHA')."""
    entry = _ARTICLE.sub("", entry, count=1)
    letters = [c for c in entry if c.isascii() and c.isalpha()]
    return "".join(letters[:3]).upper() or "XXX"


def _title_letter(title: str, language: str = "id") -> str:
    """First letter of the title, lowercased, skipping an English article or (transliterated titles of
    Arabic-script works) an Arabic one; Indonesian titles keep theirs ('Al-Qur'an dan Terjemahnya' -> a)."""
    if language == "en":
        title = _EN_ARTICLE.sub("", title, count=1)
    elif language == "ar":
        title = _ARTICLE.sub("", title, count=1)
    for char in title:
        if char.isalnum():
            return char.lower()
    return "x"


def _dewey(klass: str) -> str:
    """The Ministry's 2X notation as 297.x: 2X4.12 -> 297.412, 2X0.7 -> 297.07, 2X0 -> 297."""
    if not klass.startswith("2X"):
        return klass
    digits = klass[2:].replace(".", "")
    return "297" if digits in ("", "0") else f"297.{digits}"


def _sor(names: Sequence[str]) -> str:
    natural = [_natural(name) for name in names]
    if len(natural) <= 2:
        return " dan ".join(natural)
    return f"{', '.join(natural[:-1])}, dan {natural[-1]}"


# ------------------------------------------------------------------------------------------ vocabulary


@lru_cache(maxsize=1)
def _vocabulary() -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with VOCABULARY_PATH.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)


@dataclass(frozen=True, slots=True)
class _Topic:
    key: str
    area: str
    classes: tuple[str, ...]
    subjects: tuple[str, ...]
    terms: tuple[str, ...]
    titles: tuple[str, ...]
    subtitles: tuple[str, ...]
    series: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Publisher:
    key: str
    name: str
    city: str
    areas: tuple[str, ...]
    years: tuple[int, int]
    language: str
    foreign: bool
    isbn_prefix: str  # foreign publishers only ("" = prints without ISBN)
    index: int  # position among Indonesian publishers (synthetic registrant codes)


class _Data:
    """The vocabulary turned into lookup structures, built once."""

    def __init__(self, voc: dict[str, Any]):
        self.voc = voc
        self.topics = {
            key: _Topic(
                key=key,
                area=spec["area"],
                classes=tuple(spec["classes"]),
                subjects=tuple(spec["subjects"]),
                terms=tuple(spec.get("terms", ())),
                titles=tuple(spec["titles"]),
                subtitles=tuple(spec.get("subtitles", ())),
                series=tuple(spec.get("series", ())),
            )
            for key, spec in voc["topics"].items()
        }
        self.topic_weights = {key: float(spec["weight"]) for key, spec in voc["topics"].items()}
        self.topic_picker = _Weighted(self.topic_weights)
        self.publishers: dict[str, _Publisher] = {}
        indonesian = 0
        for key, spec in voc["publishers"].items():
            foreign = spec.get("lang", "id") != "id"
            self.publishers[key] = _Publisher(
                key=key,
                name=spec["name"],
                city=spec["city"],
                areas=tuple(spec.get("areas", ())),
                years=(int(spec["years"][0]), int(spec["years"][1])),
                language=spec.get("lang", "id"),
                foreign=foreign,
                isbn_prefix=(spec.get("isbn") or "") if foreign else "",
                index=-1 if foreign else indonesian,
            )
            indonesian += 0 if foreign else 1
        if indonesian > 60:
            raise ValueError("at most 60 Indonesian publishers fit the synthetic registrant ranges")
        self.publishers_by_area: dict[str, _Weighted] = {}
        for area in {topic.area for topic in self.topics.values()} | {"textbook"}:
            pairs = [
                (pub, float(voc["publishers"][pub.key].get("weight", 1)))
                for pub in self.publishers.values()
                if area in pub.areas
            ]
            self.publishers_by_area[area] = _Weighted(pairs or [(self.publishers["kemenag"], 1.0)])
        self.foreign_by_language = {
            lang: [pub for pub in self.publishers.values() if pub.language == lang] for lang in ("ar", "en")
        }
        self.keywords = [
            (word, spec.get("subject", ""), spec.get("class", "")) for word, spec in voc["keywords"].items()
        ]
        self.area_patterns = {area: tuple(items) for area, items in voc["area_patterns"].items()}
        self.names = _NameMaker(voc["names"])
        self.places = tuple(voc["places"])
        self.provinces = tuple(voc["provinces"])
        self.kecamatan = tuple(voc["kecamatan"])
        self.editions = _Weighted(_EDITIONS)
        copies = voc["copies"]
        self.copy_count = _Weighted([(n + 1, w) for n, w in enumerate(copies["count_weights"])])
        self.copy_status = _Weighted(copies["status"])


@lru_cache(maxsize=1)
def _data() -> _Data:
    return _Data(_vocabulary())


class _NameMaker:
    """Plausible Indonesian personal names, inverted the way SLiMS keeps authors ("Hidayat, Rahmat")."""

    def __init__(self, patterns: dict[str, Any]):
        self.regions = _Weighted([(spec, float(spec["weight"])) for spec in patterns.values()])

    def person(self, rng: random.Random, female: bool | None = None) -> tuple[str, str]:
        """(inverted, natural) form of one generated name."""
        spec = self.regions.pick(rng)
        if female is None:
            female = rng.random() < 0.4
        if spec.get("single") and rng.random() < spec.get("single_share", 0):
            name = rng.choice(spec["single"])
            return name, name
        given = rng.choice(spec["female" if female else "male"])
        if given in ("Muhammad", "Mochamad") and rng.random() < 0.3:
            given = "M."
        if not female and not spec.get("family") and rng.random() < 0.2:
            middle = rng.choice(spec["male"])
            if middle != given and not middle.endswith(".") and given not in ("Muh.", "Abd."):
                given = f"{given} {middle}"
        if not female and spec.get("prefix") and rng.random() < spec.get("prefix_share", 0):
            given = f"{rng.choice(spec['prefix'])} {given}"
        lasts = spec.get("second_female") if female and spec.get("second_female") else spec["second"]
        last = rng.choice(lasts)
        if last.lower() in given.lower():  # no "Mujiburrahman Rahman"
            last = rng.choice(spec["second"])
        if last.lower() in given.lower():
            return given, given
        return f"{last}, {given}", f"{given} {last}"


# --------------------------------------------------------------------------------- libraries and styles


@dataclass(frozen=True, slots=True)
class LibraryProfile:
    """What the generator knows about a library from its code."""

    code: str
    kind: str  # bdk, bla, lpmq, puslitbang, pusdiklat, ptkin, madrasah, kua, kankemenag, other
    organisation: str  # publisher of its own works ("Balai Diklat Keagamaan Aceh")
    short_name: str
    city: str
    province: str  # "" when unknown


@dataclass(frozen=True, slots=True)
class CatalogueStyle:
    """The cataloguing habits of one library (see the module docstring)."""

    spellings: tuple[tuple[str, str], ...]  # (group, variant), e.g. ("shalat", "Sholat")
    ddc_scheme: str  # "kemenag" (2X4.1) or "dewey" (297.41)
    isbn_hyphenated: float  # chance that a record keeps the ISBN's hyphens
    pages_abbrev: str
    subtitle_separator: str
    item_prefix: str
    item_digits: int
    general_location: str
    tokens: _Tokens

    def spelling(self, group: str) -> str:
        return dict(self.spellings)[group]

    def render(self, text: str) -> str:
        return text.format_map(self.tokens) if "{" in text else text

    def render_title(self, text: str) -> str:
        if "{" in text:
            text = text.format_map(self.tokens)
        if self.subtitle_separator != ": " and ": " in text:
            text = text.replace(": ", self.subtitle_separator)
        return text


def _prefix_of(code: str) -> tuple[str, str]:
    """('mtsn', '2') for 'mtsn2-magelang'; the letters and digits of the code's first part."""
    first = code.lower().split("-", 1)[0]
    match = re.match(r"([a-z]*)(\d*)", first)
    return (match.group(1), match.group(2)) if match else ("", "")


def library_kind(library_code: str) -> str:
    """The kind of unit a code names: bdk, bla, lpmq, puslitbang, pusdiklat, ptkin, madrasah, kua,
    kankemenag or other (kua and kankemenag are ``other`` for ``tenants.models.UnitKind``)."""
    kinds = _vocabulary()["kind_by_prefix"]
    first = library_code.lower().split("-", 1)[0]
    letters, _ = _prefix_of(library_code)
    return kinds.get(first) or kinds.get(letters) or "other"


@lru_cache(maxsize=4096)
def library_profile(library_code: str) -> LibraryProfile:
    voc = _vocabulary()
    kind = library_kind(library_code)
    unit = voc["units"].get(library_code)
    if unit:
        organisation, short_name, city, province = unit
        return LibraryProfile(library_code, kind, organisation, short_name, city, province)
    letters, number = _prefix_of(library_code)
    parts = library_code.lower().split("-")[1:]
    if not number and parts and parts[0].isdigit():
        number, parts = parts[0], parts[1:]
    place = " ".join(part.capitalize() for part in parts if not part.isdigit())
    city = re.sub(r"^(Kota|Kabupaten|Kab) ", "", place) or "Jakarta"
    kind_name = voc["kind_names"].get(letters)
    if kind_name is None:
        organisation = " ".join(
            part.upper() if len(part) <= 3 else part.capitalize() for part in library_code.split("-")
        )
        return LibraryProfile(library_code, kind, organisation, organisation, city, "")
    organisation = " ".join(part for part in (kind_name, number, place) if part)
    short_name = organisation
    if letters == "kua":
        short_name = f"KUA {place}"
    elif letters in ("kankemenag", "kemenag"):
        short_name = f"Kankemenag {place}"
    elif letters in ("bdk", "bla"):
        short_name = f"{letters.upper()} {place}"
    return LibraryProfile(library_code, kind, organisation, short_name, city, "")


@lru_cache(maxsize=4096)
def library_style(library_code: str) -> CatalogueStyle:
    """The deterministic cataloguing style of a library, from its code alone."""
    voc = _vocabulary()
    rng = random.Random(f"simpul-demo-style:{library_code}")
    tokens = _Tokens()
    chosen: dict[str, int] = {}
    spellings = []
    for group, spec in voc["spelling"].items():
        variants = spec["variants"]
        if "follows" in spec:
            index = chosen[spec["follows"]]
        else:
            index = _Weighted(list(zip(range(len(variants)), spec["weights"], strict=True))).pick(rng)
        chosen[group] = index
        variant = variants[index]
        spellings.append((group, variant))
        tokens[group[0].upper() + group[1:]] = variant
        tokens[group] = variant if spec.get("proper") else variant.lower()
    style = voc["style"]
    pages_abbrev = _Weighted(style["pages_abbrev"]).pick(rng)
    tokens["hlm"] = pages_abbrev
    return CatalogueStyle(
        spellings=tuple(spellings),
        ddc_scheme=_Weighted(style["ddc_scheme"]).pick(rng),
        isbn_hyphenated=float(_Weighted(style["isbn_hyphenated"]).pick(rng)),
        pages_abbrev=pages_abbrev,
        subtitle_separator=_Weighted(style["subtitle_separator"]).pick(rng),
        item_prefix=_Weighted(style["item_prefix"]).pick(rng),
        item_digits=int(_Weighted(style["item_digits"]).pick(rng)),
        general_location=_Weighted(style["general_location"]).pick(rng),
        tokens=tokens,
    )


# ------------------------------------------------------------------------------------------------ works


@dataclass(frozen=True, slots=True)
class Work:
    """One bibliographic work before a library catalogues it.

    ``title``, ``subjects``, ``collation``, ``notes`` and ``series_title`` may hold spelling tokens
    ("{Shalat}", "{hlm}") that a library's ``CatalogueStyle`` renders; ``klass`` is in the Ministry's 2X
    notation where the subject is Islamic (``klass_dewey`` is the same class as 297.x).
    """

    key: str
    title: str
    authors: tuple[str, ...]
    subjects: tuple[str, ...]
    klass: str
    klass_dewey: str
    publisher: str
    publish_place: str
    publish_year: str
    isbn: str = ""  # hyphenated ISBN-13 (or ISSN for a journal issue), "" when the book has none
    edition: str = ""
    collation: str = ""
    series_title: str = ""
    language: str = "id"
    material_type: str = "Text"
    notes: str = ""
    statement_of_responsibility: str = ""
    area: str = "general"
    reference: bool = False
    shelf: str = ""  # a fixed location (local, special or digital collections)
    title_key: str = ""  # transliterated title of an Arabic-script work (call number letter)
    cutter: str = ""  # first three letters of the main entry
    weight: float = 1.0  # popularity in the shared pool
    min_copies: int = 1
    max_copies: int = 5


def _work(**fields: Any) -> Work:
    authors = fields.get("authors", ())
    entry = authors[0] if authors else (fields.get("title_key") or fields["title"])
    fields.setdefault("cutter", _cutter(entry))
    fields["klass_dewey"] = _dewey(fields["klass"])
    return Work(**fields)


def _authors(
    data: _Data, rng: random.Random, weights: Sequence[int] = (70, 22, 8)
) -> tuple[tuple[str, ...], str]:
    count = _counts(tuple(weights)).pick(rng)
    people = [data.names.person(rng) for _ in range(count)]
    return tuple(inverted for inverted, _ in people), _sor([natural for _, natural in people])


def _collation(
    rng: random.Random,
    pages: tuple[int, int] = (120, 480),
    heights: Sequence[int] = (21, 21, 23, 24, 24, 25, 20),
    ill: float = 0.35,
    abbrev: str = "{hlm}",
) -> str:
    prelims = f"{rng.choice(_ROMAN)}, " if rng.random() < 0.8 else ""
    roll = rng.random()
    illustrations = " : ilus." if roll < ill else (" : ilus., tab." if roll < ill + 0.08 else "")
    return f"{prelims}{rng.randint(*pages)} {abbrev}{illustrations} ; {rng.choice(heights)} cm"


def _electronic_collation(rng: random.Random, pages: tuple[int, int] = (80, 320)) -> str:
    count = rng.randint(*pages)
    return rng.choice(
        ("1 CD-ROM ; 12 cm", f"1 file PDF ({count} {{hlm}})", f"1 file PDF (xii, {count} {{hlm}})")
    )


def _any_collation(rng: random.Random, electronic: bool, pages: Sequence[int], heights: Sequence[int]) -> str:
    low, high = pages
    return _electronic_collation(rng, (low, high)) if electronic else _collation(rng, (low, high), heights)


def _subjects_and_class(
    data: _Data, topic: _Topic, title: str, rng: random.Random, extra: Sequence[str] = ()
) -> tuple[tuple[str, ...], str]:
    klass = rng.choice(topic.classes)
    subjects = [topic.subjects[0] if rng.random() < 0.7 else rng.choice(topic.subjects)]
    refined = False
    for word, subject, word_class in data.keywords:
        if word in title:
            if subject and subject not in subjects:
                subjects.append(subject)
            if word_class and not refined and klass.startswith("2X"):
                klass, refined = word_class, True
    subjects.extend(s for s in extra if s not in subjects)
    wanted = _counts((35, 45, 20)).pick(rng)
    for _ in range(4):
        if len(subjects) >= wanted:
            break
        candidate = rng.choice(topic.subjects)
        if candidate not in subjects:
            subjects.append(candidate)
    return tuple(subjects[:3]), klass


def _topic_title(data: _Data, topic: _Topic, rng: random.Random, places: Sequence[str]) -> str:
    if topic.terms and rng.random() < 0.3:
        patterns = data.area_patterns.get(topic.area, ()) + data.area_patterns["default"]
        title = rng.choice(patterns).replace("[T]", rng.choice(topic.terms))
    else:
        title = rng.choice(topic.titles)
    if "[P]" in title:
        title = title.replace("[P]", rng.choice(places))
    if ": " not in title and topic.subtitles and rng.random() < 0.3:
        title = f"{title}: {rng.choice(topic.subtitles)}"
    return title


def _hijri(year: int) -> int:
    return int((year - 622) * 33 / 32)


class _IsbnAllocator:
    """Unique synthetic ISBN-13s for the shared pool.

    Indonesian publishers get registrant ``300 + 7i`` under 978-979 (until 2010), ``100 + 7i`` under
    978-602 and ``100 + 5i`` under 978-623 (i = their position in the vocabulary); local works of a
    library use a five-digit registrant from 40000 under 978-623 (from a hash of its code, so two of
    thousands of libraries may share one), so the pool and the local works never meet.
    """

    def __init__(self, rng: random.Random):
        self._rng = rng
        self._next: dict[str, int] = {}
        self._left: dict[str, int] = {}

    def allocate(self, publisher: _Publisher, year: int) -> str:
        if publisher.foreign:
            if not publisher.isbn_prefix or year < 1990:
                return ""
            prefix = publisher.isbn_prefix
        elif year < 1986:
            return ""
        elif year <= 2010:
            prefix = f"978-979-{300 + 7 * publisher.index}"
        elif year <= 2018 or self._rng.random() < 0.4:
            prefix = f"978-602-{100 + 7 * publisher.index}"
        else:
            prefix = f"978-623-{100 + 5 * publisher.index}"
        compact = prefix.replace("-", "")
        width = 12 - len(compact)
        if prefix not in self._next:
            self._next[prefix] = self._rng.randrange(10**width)
            self._left[prefix] = 10**width
        if not self._left[prefix]:
            return ""
        self._left[prefix] -= 1
        number = self._next[prefix]
        self._next[prefix] = (number + 7) % 10**width  # 7 is coprime with 10**width: a full cycle
        body = f"{number:0{width}d}"
        return f"{prefix}-{body}-{isbn13_check_digit(compact + body)}"


def _area_of_class(klass: str) -> str:
    if klass.startswith("2X1"):
        return "quran"
    if klass.startswith(("2X4.3", "346", "347", "340")):
        return "law"
    if klass.startswith(("2X6", "201", "306")):
        return "harmony"
    if klass.startswith("2X"):
        return "islamic"
    if klass.startswith("37"):
        return "education"
    if klass.startswith(("35", "658")):
        return "training"
    return "general"


def _printings(rng: random.Random, first: int, last: int) -> list[tuple[int, str]]:
    """(year, edition) of the printings of a classic held by libraries: one, or two years apart."""
    count = 1 if last - first < 6 else rng.choice((1, 1, 2))
    years = sorted(rng.sample(range(first, last + 1), count))
    printings = []
    for year in years:
        number = 1 + (year - first) // 2
        if number <= 1:
            edition = ""
        elif number > 4 and rng.random() < 0.2:
            edition = "Ed. rev."
        else:
            edition = f"Cet. {number}"
        printings.append((year, edition))
    return printings


def _classic_works(data: _Data, rng: random.Random, isbns: _IsbnAllocator, add: Any) -> None:
    for spec in data.voc["classic_works"]:
        topic = data.topics[spec["topic"]]
        publisher = data.publishers[spec["publisher"]]
        volumes = int(spec.get("volumes", 1))
        original = spec.get("original", "")
        printings = _printings(rng, *spec["years"])
        # a set of volumes, and a title in two printings, share the popularity of the title
        popularity = CLASSIC_POPULARITY * float(spec.get("weight", 3)) / len(printings) / volumes**0.5
        for year, edition in printings:
            translator = data.names.person(rng) if original else None
            authors = tuple(spec["authors"]) + ((translator[0],) if translator else ())
            sor = _sor(spec["authors"]) + (f" ; penerjemah, {translator[1]}" if translator else "")
            base_notes = [f"Judul asli: {original}."] if original else []
            for volume in range(1, volumes + 1):
                title = spec["title"] + (f" Jilid {volume}" if volumes > 1 else "")
                if spec.get("sub"):
                    title = f"{title}: {spec['sub']}"
                subjects, _ = _subjects_and_class(data, topic, title, rng)
                notes = [*base_notes]
                if volume == 1 and volumes > 1:
                    notes.append(f"Terdiri dari {volumes} jilid.")
                if rng.random() < 0.3:
                    notes.append("Termasuk bibliografi dan indeks.")
                add(
                    title=title,
                    authors=authors,
                    subjects=subjects,
                    klass=spec["class"],
                    publisher=publisher.name,
                    publish_place=publisher.city,
                    publish_year=str(year),
                    isbn=isbns.allocate(publisher, year),
                    edition=edition,
                    collation=_collation(rng, (280, 720) if volumes > 1 else (140, 520), (24, 24, 25, 21)),
                    notes=" ".join(notes),
                    statement_of_responsibility=sor,
                    area=topic.area,
                    reference=bool(spec.get("reference")),
                    weight=popularity * (1.0 if volume <= 3 else 0.6),
                )


def _arabic_works(data: _Data, rng: random.Random, isbns: _IsbnAllocator, add: Any) -> None:
    for spec in data.voc["arabic_works"]:
        topic = data.topics[spec["topic"]]
        keys = list(spec["publishers"])
        chosen = keys if len(keys) > 1 and rng.random() < 0.4 else [rng.choice(keys)]
        volumes = int(spec.get("volumes", 1))
        for key in chosen:
            publisher = data.publishers[key]
            year = _recent_year(rng, *publisher.years, bias=1.2)
            shown_year = f"{_hijri(year)} H/{year}" if rng.random() < 0.35 else str(year)
            for volume in range(1, volumes + 1):
                title = spec["title"] + (f" ج {str(volume).translate(_ARABIC_DIGITS)}" if volumes > 1 else "")
                translit = spec["translit"] + (f" Juz {volume}" if volumes > 1 else "")
                add(
                    title=title,
                    authors=tuple(spec["authors"]),
                    subjects=(topic.subjects[0], *(("Kitab Kuning",) if rng.random() < 0.25 else ())),
                    klass=spec["class"],
                    publisher=publisher.name,
                    publish_place=publisher.city,
                    publish_year=shown_year,
                    isbn=isbns.allocate(publisher, year),
                    collation=_collation(rng, (280, 760), (24, 24, 25, 27), ill=0.0),
                    language="ar",
                    notes=f"Judul transliterasi: {translit}. Teks dalam bahasa Arab.",
                    statement_of_responsibility=_sor(spec["authors"]),
                    area=topic.area,
                    reference=bool(spec.get("reference")) or volumes > 1,
                    title_key=translit,
                    weight=2 * float(spec.get("weight", 3)) * (1.0 if volume <= 2 else 0.6),
                )


def _english_works(data: _Data, rng: random.Random, isbns: _IsbnAllocator, add: Any) -> None:
    voc = data.voc
    for spec in voc["english_works"]:
        publisher = data.publishers[spec["publisher"]]
        topic = data.topics[spec["topic"]]
        year = spec["years"][0]
        title = spec["title"] + (f": {spec['sub']}" if spec.get("sub") else "")
        add(
            title=title,
            authors=tuple(spec["authors"]),
            subjects=(topic.subjects[0],),
            klass=spec["class"],
            publisher=publisher.name,
            publish_place=publisher.city,
            publish_year=str(year),
            isbn=isbns.allocate(publisher, year),
            collation=_collation(rng, (200, 460), (23, 24, 23), ill=0.15, abbrev="p."),
            language="en",
            notes="Includes bibliographical references and index." if rng.random() < 0.6 else "",
            statement_of_responsibility=_sor(spec["authors"]),
            area="general",
            weight=float(spec.get("weight", 2)),
        )
    english = data.foreign_by_language["en"]
    for base, topic_key, klass in voc["english_patterns"]:
        topic = data.topics[topic_key]
        for _ in range(4):
            publisher = rng.choice(english)
            year = _recent_year(rng, *publisher.years)
            title = base + (f": {rng.choice(voc['english_subtitles'])}" if rng.random() < 0.7 else "")
            authors, sor = _authors(data, rng, (60, 35, 5))
            add(
                title=title,
                authors=authors,
                subjects=(topic.subjects[0],),
                klass=klass,
                publisher=publisher.name,
                publish_place=publisher.city,
                publish_year=str(year),
                isbn=isbns.allocate(publisher, year),
                collation=_collation(rng, (180, 420), (23, 24), ill=0.15, abbrev="p."),
                language="en",
                statement_of_responsibility=sor,
                area="general",
                weight=0.8,
            )


def _official_works(data: _Data, rng: random.Random, isbns: _IsbnAllocator, add: Any) -> None:
    for title, author, publisher_key, year, klass, subject in data.voc["official_works"]:
        publisher = data.publishers[publisher_key]
        extra = [word_subject for word, word_subject, _ in data.keywords if word in title and word_subject]
        add(
            title=title,
            authors=(author,),
            subjects=tuple(dict.fromkeys([subject, *extra]))[:3],
            klass=klass,
            publisher=publisher.name,
            publish_place=publisher.city,
            publish_year=str(year),
            isbn=isbns.allocate(publisher, year),
            collation=_collation(rng, (90, 320), (21, 23, 25)),
            statement_of_responsibility=f"Tim Penyusun {author}" if rng.random() < 0.5 else "",
            area=_area_of_class(klass),
            weight=12.0,
        )


def _textbooks(data: _Data, rng: random.Random, isbns: _IsbnAllocator, add: Any) -> None:
    spec = data.voc["textbooks"]
    publisher = data.publishers["kemenag"]
    for subject, klass, heading in spec["subjects"]:
        for level in spec["levels"]:
            for curriculum, first, last in rng.sample(spec["curricula"], rng.choice((1, 2))):
                kind = spec["kinds"][0] if rng.random() < 0.75 else rng.choice(spec["kinds"][1:])
                year = rng.randint(first, last)
                add(
                    title=f"{subject} untuk {level}: {kind} {curriculum}",
                    authors=("Kementerian Agama RI",),
                    subjects=(heading,),
                    klass=klass,
                    publisher=publisher.name,
                    publish_place=publisher.city,
                    publish_year=str(year),
                    isbn=isbns.allocate(publisher, year),
                    collation=_collation(rng, (120, 260), (25, 29), ill=0.8),
                    area="textbook",
                    weight=1.5,
                    min_copies=2,
                )


def _videos(data: _Data, rng: random.Random, add: Any) -> None:
    for title, topic_key, klass in data.voc["videos"]:
        topic = data.topics[topic_key]
        publisher = data.publishers_by_area[topic.area].pick(rng)
        minutes = rng.choice((30, 45, 60, 90))
        add(
            title=title,
            authors=(rng.choice(data.voc["corporate_authors"]),),
            subjects=(topic.subjects[0],),
            klass=klass,
            publisher=publisher.name,
            publish_place=publisher.city,
            publish_year=str(_recent_year(rng, 2008, 2024)),
            collation=f"1 DVD ({minutes} menit) : berw., suara ; 12 cm",
            material_type="Video Recording",
            area=topic.area,
            shelf=data.voc["copies"]["digital_location"],
            weight=0.6,
            max_copies=2,
        )


def _topic_fields(
    data: _Data, topic: _Topic, rng: random.Random, publisher: _Publisher | None = None
) -> dict[str, Any]:
    """The fields of a template work on ``topic`` (title from the topic, generated authors)."""
    title = _topic_title(data, topic, rng, data.places)
    subjects, klass = _subjects_and_class(data, topic, title, rng)
    if publisher is None:
        publisher = data.publishers_by_area[topic.area].pick(rng)
    year = _recent_year(rng, *publisher.years)
    if topic.area in ("harmony", "training", "law", "education") and rng.random() < 0.04:
        authors, sor = (rng.choice(data.voc["corporate_authors"]),), ""
    else:
        authors, sor = _authors(data, rng)
        if rng.random() < 0.08:
            sor += f" ; penyunting, {data.names.person(rng)[1]}"
    notes = ""
    roll = rng.random()
    if roll < 0.08:
        notes = "Termasuk bibliografi dan indeks."
    elif roll < 0.13:
        start = rng.randint(150, 400)
        notes = f"Bibliografi: {{hlm}} {start}-{start + rng.randint(4, 16)}."
    elif roll < 0.16:
        notes = "Bibliografi di akhir tiap bab."
    electronic = rng.random() < 0.03
    return {
        "title": title,
        "authors": authors,
        "subjects": subjects,
        "klass": klass,
        "publisher": publisher.name,
        "publish_place": publisher.city,
        "publish_year": str(year),
        "edition": data.editions.pick(rng) if rng.random() < 0.35 else "",
        "collation": _electronic_collation(rng) if electronic else _collation(rng),
        "series_title": rng.choice(topic.series) if topic.series and rng.random() < 0.15 else "",
        "material_type": "Electronic Resource" if electronic else "Text",
        "notes": notes,
        "statement_of_responsibility": sor,
        "area": topic.area,
        "reference": title.startswith(("Ensiklopedi", "Kamus")),
        "shelf": data.voc["copies"]["digital_location"] if electronic else "",
        "_year": year,
        "_publisher": publisher,
    }


def _template_works(data: _Data, rng: random.Random, isbns: _IsbnAllocator, add: Any) -> None:
    topic = data.topics[data.topic_picker.pick(rng)]
    fields = _topic_fields(data, topic, rng)
    year, publisher = fields.pop("_year"), fields.pop("_publisher")
    weight = 0.3 + 2.5 * rng.random() ** 2
    if rng.random() < 0.04 and fields["material_type"] == "Text":
        main, _, sub = fields["title"].partition(": ")
        volumes = rng.randint(2, 4)
        for volume in range(1, volumes + 1):
            title = f"{main} Jilid {volume}" + (f": {sub}" if sub else "")
            add(**{**fields, "title": title}, isbn=isbns.allocate(publisher, year), weight=weight)
        return
    add(**fields, isbn=isbns.allocate(publisher, year), weight=weight)


@lru_cache(maxsize=4)
def _pool(seed: int) -> tuple[Work, ...]:
    data = _data()
    rng = random.Random(f"simpul-demo-pool:{seed}")
    isbns = _IsbnAllocator(rng)
    works: list[Work] = []

    def add(**fields: Any) -> None:
        works.append(_work(key=f"W{len(works) + 1:04d}", **fields))

    _classic_works(data, rng, isbns, add)
    _arabic_works(data, rng, isbns, add)
    _english_works(data, rng, isbns, add)
    _official_works(data, rng, isbns, add)
    _textbooks(data, rng, isbns, add)
    _videos(data, rng, add)
    while len(works) < POOL_SIZE:
        _template_works(data, rng, isbns, add)
    return tuple(works[:POOL_SIZE])


def shared_work_pool(seed: int = 2024) -> list[Work]:
    """The works held by many libraries (computed once per seed): each catalogue draws about 65 % of its
    records from here, so the same ISBN-13 shows up across libraries."""
    return list(_pool(seed))


@lru_cache(maxsize=64)
def _pool_weights(seed: int, kind: str) -> tuple[float, ...]:
    affinity = _vocabulary()["affinity"].get(kind) or {}
    weights = []
    for work in _pool(seed):
        weight = work.weight * float(affinity.get(work.area, 1.0))
        if work.language != "id":
            weight *= float(affinity.get(work.language, 1.0))
        weights.append(weight)
    return tuple(weights)


def _pool_order(library_code: str, seed: int, kind: str) -> list[int]:
    """The shared works of one library in the order it draws them: a weighted sample without
    replacement (Efraimidis-Spirakis with exponential keys), so a popular work comes early."""
    rng = random.Random(f"simpul-demo-order:{seed}:{library_code}")
    keys = [rng.expovariate(weight) if weight > 0 else float("inf") for weight in _pool_weights(seed, kind)]
    return sorted(range(len(keys)), key=keys.__getitem__)


# ------------------------------------------------------------------------------------------ local works


class _LocalWorks:
    """Local-only works of one library: modules, reports, theses, journal issues, manuscripts, ..."""

    def __init__(self, profile: LibraryProfile):
        self.profile = profile
        self.data = data = _data()
        voc = data.voc
        self.spec = voc["local"]
        self.generators = _Weighted(
            self.spec["generators"].get(profile.kind) or self.spec["generators"]["other"]
        )
        self.shelf = voc["copies"]["local_location"].get(
            profile.kind, voc["copies"]["local_location"]["other"]
        )
        self.isbn_used = 0
        registrant = 40000 + _stable_int(f"simpul-demo-isbn:{profile.code}") % 60000
        self.isbn_prefix = f"978-623-{registrant}"
        issn = f"{_stable_int(f'simpul-demo-issn:{profile.code}') % 10**7:07d}"
        self.issn = f"{issn[:4]}-{issn[4:]}{_issn_check_digit(issn)}"
        self.journal_issues: set[tuple[int, int]] = set()
        affinity = voc["affinity"].get(profile.kind) or {}
        self.topics = _Weighted(
            [
                (topic, data.topic_weights[key] * float(affinity.get(topic.area, 1.0)))
                for key, topic in data.topics.items()
            ]
        )
        thesis = self.spec["thesis"]
        self.common_slots: dict[str, Any] = {
            "ORG": profile.organisation,
            "SHORT": profile.short_name,
            "CITY": profile.city,
            "Q": data.kecamatan,
            "S": thesis["schools"],
            "L": thesis["subjects"],
            "K": thesis["grades"],
            "SM": ("Ganjil", "Genap"),
        }
        self.degrees = _Weighted([(degree, degree[2]) for degree in thesis["degrees"]])
        self.publication_patterns = [
            (pattern, area)
            for pattern, area, kinds in self.spec["publication"]["patterns"]
            if kinds is None or profile.kind in kinds
        ]
        self.topics_by_area: dict[str, list[_Topic]] = {}
        for topic in data.topics.values():
            self.topics_by_area.setdefault(topic.area, []).append(topic)
        self.makers = {
            "module": self._module,
            "aktualisasi": self._aktualisasi,
            "report": self._report,
            "thesis": self._thesis,
            "publication": self._publication,
            "journal": self._journal,
            "manuscript": self._manuscript,
            "lpmq": self._listed,
            "madrasah": self._listed,
            "kua": self._listed,
            "kankemenag": self._listed,
            "donated": self._donated,
        }

    # -- shared pieces

    def _slots(self, rng: random.Random, year: int, **extra: Any) -> dict[str, Any]:
        slots = dict(self.common_slots)
        slots["Y"] = str(year)
        slots["N"] = str(rng.randint(1, 4))
        slots["P"] = self.profile.city if rng.random() < 0.4 else rng.choice(self.data.places)
        slots["R"] = self.profile.province if self.profile.province and rng.random() < 0.6 else None
        if slots["R"] is None:
            slots["R"] = self.data.provinces
        slots.update(extra)
        return slots

    @staticmethod
    def _fill(pattern: str, slots: Mapping[str, Any], rng: random.Random) -> str:
        def replace(match: re.Match[str]) -> str:
            value = slots.get(match.group(1))
            if value is None:
                return match.group(0)
            return value if isinstance(value, str) else str(rng.choice(value))

        return _SLOT.sub(replace, pattern) if "[" in pattern else pattern

    def _isbn(self, rng: random.Random, generator: str) -> str:
        share = float(self.spec["isbn_share"].get(generator, 0))
        if self.isbn_used >= LOCAL_ISBN_LIMIT or rng.random() >= share:
            return ""
        compact = self.isbn_prefix.replace("-", "") + str(self.isbn_used)
        self.isbn_used += 1
        return f"{self.isbn_prefix}-{compact[-1]}-{isbn13_check_digit(compact)}"

    def _people(self, rng: random.Random, weights: Sequence[int]) -> tuple[tuple[str, ...], list[str]]:
        count = _counts(tuple(weights)).pick(rng)
        people = [self.data.names.person(rng) for _ in range(count)]
        return tuple(inverted for inverted, _ in people), [natural for _, natural in people]

    def _base(
        self, title: str, klass: str, subjects: Sequence[str], year: int, **fields: Any
    ) -> dict[str, Any]:
        base = {
            "title": title,
            "klass": klass,
            "subjects": tuple(dict.fromkeys(subjects))[:3],
            "publisher": self.profile.organisation,
            "publish_place": self.profile.city,
            "publish_year": str(year),
            "area": "local",
            "shelf": self.shelf,
        }
        base.update(fields)
        return base

    def work(self, rng: random.Random, number: int) -> Work:
        generator = self.generators.pick(rng)
        fields = self.makers[generator](rng, generator)
        if fields is None:
            fields = self._donated(rng, "donated")
        return _work(key=f"L{number:05d}", **fields)

    # -- generators

    def _module(self, rng: random.Random, generator: str) -> dict[str, Any]:
        spec = self.spec["module"]
        name, klass, subject = rng.choice(spec["programs"])
        year = _recent_year(rng, 2008, LAST_YEAR, bias=1.3)
        title = rng.choice(spec["patterns"]).replace("[X]", name)
        if rng.random() < 0.45:
            title = f"{title}: Mata Pelatihan {rng.choice(spec['lessons'])}"
        if rng.random() < 0.55:
            authors, sor = (self.profile.organisation,), f"Tim Penyusun {self.profile.organisation}"
        else:
            authors, names = self._people(rng, (60, 40))
            sor = f"penyusun, {', '.join(names)}"
        electronic = rng.random() < 0.15
        return self._base(
            title,
            klass,
            (subject, "Pendidikan dan Pelatihan"),
            year,
            authors=authors,
            statement_of_responsibility=sor,
            isbn=self._isbn(rng, generator),
            collation=_any_collation(rng, electronic, (48, 180), (29, 30, 21)),
            material_type="Electronic Resource" if electronic else "Text",
            notes=f"Bahan ajar pelatihan Tahun Anggaran {year}." if rng.random() < 0.4 else "",
            series_title="Seri Modul Pelatihan Keagamaan" if rng.random() < 0.15 else "",
            min_copies=2,
        )

    def _aktualisasi(self, rng: random.Random, generator: str) -> dict[str, Any]:
        spec = self.spec["aktualisasi"]
        topic, klass, subject = rng.choice(spec["topics"])
        year = _recent_year(rng, 2015, LAST_YEAR, bias=1.2)
        slots = self._slots(rng, year)
        title = rng.choice(spec["patterns"]).replace("[X]", self._fill(topic, slots, rng))
        (author,), (name,) = self._people(rng, (1,))
        coach, mentor = self.data.names.person(rng)[1], self.data.names.person(rng)[1]
        return self._base(
            title,
            klass,
            (subject, "Aktualisasi Nilai-Nilai Dasar ASN"),
            year,
            authors=(author,),
            statement_of_responsibility=f"{name} ; coach, {coach} ; mentor, {mentor}",
            collation=_collation(rng, (40, 120), (30, 29), ill=0.6),
            material_type="Electronic Resource" if rng.random() < 0.3 else "Text",
            notes=f"Laporan aktualisasi Pelatihan Dasar CPNS Angkatan {rng.randint(1, 12)} Tahun {year}.",
            max_copies=1,
        )

    def _report(self, rng: random.Random, generator: str) -> dict[str, Any]:
        spec = self.spec["report"]
        theme, klass, subject = rng.choice(spec["themes"])
        year = _recent_year(rng, 2005, LAST_YEAR, bias=1.3)
        slots = self._slots(rng, year - 1)
        title = self._fill(theme, slots, rng)
        if rng.random() < spec["prefix_share"]:
            title = f"Laporan Penelitian: {title}"
        authors, names = self._people(rng, (40, 35, 25))
        if rng.random() < 0.25:
            authors = (*authors, self.profile.organisation)
        electronic = rng.random() < 0.25
        subjects = [subject, *(["Kehidupan Beragama -- Indonesia"] if rng.random() < 0.4 else [])]
        return self._base(
            title,
            klass,
            subjects,
            year,
            authors=authors,
            statement_of_responsibility=f"peneliti, {', '.join(names)}",
            isbn=self._isbn(rng, generator),
            collation=_any_collation(rng, electronic, (80, 260), (29, 30, 25)),
            material_type="Electronic Resource" if electronic else "Text",
            notes=self._fill(rng.choice(spec["notes"]), slots, rng),
            reference=True,
            max_copies=3,
        )

    def _thesis(self, rng: random.Random, generator: str) -> dict[str, Any]:
        spec = self.spec["thesis"]
        degree, level, _, pages = self.degrees.pick(rng)
        faculty = rng.choice(spec["faculties"])
        pattern, klass, subject = rng.choice(faculty["patterns"])
        year = _recent_year(rng, 2005, LAST_YEAR, bias=1.2)
        extra = {key: value for key, value in faculty.items() if key.isupper()}
        title = self._fill(pattern, self._slots(rng, year, **extra), rng)
        (author,), (name,) = self._people(rng, (1,))
        electronic = rng.random() < 0.4
        return self._base(
            title,
            klass,
            (subject,),
            year,
            authors=(author,),
            statement_of_responsibility=name,
            collation=_any_collation(rng, electronic, pages, (30, 29)),
            material_type="Electronic Resource" if electronic else "Text",
            notes=f"{degree} ({level}) -- {faculty['name']}, {self.profile.organisation}, {year}.",
            reference=True,
            max_copies=1,
        )

    def _publication(self, rng: random.Random, generator: str) -> dict[str, Any]:
        pattern, area = rng.choice(self.publication_patterns)
        topic = self.topics.pick(rng)
        if area is not None:
            topic = rng.choice(self.topics_by_area.get(area) or [topic])
        year = _recent_year(rng, 2008, LAST_YEAR, bias=1.3)
        slots = self._slots(rng, year, T=rng.choice(topic.terms or topic.subjects))
        title = self._fill(pattern, slots, rng)
        subjects, klass = _subjects_and_class(self.data, topic, title, rng)
        if rng.random() < 0.5:
            authors, names = self._people(rng, (50, 50))
            sor = f"penyunting, {', '.join(names)}"
        else:
            authors, sor = (self.profile.organisation,), ""
        return self._base(
            title,
            klass,
            subjects,
            year,
            authors=authors,
            statement_of_responsibility=sor,
            isbn=self._isbn(rng, generator),
            collation=_collation(rng, (90, 320)),
        )

    def _journal(self, rng: random.Random, generator: str) -> dict[str, Any] | None:
        names = self.spec["journals"]
        name = self._fill(names.get(self.profile.code, names["default"]), self.common_slots, rng)
        for _ in range(3):
            year = _recent_year(rng, 2010, LAST_YEAR, bias=1.0)
            issue = (year - 2009, rng.randint(1, 2))
            if issue not in self.journal_issues:
                break
        else:
            return None
        self.journal_issues.add(issue)
        return self._base(
            f"{name} Vol. {issue[0]} No. {issue[1]} ({year})",
            "2X0.05",
            ("Agama -- Terbitan berkala", "Islam -- Terbitan berkala"),
            year,
            authors=(self.profile.organisation,),
            statement_of_responsibility="Dewan Redaksi",
            isbn=self.issn,
            collation=_collation(rng, (120, 260), (25, 29), ill=0.2),
            notes="Terbit dua kali setahun.",
            reference=True,
            max_copies=2,
        )

    def _manuscript(self, rng: random.Random, generator: str) -> dict[str, Any]:
        spec = self.spec["manuscript"]
        pattern, klass, subject, language = rng.choice(spec["titles"])
        title = self._fill(pattern, {"COL": spec["collections"]}, rng)
        authors = (rng.choice(spec["authors"]),) if rng.random() < 0.35 else ()
        height = rng.choice((30, 31, 32, 21, 22))
        return self._base(
            title,
            klass,
            (subject, "Naskah Kuno"),
            0,
            authors=authors,
            statement_of_responsibility=_sor(authors),
            publisher="[s.n.]",
            publish_place="[s.l.]",
            publish_year=rng.choice(spec["years"]),
            collation=f"{rng.randint(40, 400)} lembar ; {height} x {height - rng.randint(8, 12)} cm",
            language=language,
            material_type="Manuscript",
            notes=rng.choice(spec["notes"]),
            reference=True,
            shelf=self.data.voc["copies"]["special_location"],
            max_copies=1,
        )

    def _listed(self, rng: random.Random, generator: str) -> dict[str, Any]:
        pattern, klass, subject = rng.choice(self.spec[generator])
        year = _recent_year(rng, 2008, LAST_YEAR, bias=1.2)
        title = self._fill(pattern, self._slots(rng, year - 1), rng)
        if generator in ("madrasah", "lpmq") and rng.random() < 0.6:
            authors, names = self._people(rng, (50, 30, 20))
            sor = ", ".join(names)
        else:
            authors, sor = (self.profile.organisation,), ""
        return self._base(
            title,
            klass,
            (subject,),
            year,
            authors=authors,
            statement_of_responsibility=sor,
            isbn=self._isbn(rng, generator),
            collation=_collation(rng, (40, 240), (21, 29, 30)),
            material_type="Electronic Resource" if rng.random() < 0.1 else "Text",
        )

    def _donated(self, rng: random.Random, generator: str) -> dict[str, Any]:
        spec = self.spec["donated"]
        topic = self.topics.pick(rng)
        fields = _topic_fields(self.data, topic, rng)
        year, _ = fields.pop("_year"), fields.pop("_publisher")
        if year < 1995:
            year = _recent_year(rng, 1995, LAST_YEAR)
        slots = {"PES": spec["pesantren"], "CITY": self.profile.city, "ORGX": spec["donors"]}
        notes = fields["notes"]
        if rng.random() < 0.3:
            notes = self._fill(rng.choice(spec["notes"]), slots, rng)
        fields.update(
            publisher=self._fill(
                rng.choice(spec["publishers"].get(topic.area) or spec["publishers"]["default"]), slots, rng
            ),
            publish_place=self.profile.city,
            publish_year=str(year),
            edition="",
            series_title="",
            notes=notes,
            isbn=self._isbn(rng, generator),
        )
        if fields["material_type"] == "Text":
            fields["shelf"] = ""
        return fields


# ------------------------------------------------------------------------------------------- catalogues


class _Cataloguer:
    """Turns works into records (with copies) the way one library catalogues them."""

    def __init__(self, style: CatalogueStyle):
        data = _data()
        copies = data.voc["copies"]
        self.style = style
        self.dewey = style.ddc_scheme == "dewey"
        self.reference_location = copies["reference_location"]
        self.reserve_location = copies["reserve_location"]
        self.copy_count = data.copy_count
        self.copy_status = data.copy_status
        self.item_format = f"{style.item_prefix}{{:0{style.item_digits}d}}"
        self.items = 0

    def record(self, work: Work, rng: random.Random, source_key: str) -> NormalizedRecord:
        style = self.style
        title = style.render_title(work.title)
        klass = work.klass_dewey if self.dewey else work.klass
        if work.title_key:
            letter = _title_letter(work.title_key, "ar")
        else:
            letter = _title_letter(title, work.language)
        call_number = f"{klass} {work.cutter} {letter}"
        isbn = work.isbn
        if len(isbn) > 13 and rng.random() >= style.isbn_hyphenated:
            isbn = isbn.replace("-", "")
        count = min(max(self.copy_count.pick(rng), work.min_copies), work.max_copies)
        shelf = work.shelf or style.general_location
        copies = []
        for index in range(count):
            self.items += 1
            if index == 0 and (work.reference or work.material_type == "Manuscript"):
                collection, location = "Referensi", work.shelf or self.reference_location
            elif index >= 2 and index == count - 1 and rng.random() < 0.5:
                collection, location = "Tandon", self.reserve_location
            else:
                collection, location = "Sirkulasi", shelf
            copies.append(
                NormalizedCopy(
                    item_code=self.item_format.format(self.items),
                    call_number=call_number,
                    collection_type=collection,
                    location=location,
                    status=self.copy_status.pick(rng),
                )
            )
        render = style.render
        return NormalizedRecord(
            source_key=source_key,
            title=title,
            authors=work.authors,
            subjects=tuple(render(subject) for subject in work.subjects),
            statement_of_responsibility=work.statement_of_responsibility,
            edition=work.edition,
            isbn_issn=isbn,
            publisher=work.publisher,
            publish_place=work.publish_place,
            publish_year=work.publish_year,
            collation=render(work.collation),
            series_title=render(work.series_title),
            call_number=call_number,
            classification=klass,
            language=work.language,
            notes=render(work.notes),
            material_type=work.material_type,
            opac_hide=rng.random() < OPAC_HIDE_SHARE,
            copies=tuple(copies),
            raw_format="demo",
            raw_metadata=f'{{"demo_work": "{work.key}"}}',
        )


def generate_catalog(library_code: str, *, size: int = 320, seed: int = 2024) -> Iterator[NormalizedRecord]:
    """Stream the demo catalogue of one library: ``size`` records with ``source_key`` "1".."size".

    Deterministic for ``(library_code, size, seed)``; about 65 % of the records are shared works (see
    ``shared_work_pool``), the rest local works of the unit. Memory does not grow with ``size``.
    """
    if size < 0:
        raise ValueError(f"size must not be negative, got {size}")
    return _catalogue(library_code, size, seed)


def _catalogue(library_code: str, size: int, seed: int) -> Iterator[NormalizedRecord]:
    if not size:
        return
    profile = library_profile(library_code)
    pool = _pool(seed)
    order = _pool_order(library_code, seed, profile.kind)
    local = _LocalWorks(profile)
    cataloguer = _Cataloguer(library_style(library_code))
    rng = random.Random(f"simpul-demo-catalog:{seed}:{library_code}")
    shared_in_block, block_size = SHARED_PER_BLOCK
    block = [True] * shared_in_block + [False] * (block_size - shared_in_block)
    shared = 0
    for number in range(1, size + 1):
        position = (number - 1) % block_size
        if position == 0:
            rng.shuffle(block)  # the share is exact per block, the order within it random
        if block[position] and shared < len(order):
            work = pool[order[shared]]
            shared += 1
        else:
            work = local.work(rng, number)
        yield cataloguer.record(work, rng, str(number))


# ---------------------------------------------------------------------------------------------- members


def generate_members(library_code: str, *, size: int = 40, seed: int = 2024) -> Iterator[dict[str, str]]:
    """Stream demo members: ``member_code``, ``name``, ``member_type`` ("Pegawai", "Peserta Diklat" or
    "Umum") and ``email`` (on reserved example domains)."""
    if size < 0:
        raise ValueError(f"size must not be negative, got {size}")
    return _members(library_code, size, seed)


def _members(library_code: str, size: int, seed: int) -> Iterator[dict[str, str]]:
    data = _data()
    spec = data.voc["members"]
    profile = library_profile(library_code)
    types = _Weighted(spec["types"].get(profile.kind) or spec["types"]["other"])
    before, after = _Weighted(spec["titles_before"]), _Weighted(spec["titles_after"])
    rng = random.Random(f"simpul-demo-members:{seed}:{library_code}")
    seen: set[str] = set()
    for number in range(1, size + 1):
        member_type = types.pick(rng)
        female = rng.random() < 0.45
        _, natural = data.names.person(rng, female)
        titled = member_type != "Umum" or rng.random() < 0.15
        prefix = before.pick(rng) if titled else ""
        if female and prefix == "H.":
            prefix = "Hj."
        suffix = after.pick(rng) if titled else ""
        name = f"{prefix} {natural}".strip() + (f", {suffix}" if suffix else "")
        parts = _slug(natural).split("-")
        local = ".".join(dict.fromkeys((parts[0], parts[-1])))
        if rng.random() < 0.5:
            local += str(rng.randint(1, 99))
        domain = spec["staff_domain"] if member_type == "Pegawai" else rng.choice(spec["public_domains"])
        email = f"{local}@{domain}"
        while email in seen:
            local += str(rng.randint(0, 9))
            email = f"{local}@{domain}"
        seen.add(email)
        yield {
            "member_code": f"{spec['code_prefix'][member_type]}{number:05d}",
            "name": name,
            "member_type": member_type,
            "email": email,
        }


# ------------------------------------------------------------------------------------- benchmark codes


def _place_slug(place: str) -> str:
    """'Kabupaten Sleman' -> 'sleman', 'Kota Bogor' -> 'kota-bogor'."""
    return _slug(re.sub(r"^Kabupaten ", "", place))


def library_codes_for_benchmark(n: int) -> list[str]:
    """``n`` distinct, valid, plausible library codes ("mtsn-3-sleman", "man-1-kota-bogor",
    "kua-mlati", "kankemenag-bantul", "iain-kudus"), never one of the real units of the vocabulary.
    Deterministic; the first ``k`` codes of ``n`` are the codes for ``k``."""
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    voc = _vocabulary()
    spec = voc["benchmark_codes"]
    places = [_place_slug(place) for place in voc["places"]]
    cities = [slug.removeprefix("kota-") for slug in places]
    kecamatan = [_slug(name) for name in voc["kecamatan"]]
    families = _Weighted(
        [(("numbered", prefix), weight) for prefix, weight in spec["numbered"].items()]
        + [(("kua", "kua"), spec["kua"]), (("kankemenag", "kankemenag"), spec["kankemenag"])]
        + [(("ptkin", prefix), weight) for prefix, weight in spec["ptkin"].items()]
    )
    rng = random.Random("simpul-demo-benchmark-codes")
    taken = set(voc["units"])
    real = {code.replace("-", "") for code in taken}  # "mtsn-2-magelang" would be the real mtsn2-magelang
    codes: list[str] = []
    misses = 0
    while len(codes) < n:
        family, prefix = families.pick(rng)
        if family == "numbered":
            code = f"{prefix}-{rng.randint(1, 12)}-{rng.choice(places)}"
        elif family == "kua":
            code = f"kua-{rng.choice(kecamatan)}"
        elif family == "kankemenag":
            code = f"kankemenag-{rng.choice(places)}"
        else:
            code = f"{prefix}-{rng.choice(cities)}"
        if code in taken or code.replace("-", "") in real or len(code) > 48:
            misses += 1
            if misses < 50:
                continue
            code = f"{code[:40]}-{len(codes) + 1}"
            while code in taken:
                code += "-1"
        if not _CODE_PATTERN.match(code) or code.startswith("pg"):
            continue
        taken.add(code)
        codes.append(code)
        misses = 0
    return codes
