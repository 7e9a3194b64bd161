"""Catalogue records for the harvest tests and the loopback server.

``build_records`` uses ``demo.catalogue.generate_catalog`` when that module exists and
returns ``NormalizedRecord`` objects; otherwise a small deterministic generator here. The records the
harvest tests assert on by name (Arabic script, transliterated Arabic, a title already broken in the
source database) come from ``special_records`` either way.
"""

from __future__ import annotations

import random
from dataclasses import replace

from catalog.normalized import NormalizedCopy, NormalizedRecord

ARABIC_TITLE = "صحيح البخاري"
SAHIH_TITLE = "Ṣaḥīḥ al-Bukhārī : terjemah lengkap"
TAFSIR_TITLE = "Tafsīr al-Qurʾān al-ʿAẓīm"


def mojibake(text: str) -> str:
    """UTF-8 read as Latin-1 once: what PHP's ``utf8_encode`` does to UTF-8 text."""
    return text.encode("utf-8").decode("latin-1")


_WORDS = [
    "Pendidikan",
    "Agama",
    "Islam",
    "Fiqih",
    "Ibadah",
    "Sejarah",
    "Peradaban",
    "Tafsir",
    "Hadis",
    "Akhlak",
    "Manajemen",
    "Madrasah",
    "Ekonomi",
    "Syariah",
    "Moderasi",
    "Beragama",
    "Kerukunan",
    "Umat",
    "Zakat",
    "Wakaf",
    "Dakwah",
    "Kebudayaan",
    "Nusantara",
    "Pesantren",
]
_SUBTITLES = ["teori dan praktik", "sebuah pengantar", "kajian tematik", "edisi revisi", "panduan guru"]
_FAMILY = ["Hidayat", "Nasution", "Rahman", "Syafi'i", "Abdullah", "Harahap", "Lubis", "Qardhawi", "Azra"]
_GIVEN = ["Ahmad", "Siti", "Muhammad", "Nurul", "Yusuf", "Aisyah", "Hasan", "Fatimah", "Zainal"]
_SUBJECTS = [
    "Fiqih",
    "Pendidikan Islam",
    "Sejarah Islam",
    "Tafsir",
    "Hadis",
    "Akhlak",
    "Ekonomi Islam",
    "Dakwah",
]
_PUBLISHERS = [("Kencana", "Jakarta"), ("Pustaka Pelajar", "Yogyakarta"), ("Rajawali Pers", "Depok")]
_CLASSES = ["297.4", "2X4.3", "297.1", "371.07", "2X7.5"]


def _isbn13(rng: random.Random) -> str:
    digits = [9, 7, 8, 6, 0, 2] + [rng.randrange(10) for _ in range(6)]
    check = (10 - sum(digit * (1 if index % 2 == 0 else 3) for index, digit in enumerate(digits)) % 10) % 10
    body = "".join(map(str, digits)) + str(check)
    return f"{body[:3]}-{body[3:6]}-{body[6:10]}-{body[10:12]}-{body[12]}"


