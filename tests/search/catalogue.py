"""A FIXED test catalogue for the union search: seven libraries in seven provinces and five unit kinds,
Indonesian Islamic literature with the spelling variants real catalogues have (shalat/sholat/salat,
fiqih/fikih/fiqh, hadits/hadis, Al-Qur'an/Alquran), Arabic-script titles with and without harakat,
valid ISBNs, and the same work held by several libraries under slightly different titles.

Documents are built with ``search.union_document.build_union_document_from_normalized`` — the same field
logic the indexer uses — and bulk-loaded into an index of their own (``<test prefix>-catalogue-<pid>``),
so tests that rebuild or swap the ordinary test alias never disturb it. ``tests/search/relevance.yaml``
names works of this catalogue by their ``ref``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from elasticsearch import Elasticsearch, helpers

from catalog.normalized import NormalizedCopy, NormalizedRecord
from search.documents import union_index_settings, union_mapping
from search.union_document import LibraryHolding, build_union_document_from_normalized, document_id
from tests.factories import LIBRARY_A, LIBRARY_B


def _holding(spec: dict) -> LibraryHolding:
    return LibraryHolding(spec["code"], spec["name"], spec["city"], spec["province"], spec["kind"])


LIBRARIES = {
    library.code: library
    for library in (
        _holding(LIBRARY_A),  # uji-aceh: exists as a tenant in the test database
        _holding(LIBRARY_B),  # uji-medan: exists as a tenant in the test database
        LibraryHolding("uji-lpmq", "Perpustakaan LPMQ Uji", "Tangerang Selatan", "Banten", "lpmq"),
        LibraryHolding(
            "uji-uin-yogya", "Perpustakaan UIN Uji Yogyakarta", "Yogyakarta", "DI Yogyakarta", "ptkin"
        ),
        LibraryHolding(
            "uji-bla-semarang", "Perpustakaan Balai Litbang Uji", "Semarang", "Jawa Tengah", "bla"
        ),
        LibraryHolding(
            "uji-man-makassar", "Perpustakaan MAN Uji Makassar", "Makassar", "Sulawesi Selatan", "madrasah"
        ),
        LibraryHolding("uji-bdk-surabaya", "Perpustakaan BDK Uji Surabaya", "Surabaya", "Jawa Timur", "bdk"),
    )
}

ACEH, MEDAN, LPMQ, YOGYA, SEMARANG, MAKASSAR, SURABAYA = LIBRARIES


@dataclass(frozen=True)
class Work:
    title: str
    authors: tuple[str, ...]
    subjects: tuple[str, ...]
    publisher: str
    place: str
    year: str
    isbn: str = ""
    call_number: str = ""
    classification: str = ""
    language: str = "id"
    material_type: str = "Text"
    series: str = ""
    notes: str = ""


# fmt: off
WORKS: dict[str, Work] = {
    "tuntunan-shalat": Work(
        "Tuntunan Shalat Lengkap", ("Moh. Rifa'i",), ("Shalat", "Ibadah"), "Karya Toha Putra", "Semarang",
        "2010", "978-979-076-123-0", "2X4.21 RIF t", "2X4.21",
    ),
    "pedoman-salat-berjamaah": Work(
        "Pedoman Salat Berjamaah", ("Abdul Somad",), ("Salat berjamaah",), "Tafaqquh Media", "Pekanbaru",
        "2017", "", "2X4.21 SOM p", "2X4.21",
    ),
    "sholat-khusyuk": Work(
        "Sholat Khusyuk: Panduan Praktis", ("Abu Sangkan",), ("Sholat", "Tasawuf"), "Baitul Ihsan", "Jakarta",
        "2006", "9789793014456", "2X4.21 SAN s", "2X4.21",
    ),
    "fikih-shalat-mazhab": Work(
        "Fikih Shalat Empat Mazhab", ("Abdul Qadir ar-Rahbawi",), ("Fikih", "Shalat"), "Hikmah", "Jakarta",
        "2008", "979-3686-12-X", "2X4.21 RAH f", "2X4.21",
    ),
    "fikih-sunnah": Work(
        "Fiqih Sunnah Jilid 1", ("Sayyid Sabiq",), ("Fiqih", "Hukum Islam"), "Pena Pundi Aksara", "Jakarta",
        "2006", "9789791060110", "2X4.1 SAB f", "2X4.1", series="Fiqih Sunnah",
    ),
    "fiqih-islam": Work(
        "Fiqih Islam: Hukum Fiqih Lengkap", ("Sulaiman Rasjid",), ("Fiqih",), "Sinar Baru Algensindo",
        "Bandung", "2019", "978-602-8519-93-9", "2X4.1 SUL f", "2X4.1",
    ),
    "hukum-zakat": Work(
        "Hukum Zakat", ("Yusuf al-Qaradhawi",), ("Zakat",), "Litera AntarNusa", "Bogor", "2007",
        "9789790247123", "2X4.4 QAR h", "2X4.4",
    ),
    "ushul-fikih": Work(
        "Ilmu Ushul Fikih", ("Abdul Wahhab Khallaf",), ("Ushul fiqh",), "Dina Utama", "Semarang", "1994",
        "", "2X4.01 KHA i", "2X4.01",
    ),
    "fiqh-muamalah": Work(
        "Fiqh Muamalah", ("Hendi Suhendi",), ("Muamalah", "Ekonomi Islam"), "RajaGrafindo Persada", "Jakarta",
        "2014", "9789797694364", "2X4.6 SUH f", "2X4.6",
    ),
    "quran-terjemah": Work(
        "Al-Qur'an dan Terjemahnya", ("Departemen Agama RI",), ("Al-Qur'an",),
        "Lajnah Pentashihan Mushaf Al-Qur'an", "Jakarta", "2019", "978-602-1772-20-1", "2X1.1 DEP a", "2X1.1",
    ),
    "tafsir-mishbah": Work(
        "Tafsir Al-Mishbah: Pesan, Kesan dan Keserasian Al-Qur'an", ("M. Quraish Shihab",), ("Tafsir",),
        "Lentera Hati", "Jakarta", "2002", "9789799688118", "2X1.3 SHI t", "2X1.3",
        series="Tafsir Al-Mishbah",
    ),
    "tafsir-azhar": Work(
        "Tafsir Al-Azhar Juz 1", ("Hamka",), ("Tafsir",), "Pustaka Panjimas", "Jakarta", "1982", "",
        "2X1.3 HAM t", "2X1.3",
    ),
    "tafsir-muyassar": Work(
        "التفسير الميسر", ("نخبة من العلماء",), ("تفسير",), "مجمع الملك فهد", "المدينة المنورة", "2009", "",
        "2X1.3 NUK t", "2X1.3", language="ar",
    ),
    "sahih-bukhari-ar": Work(
        "صحيح البخاري", ("محمد بن إسماعيل البخاري",), ("حديث",), "دار ابن كثير", "دمشق", "2002", "",
        "2X2.1 BUK s", "2X2.1", language="ar",
    ),
    "riyad-salihin-ar": Work(
        "رياض الصالحين", ("يحيى بن شرف النووي",), ("حديث", "أخلاق"), "دار السلام", "الرياض", "1998", "",
        "2X2.4 NAW r", "2X2.4", language="ar",
    ),
    "ihya-ar": Work(
        "إحياء علوم الدين", ("أبو حامد الغزالي",), ("تصوف",), "دار المعرفة", "بيروت", "1982", "",
        "2X5.2 GHA i", "2X5.2", language="ar",
    ),
    "arbain": Work(
        "Hadits Arba'in An-Nawawi", ("Imam an-Nawawi",), ("Hadis",), "Darul Haq", "Jakarta", "2012",
        "9789791345675", "2X2.4 NAW h", "2X2.4",
    ),
    "bulughul-maram": Work(
        "Terjemah Bulughul Maram", ("Ibnu Hajar al-Asqalani",), ("Hadis", "Fikih"), "Pustaka Amani",
        "Jakarta", "1995", "", "2X2.4 ASQ t", "2X2.4",
    ),
    "riyadus-shalihin": Work(
        "Riyadhus Shalihin", ("Imam an-Nawawi",), ("Hadis", "Akhlak"), "Pustaka as-Sunnah", "Jakarta", "2010",
        "978-602-97814-5-8", "2X2.4 NAW r", "2X2.4",
    ),
    "terjemah-bukhari": Work(
        "Terjemah Shahih Bukhari", ("Imam al-Bukhari",), ("Hadis",), "Widjaya", "Jakarta", "1992", "",
        "2X2.1 BUK t", "2X2.1",
    ),
    "musthalah-hadits": Work(
        "Ilmu Musthalah Hadits", ("Abdul Qadir Hassan",), ("Ulumul hadis",), "Diponegoro", "Bandung", "2007",
        "9789790764552", "2X2.01 HAS i", "2X2.01",
    ),
    "akhlak-tasawuf": Work(
        "Akhlak Tasawuf", ("Rosihon Anwar",), ("Akhlak", "Tasawuf"), "Pustaka Setia", "Bandung", "2010",
        "9789790768895", "2X5 ANW a", "2X5",
    ),
    "ihya-ulumuddin": Work(
        "Ihya' 'Ulumuddin: Menghidupkan Ilmu-ilmu Agama", ("Imam al-Ghazali",), ("Tasawuf",), "Republika",
        "Jakarta", "2011", "9786020822198", "2X5.2 GHA i", "2X5.2",
    ),
    "tasawuf-modern": Work(
        "Tasawuf Modern", ("Hamka",), ("Tasawuf",), "Republika", "Jakarta", "2015", "9786020823515",
        "2X5.2 HAM t", "2X5.2",
    ),
    "pai-perguruan-tinggi": Work(
        "Pendidikan Agama Islam untuk Perguruan Tinggi", ("Ahmad Tafsir",), ("Pendidikan Islam",),
        "Remaja Rosdakarya", "Bandung", "2013", "9789796924141", "2X7.3 TAF p", "2X7.3",
    ),
    "ilmu-pendidikan-islam": Work(
        "Ilmu Pendidikan Islam", ("Zakiah Daradjat",), ("Pendidikan Islam",), "Bumi Aksara", "Jakarta",
        "2011", "9789795262039", "2X7.3 DAR i", "2X7.3",
    ),
    "strategi-pembelajaran-pai": Work(
        "Strategi Pembelajaran Pendidikan Agama Islam", ("Abdul Majid",),
        ("Pembelajaran", "Pendidikan Islam"),
        "Remaja Rosdakarya", "Bandung", "2012", "9789796925223", "2X7.3 MAJ s", "2X7.3",
    ),
    "belajar-pembelajaran": Work(
        "Belajar dan Pembelajaran", ("Dimyati", "Mudjiono"), ("Belajar", "Pendidikan"), "Rineka Cipta",
        "Jakarta", "2009", "9789795189114", "370.15 DIM b", "370.15",
    ),
    "psikologi-pendidikan": Work(
        "Psikologi Pendidikan dengan Pendekatan Baru", ("Muhibbin Syah",), ("Psikologi pendidikan",),
        "Remaja Rosdakarya", "Bandung", "2010", "9789796921331", "370.15 SYA p", "370.15",
    ),
    "manajemen-madrasah": Work(
        "Manajemen Pendidikan Madrasah", ("Mujamil Qomar",), ("Manajemen pendidikan", "Madrasah"), "Erlangga",
        "Jakarta", "2007", "9789790994423", "2X7.3 QOM m", "2X7.3",
    ),
    "kepemimpinan-islam": Work(
        "Kepemimpinan dalam Islam", ("Veithzal Rivai",), ("Kepemimpinan",), "RajaGrafindo Persada", "Jakarta",
        "2013", "9789797693121", "2X4.3 RIV k", "2X4.3",
    ),
    "sejarah-peradaban": Work(
        "Sejarah Peradaban Islam", ("Badri Yatim",), ("Sejarah Islam",), "RajaGrafindo Persada", "Jakarta",
        "2008", "9789794214510", "2X9 YAT s", "2X9",
    ),
    "rahiq-makhtum": Work(
        "Ar-Rahiq Al-Makhtum: Sirah Nabawiyah", ("Shafiyyurrahman al-Mubarakfuri",),
        ("Sirah Nabawiyah", "Nabi Muhammad"), "Pustaka al-Kautsar", "Jakarta", "2012", "9789795926450",
        "2X9.1 MUB r", "2X9.1",
    ),
    "manasik-haji": Work(
        "Manasik Haji dan Umrah", ("Kementerian Agama RI",), ("Haji", "Umrah"),
        "Direktorat Jenderal Penyelenggaraan Haji dan Umrah", "Jakarta", "2020", "", "2X4.5 KEM m", "2X4.5",
    ),
    "doa-dzikir": Work(
        "Doa dan Dzikir Sehari-hari", ("Hasan Bashri",), ("Zikir", "Doa"), "Gema Insani", "Jakarta", "2016",
        "9786022503668", "2X4.27 BAS d", "2X4.27",
    ),
    "moderasi-beragama": Work(
        "Moderasi Beragama", ("Kementerian Agama RI",), ("Moderasi beragama", "Kerukunan umat beragama"),
        "Badan Litbang dan Diklat Kementerian Agama RI", "Jakarta", "2019", "978-602-51234-5-0",
        "297.27 KEM m", "297.27",
        notes="Buku resmi Kementerian Agama tentang cara pandang beragama yang moderat.",
    ),
    "khutbah-jumat": Work(
        "Kumpulan Khutbah Jum'at Pilihan", ("Tim Penulis Pustaka Amani",), ("Khutbah",), "Pustaka Amani",
        "Jakarta", "2005", "", "297.43 KUM k", "297.43",
    ),
    "sejarah-nu": Work(
        "Sejarah Nahdlatul Ulama", ("Choirul Anam",), ("Nahdlatul Ulama",), "Duta Aksara Mulia", "Surabaya",
        "2010", "9786028516129", "297.65 ANA s", "297.65",
    ),
    "islamic-law-indonesia": Work(
        "Islamic Law in Indonesia: Ideas and Institutions", ("R. Michael Feener",),
        ("Islamic law", "Indonesia"),
        "Harvard University Press", "Cambridge", "2007", "978-0-415-30974-5", "340.59 FEE i", "340.59",
        language="en",
    ),
    "bank-syariah": Work(
        "Bank Syariah: Dari Teori ke Praktik", ("Muhammad Syafi'i Antonio",), ("Perbankan syariah",),
        "Gema Insani", "Jakarta", "2001", "9789795612186", "2X4.6 ANT b", "2X4.6",
    ),
    "wakaf-produktif": Work(
        "Manajemen Wakaf Produktif", ("Jaih Mubarok",), ("Wakaf",), "Simbiosa Rekatama Media", "Bandung",
        "2008", "9789791805223", "2X4.45 MUB m", "2X4.45",
    ),
    "akidah-akhlak-mts": Work(
        "Akidah Akhlak untuk Madrasah Tsanawiyah Kelas VII", ("Kementerian Agama RI",),
        ("Akidah akhlak", "Buku ajar"), "Kementerian Agama RI", "Jakarta", "2020", "9786022941231",
        "2X7.3 KEM a", "2X7.3", material_type="Electronic Resource",
    ),
    "ilmu-tajwid": Work(
        "Pedoman Ilmu Tajwid Lengkap", ("Acep Lim Abdurohim",), ("Tajwid", "Al-Qur'an"), "Diponegoro",
        "Bandung", "2003", "9789796932412", "2X1.4 ABD p", "2X1.4",
    ),
    "mushaf-standar": Work(
        "Mushaf Al-Qur'an Standar Indonesia: Sejarah dan Perkembangannya",
        ("Lajnah Pentashihan Mushaf Al-Qur'an",), ("Mushaf", "Al-Qur'an"), "LPMQ", "Jakarta", "2013",
        "9786021719121", "2X1.09 LAJ m", "2X1.09", material_type="Electronic Resource",
    ),
    "kitab-kuning": Work(
        "Kitab Kuning, Pesantren dan Tarekat", ("Martin van Bruinessen",), ("Pesantren", "Tarekat"), "Mizan",
        "Bandung", "1995", "9789794332245", "297.6 BRU k", "297.6",
    ),
    "metodologi-penelitian": Work(
        "Metodologi Penelitian Kualitatif", ("Lexy J. Moleong",), ("Penelitian kualitatif",),
        "Remaja Rosdakarya", "Bandung", "2017", "9789795141334", "001.42 MOL m", "001.42",
    ),
    "perpustakaan-khusus": Work(
        "Manajemen Perpustakaan Khusus", ("Sulistyo-Basuki",), ("Perpustakaan khusus",),
        "Universitas Terbuka",
        "Jakarta", "2010", "9789790115774", "026 SUL m", "026",
    ),
    "kumpulan-shalawat": Work(
        "Kumpulan Shalawat Nabi", ("Ahmad Mudjab Mahalli",), ("Selawat",), "Mitra Pustaka", "Yogyakarta",
        "2004", "978-602-8773-14-0", "2X4.27 MAH k", "2X4.27",
    ),
    "kisah-sahabat": Work(
        "Kisah Sahabat Nabi", ("Muhammad Raji Hasan Kinas",), ("Sahabat Nabi",), "Zaman", "Jakarta", "2012",
        "", "2X9.2 KIN k", "2X9.2",
    ),
    "salam-sapa": Work(
        "Salam dan Sapa dalam Islam", ("Nur Hidayat",), ("Adab",), "Gramedia", "Jakarta", "2018", "",
        "2X5.4 HID s", "2X5.4",
    ),
}


@dataclass(frozen=True)
class Holding:
    ref: str
    library_code: str
    copies: int = 2
    on_shelf: int = 1
    title: str | None = None  # the library's own spelling of the title
    subjects: tuple[str, ...] | None = None
    authors: tuple[str, ...] | None = None


# fmt: off
HOLDINGS: tuple[Holding, ...] = (
    Holding("tuntunan-shalat", ACEH, 3, 2),
    Holding("tuntunan-shalat", LPMQ, 1, 1, title="Tuntunan Sholat Lengkap", subjects=("Sholat",)),
    Holding("tuntunan-shalat", MAKASSAR, 2, 0, title="Tuntunan Salat Lengkap", subjects=("Salat",)),
    Holding("pedoman-salat-berjamaah", YOGYA, 2, 2),
    Holding("pedoman-salat-berjamaah", SEMARANG, 1, 1, title="Pedoman Shalat Berjamaah"),
    Holding("sholat-khusyuk", MEDAN, 2, 1),
    Holding("sholat-khusyuk", SURABAYA, 1, 1, title="Shalat Khusyuk: Panduan Praktis"),
    Holding("fikih-shalat-mazhab", SURABAYA, 2, 2),
    Holding("fikih-shalat-mazhab", ACEH, 1, 0, title="Fiqih Sholat Empat Madzhab"),
    Holding("fikih-sunnah", ACEH, 4, 3),
    Holding("fikih-sunnah", MEDAN, 2, 2, title="Fikih Sunah Jilid 1"),
    Holding("fikih-sunnah", YOGYA, 5, 1, title="Fiqh Sunnah Jilid 1"),
    Holding("fikih-sunnah", MAKASSAR, 1, 1),
    Holding("fiqih-islam", ACEH, 3, 1),
    Holding("fiqih-islam", MEDAN, 2, 2),
    Holding("fiqih-islam", SEMARANG, 1, 0),
    Holding("fiqih-islam", SURABAYA, 2, 1, title="Fikih Islam: Hukum Fikih Lengkap"),
    Holding("fiqih-islam", MAKASSAR, 1, 1),
    Holding("hukum-zakat", YOGYA, 2, 1),
    Holding("hukum-zakat", SEMARANG, 1, 1),
    Holding("hukum-zakat", LPMQ, 1, 0),
    Holding("ushul-fikih", YOGYA, 3, 3),
    Holding("ushul-fikih", ACEH, 1, 1, title="Ilmu Ushul Fiqh"),
    Holding("fiqh-muamalah", YOGYA, 2, 2),
    Holding("fiqh-muamalah", MAKASSAR, 1, 0),
    Holding("quran-terjemah", LPMQ, 10, 8),
    Holding("quran-terjemah", ACEH, 5, 5, title="Alquran dan Terjemahnya"),
    Holding("quran-terjemah", MEDAN, 3, 2, title="Al Quran dan Terjemahannya"),
    Holding("quran-terjemah", MAKASSAR, 6, 6),
    Holding("quran-terjemah", SURABAYA, 2, 2),
    Holding("tafsir-mishbah", LPMQ, 2, 2),
    Holding("tafsir-mishbah", YOGYA, 1, 0),
    Holding("tafsir-mishbah", SEMARANG, 1, 1),
    Holding("tafsir-azhar", MEDAN, 1, 1),
    Holding("tafsir-azhar", ACEH, 1, 1, title="Tafsir al-Azhar Juzu' 1"),
    Holding("tafsir-muyassar", LPMQ, 1, 1, title="التَّفْسِيرُ المُيَسَّرُ"),
    Holding("tafsir-muyassar", YOGYA, 1, 1),
    Holding("sahih-bukhari-ar", YOGYA, 2, 2, title="صَحِيحُ البُخَارِيّ"),
    Holding("sahih-bukhari-ar", LPMQ, 1, 1),
    Holding("riyad-salihin-ar", ACEH, 1, 1),
    Holding("ihya-ar", SEMARANG, 1, 1, title="احياء علوم الدين"),
    Holding("ihya-ar", YOGYA, 1, 0),
    Holding("arbain", MAKASSAR, 2, 2),
    Holding("arbain", MEDAN, 1, 1, title="Hadis Arbain Nawawi"),
    Holding("bulughul-maram", ACEH, 2, 2),
    Holding("bulughul-maram", SURABAYA, 1, 1),
    Holding("riyadus-shalihin", MEDAN, 2, 2),
    Holding("riyadus-shalihin", YOGYA, 1, 1, title="Riyadush Shalihin"),
    Holding("riyadus-shalihin", MAKASSAR, 1, 0, title="Riyadus Salihin"),
    Holding("terjemah-bukhari", SEMARANG, 1, 1),
    Holding("terjemah-bukhari", ACEH, 1, 1),
    Holding("musthalah-hadits", YOGYA, 1, 1),
    Holding("akhlak-tasawuf", YOGYA, 3, 3),
    Holding("akhlak-tasawuf", SEMARANG, 1, 1),
    Holding("akhlak-tasawuf", MAKASSAR, 2, 1, title="Akhlaq Tasawwuf"),
    Holding("ihya-ulumuddin", ACEH, 1, 1),
    Holding("ihya-ulumuddin", MEDAN, 1, 0, title="Ihya Ulumiddin: Menghidupkan Ilmu-ilmu Agama"),
    Holding("ihya-ulumuddin", SURABAYA, 1, 1),
    Holding("tasawuf-modern", MEDAN, 2, 2),
    Holding("tasawuf-modern", YOGYA, 1, 1),
    Holding("tasawuf-modern", MAKASSAR, 1, 1, title="Tasawwuf Modern"),
    Holding("pai-perguruan-tinggi", YOGYA, 4, 4),
    Holding("pai-perguruan-tinggi", SURABAYA, 2, 1),
    Holding("pai-perguruan-tinggi", MEDAN, 1, 1),
    Holding("ilmu-pendidikan-islam", YOGYA, 3, 2),
    Holding("ilmu-pendidikan-islam", ACEH, 1, 1),
    Holding("ilmu-pendidikan-islam", MAKASSAR, 2, 2),
    Holding("strategi-pembelajaran-pai", SURABAYA, 2, 2),
    Holding("strategi-pembelajaran-pai", SEMARANG, 1, 1),
    Holding("belajar-pembelajaran", MAKASSAR, 2, 1),
    Holding("belajar-pembelajaran", ACEH, 1, 1),
    Holding("psikologi-pendidikan", MEDAN, 1, 1),
    Holding("manajemen-madrasah", MAKASSAR, 1, 1),
    Holding("manajemen-madrasah", SURABAYA, 1, 1),
    Holding("kepemimpinan-islam", SEMARANG, 1, 1),
    Holding("sejarah-peradaban", ACEH, 2, 2),
    Holding("sejarah-peradaban", YOGYA, 3, 1),
    Holding("sejarah-peradaban", MAKASSAR, 1, 1),
    Holding("sejarah-peradaban", MEDAN, 1, 1),
    Holding("rahiq-makhtum", SURABAYA, 1, 1),
    Holding("rahiq-makhtum", ACEH, 1, 1, title="Sirah Nabawiyah: Ar-Rahiq al-Makhtum"),
    Holding("manasik-haji", ACEH, 2, 2, title="Manasik Hajji dan Umroh"),
    Holding("manasik-haji", MAKASSAR, 3, 3),
    Holding("manasik-haji", SEMARANG, 1, 1),
    Holding("doa-dzikir", MEDAN, 1, 1, title="Do'a dan Zikir Sehari-hari"),
    Holding("doa-dzikir", SURABAYA, 2, 2),
    Holding("moderasi-beragama", ACEH, 5, 5),
    Holding("moderasi-beragama", MEDAN, 5, 4),
    Holding("moderasi-beragama", LPMQ, 3, 3),
    Holding("moderasi-beragama", YOGYA, 4, 4),
    Holding("moderasi-beragama", SEMARANG, 10, 9),
    Holding("moderasi-beragama", MAKASSAR, 2, 2),
    Holding("moderasi-beragama", SURABAYA, 3, 3),
    Holding("khutbah-jumat", ACEH, 1, 1),
    Holding("khutbah-jumat", MAKASSAR, 1, 1, title="Kumpulan Khutbah Jumat Pilihan"),
    Holding("sejarah-nu", SURABAYA, 2, 2),
    Holding("islamic-law-indonesia", YOGYA, 1, 1),
    Holding("bank-syariah", YOGYA, 2, 2),
    Holding("bank-syariah", MEDAN, 1, 1, title="Bank Syari'ah dari Teori ke Praktik"),
    Holding("wakaf-produktif", SEMARANG, 1, 1, title="Manajemen Waqaf Produktif"),
    Holding("wakaf-produktif", LPMQ, 1, 1),
    Holding("akidah-akhlak-mts", MAKASSAR, 30, 25, title="Aqidah Akhlak untuk Madrasah Tsanawiyah Kelas VII"),
    Holding("akidah-akhlak-mts", ACEH, 5, 5),
    Holding("ilmu-tajwid", LPMQ, 2, 2),
    Holding("ilmu-tajwid", MAKASSAR, 3, 3, title="Pedoman Ilmu Tajweed Lengkap"),
    Holding("mushaf-standar", LPMQ, 2, 2),
    Holding("kitab-kuning", SEMARANG, 1, 1),
    Holding("kitab-kuning", YOGYA, 2, 1),
    Holding("metodologi-penelitian", SEMARANG, 2, 2),
    Holding("metodologi-penelitian", YOGYA, 5, 3),
    Holding("metodologi-penelitian", MEDAN, 1, 1),
    Holding("perpustakaan-khusus", SEMARANG, 1, 1),
    Holding("perpustakaan-khusus", LPMQ, 1, 1),
    Holding("kumpulan-shalawat", MEDAN, 1, 1),
    Holding("kumpulan-shalawat", SURABAYA, 1, 1, title="Kumpulan Sholawat Nabi"),
    Holding("kisah-sahabat", ACEH, 1, 1),
    Holding("salam-sapa", MAKASSAR, 1, 1),
)
# fmt: on

FIRST_RECORD_ID = 9001  # far above ids the session libraries' own test records get
_CREATED_FROM = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class CatalogueRecord:
    ref: str
    library_code: str
    record_id: int
    record: NormalizedRecord
    created_at: datetime

    @property
    def doc_id(self) -> str:
        return document_id(self.library_code, self.record_id)


def _normalized(work: Work, holding: Holding, record_id: int) -> NormalizedRecord:
    on_loan = holding.copies - holding.on_shelf
    copies = tuple(
        NormalizedCopy(
            item_code=f"{holding.library_code}-{record_id}-{number}", status="MIS" if number < on_loan else ""
        )
        for number in range(holding.copies)
    )
    return NormalizedRecord(
        source_key=f"catalogue-{record_id}",
        title=holding.title or work.title,
        authors=holding.authors or work.authors,
        subjects=holding.subjects or work.subjects,
        isbn_issn=work.isbn,
        publisher=work.publisher,
        publish_place=work.place,
        publish_year=work.year,
        call_number=work.call_number,
        classification=work.classification,
        language=work.language,
        material_type=work.material_type,
        series_title=work.series,
        notes=work.notes,
        copies=copies,
        raw_format="local",
    )


def catalogue_records() -> list[CatalogueRecord]:
    records = []
    for number, holding in enumerate(HOLDINGS):
        record_id = FIRST_RECORD_ID + number
        work = WORKS[holding.ref]
        created_at = _CREATED_FROM + timedelta(days=number)
        records.append(
            CatalogueRecord(
                holding.ref,
                holding.library_code,
                record_id,
                _normalized(work, holding, record_id),
                created_at,
            )
        )
    return records


CATALOGUE = catalogue_records()


def catalogue_documents() -> list[dict]:
    return [
        build_union_document_from_normalized(
            library=LIBRARIES[entry.library_code],
            record=entry.record,
            record_id=entry.record_id,
            created_at=entry.created_at,
        )
        for entry in CATALOGUE
    ]


DOCUMENTS = catalogue_documents()
WORK_KEYS: dict[str, str] = {}
for _entry, _document in zip(CATALOGUE, DOCUMENTS, strict=True):
    WORK_KEYS.setdefault(_entry.ref, _document["work_key"])
REF_OF_WORK_KEY = {work_key: ref for ref, work_key in WORK_KEYS.items()}


def holdings_of(ref: str) -> list[CatalogueRecord]:
    return [entry for entry in CATALOGUE if entry.ref == ref]


def record_of(ref: str, library_code: str) -> CatalogueRecord:
    return next(entry for entry in CATALOGUE if entry.ref == ref and entry.library_code == library_code)


def catalogue_prefix(test_prefix: str) -> str:
    """The index prefix of this process's catalogue (pid: two test runs at once never collide)."""
    return f"{test_prefix}-catalogue-{os.getpid()}"


def load_catalogue(client: Elasticsearch, prefix: str, documents: list[dict] | None = None) -> str:
    """(Re)create ``<prefix>-union-v1`` behind the alias ``<prefix>-union``, bulk the catalogue, refresh."""
    alias = f"{prefix}-union"
    index = f"{alias}-v1"
    client.options(ignore_status=404).indices.delete(index=index)
    client.indices.create(
        index=index,
        settings=union_index_settings(),
        mappings=union_mapping(),
        aliases={alias: {"is_write_index": True}},
    )
    actions = [
        {"_index": index, **document} for document in (documents if documents is not None else DOCUMENTS)
    ]
    helpers.bulk(client, actions, refresh="wait_for")
    return alias


def drop_catalogue(client: Elasticsearch, prefix: str) -> None:
    client.options(ignore_status=404).indices.delete(index=f"{prefix}-union-v1")


def with_title(ref: str, library_code: str, title: str) -> dict:
    """A catalogue document of one holding with another title (for tests that re-index one record)."""
    entry = record_of(ref, library_code)
    return build_union_document_from_normalized(
        library=LIBRARIES[library_code],
        record=replace(entry.record, title=title),
        record_id=entry.record_id,
        created_at=entry.created_at,
    )