def _generated_record(library_code: str, number: int, rng: random.Random) -> NormalizedRecord:
    title = " ".join(rng.sample(_WORDS, rng.randint(2, 4)))
    if rng.random() < 0.4:
        title = f"{title} : {rng.choice(_SUBTITLES)}"
    authors = tuple(f"{rng.choice(_FAMILY)}, {rng.choice(_GIVEN)}" for _ in range(rng.randint(1, 3)))
    publisher, place = rng.choice(_PUBLISHERS)
    classification = rng.choice(_CLASSES)
    call_number = f"{classification} {authors[0][:3].upper()} {title[0].lower()}"
    copies = tuple(
        NormalizedCopy(
            item_code=f"{library_code}{number:07d}{copy_number}",
            call_number=call_number,
            collection_type=rng.choice(["Textbook", "Reference"]),
            location="Ruang Baca Utama",
        )
        for copy_number in range(1, rng.randint(1, 3) + 1)
    )
    return NormalizedRecord(
        source_key=str(number),
        title=title,
        authors=tuple(dict.fromkeys(authors)),
        subjects=tuple(dict.fromkeys(rng.sample(_SUBJECTS, rng.randint(1, 2)))),
        statement_of_responsibility=authors[0],
        edition=rng.choice(["", "Cet. 1", "Ed. 2"]),
        isbn_issn=_isbn13(rng) if rng.random() < 0.8 else "",
        publisher=publisher,
        publish_place=place,
        publish_year=str(rng.randint(1995, 2024)),
        collation=f"xii, {rng.randint(80, 600)} hlm. : ilus. ; 21 cm",
        series_title=rng.choice(["", "", "Seri Studi Islam"]),
        call_number=call_number,
        classification=classification,
        language=rng.choice(["id", "id", "id", "en", "ar"]),
        notes=rng.choice(["", "Termasuk bibliografi dan indeks."]),
        material_type="Text",
        copies=copies,
        raw_format="demo",
    )


def special_records(library_code: str = "TEST") -> list[NormalizedRecord]:
    """Records whose titles exercise the encoding repairs (source_key is reassigned by the server)."""

    def copy(code: str) -> tuple[NormalizedCopy, ...]:
        return (
            NormalizedCopy(item_code=f"{library_code}{code}", call_number="2X4.1 BUK s", location="Rak A"),
        )

    base = NormalizedRecord(
        source_key="",
        title="",
        authors=("al-Bukhārī, Muḥammad ibn Ismāʿīl",),
        subjects=("Hadis",),
        publisher="Dar Ibn Katsir",
        publish_place="Beirut",
        publish_year="1423 H/2002",
        collation="1536 hlm. ; 24 cm",
        call_number="2X4.1 BUK s",
        classification="2X4.1",
        language="ar",
        material_type="Text",
        raw_format="demo",
    )
    return [
        replace(base, title=ARABIC_TITLE, authors=("البخاري، محمد بن إسماعيل",), copies=copy("AR001")),
        replace(base, title=SAHIH_TITLE, language="id", copies=copy("SH001")),
        # already broken once in the source database: oai.php breaks it a second time
        replace(base, title=mojibake(TAFSIR_TITLE), authors=("Ibn Kathīr",), copies=copy("TF001")),
        replace(
            base,
            title="Fiqih Ibadah : shalat, zakat dan puasa",
            authors=("Rasjid, Sulaiman",),
            language="id",
            publish_year="2019",
            isbn_issn="978-979-3316-55-9",
            copies=copy("FQ001") + copy("FQ002"),
        ),
    ]


def build_records(
    library_code: str = "TEST", size: int = 50, seed: int = 7, *, use_demo_catalog: bool = False
) -> list[NormalizedRecord]:
    """``size`` records: the special ones first, then generated ones.

    ``use_demo_catalog``: take the generated ones from ``demo.catalogue`` when it exists
    (realistic content for benchmarks); the built-in generator is the default so that field-by-field
    assertions do not depend on another module's choices.
    """
    specials = special_records(library_code)
    wanted = max(size - len(specials), 0)
    generated: list[NormalizedRecord] = []
    generate_catalog = None
    if use_demo_catalog:
        try:
            from demo.catalogue import generate_catalog  # written in parallel; optional
        except ImportError:
            generate_catalog = None
    if generate_catalog is not None and wanted:
        try:
            candidates = list(generate_catalog(library_code, size=wanted, seed=seed))
        except TypeError:
            candidates = []
        if candidates and all(isinstance(item, NormalizedRecord) for item in candidates):
            generated = candidates[:wanted]
    if len(generated) < wanted:
        rng = random.Random(seed)
        generated = [_generated_record(library_code, number, rng) for number in range(1, wanted + 1)]
    return (specials + generated)[:size] if size >= len(specials) else specials[:size]
