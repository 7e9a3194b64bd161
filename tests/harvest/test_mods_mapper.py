"""MODS → NormalizedRecord (harvest/adapters/mods.py): SLiMS's detail export and standard MODS."""

import pytest
from lxml import etree

from catalog.normalized import NormalizedCopy
from harvest.adapters.mapping import MalformedRecord
from harvest.adapters.mods import map_mods

# index.php?p=show_detail&inXML=true&id=512, as detail::MODSoutput writes it (SLiMS 9)
SLIMS_DETAIL = """<?xml version="1.0" encoding="UTF-8" ?>
<modsCollection xmlns:xlink="http://www.w3.org/1999/xlink" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xmlns="http://www.loc.gov/mods/v3" xmlns:slims="http://slims.web.id" \
xsi:schemaLocation="http://www.loc.gov/mods/v3 http://www.loc.gov/standards/mods/v3/mods-3-3.xsd">
<mods version="3.3" id="512">
 <titleInfo>
  <title>Fiqih Ibadah:</title>
  <subTitle>shalat, zakat dan puasa</subTitle>
 </titleInfo>
 <name type="p" authority="">
  <namePart>Hasan, Abdul Qadir</namePart>
  <role>
   <roleTerm type="text">Additional Author</roleTerm>
  </role>
 </name>
 <name type="p" authority="">
  <namePart>Rasjid, Sulaiman</namePart>
  <role>
   <roleTerm type="text">Primary Author</roleTerm>
  </role>
 </name>
 <typeOfResource manuscript="no" collection="yes">mixed material</typeOfResource>
 <genre authority="marcgt">bibliography</genre>
 <originInfo>
  <place>
   <placeTerm type="text">Bandung</placeTerm>
  </place>
  <publisher>Sinar Baru Algensindo</publisher>
  <dateIssued>2019</dateIssued>
 </originInfo>
 <language>
  <languageTerm type="code">id</languageTerm>
  <languageTerm type="text">Indonesia</languageTerm>
 </language>
 <physicalDescription>
  <form authority="gmd">Text</form>
  <extent>xxiv, 502 hlm. ; 24 cm</extent>
 </physicalDescription>
 <relatedItem type="series">
  <titleInfo/>
  <title>Seri Fiqih</title>
 </relatedItem>
 <note>Termasuk indeks.</note>
 <note type="statement of responsibility">Sulaiman Rasjid</note>
 <subject authority="">
  <topic>Fikih</topic>
 </subject>
 <subject authority="">
  <geographic>Indonesia</geographic>
 </subject>
 <classification>2X4.1</classification>
 <identifier type="isbn">9789794780014</identifier>
 <location>
  <physicalLocation>Perpustakaan Balai Diklat Keagamaan Bandung</physicalLocation>
  <shelfLocator>2X4.1 RAS f</shelfLocator>
  <holdingSimple>
   <copyInformation>
    <numerationAndChronology type="1">B00512-1</numerationAndChronology>
    <sublocation>Ruang Baca (Gedung A)</sublocation>
    <shelfLocator>2X4.1 RAS f c.1</shelfLocator>
   </copyInformation>
   <copyInformation>
    <numerationAndChronology type="1">B00512-2</numerationAndChronology>
    <sublocation>Ruang Referensi</sublocation>
    <shelfLocator>2X4.1 RAS f c.2</shelfLocator>
   </copyInformation>
  </holdingSimple>
 </location>
 <slims:image>fiqih.jpg</slims:image>
 <recordInfo>
  <recordIdentifier>512</recordIdentifier>
  <recordCreationDate encoding="w3cdtf">2019-03-01 10:22:33</recordCreationDate>
  <recordChangeDate encoding="w3cdtf">2023-11-20 08:01:02</recordChangeDate>
  <recordOrigin>machine generated</recordOrigin>
 </recordInfo>
</mods>
</modsCollection>"""

STANDARD_MODS = """<mods xmlns="http://www.loc.gov/mods/v3" version="3.7">
<titleInfo><nonSort>The</nonSort><title>Study Quran</title><subTitle>a new translation</subTitle></titleInfo>
<titleInfo type="translated"><title>Kajian Quran</title></titleInfo>
<name type="personal"><namePart type="family">Dakake</namePart><namePart type="given">Maria</namePart>
 <role><roleTerm type="code" authority="marcrelator">ctb</roleTerm></role></name>
<name type="personal" usage="primary"><namePart>Nasr, Seyyed Hossein</namePart>
 <role><roleTerm type="code" authority="marcrelator">aut</roleTerm></role></name>
<originInfo><place><placeTerm type="code" authority="marccountry">nyu</placeTerm></place>
 <place><placeTerm type="text">New York</placeTerm></place><publisher>HarperOne</publisher>
 <dateIssued encoding="marc" point="start">2015</dateIssued><dateIssued>[2015]</dateIssued>
 <edition>First edition</edition>
</originInfo>
<language><languageTerm type="code" authority="iso639-2b">eng</languageTerm></language>
<physicalDescription><form authority="marcform">print</form>
 <extent>xlviii, 1988 pages</extent></physicalDescription>
<subject><topic>Qurʾan</topic><topic>Commentaries</topic></subject>
<classification authority="ddc">297.1227</classification>
<identifier type="isbn">978-0-06-112586-7</identifier>
<location><shelfLocator>297.1227 NAS s</shelfLocator>
 <holdingSimple><copyInformation><subLocation>Koleksi Umum</subLocation>
 <itemIdentifier>UIN-0001</itemIdentifier></copyInformation></holdingSimple></location>
<recordInfo><recordIdentifier>ocm913524218</recordIdentifier></recordInfo>
</mods>"""


def slims_detail():
    return etree.fromstring(SLIMS_DETAIL.encode())


def test_slims_title_keeps_its_colon_and_joins_the_subtitle():
    assert map_mods("", slims_detail()).title == "Fiqih Ibadah: shalat, zakat dan puasa"


def test_primary_author_role_comes_first():
    assert map_mods("", slims_detail()).authors == ("Rasjid, Sulaiman", "Hasan, Abdul Qadir")


def test_origin_info_language_physical_description_and_notes():
    record = map_mods("", slims_detail())

    assert (record.publish_place, record.publisher, record.publish_year) == (
        "Bandung",
        "Sinar Baru Algensindo",
        "2019",
    )
    assert record.language == "id"
    assert record.material_type == "Text"
    assert record.collation == "xxiv, 502 hlm. ; 24 cm"
    assert record.notes == "Termasuk indeks."
    assert record.statement_of_responsibility == "Sulaiman Rasjid"


def test_series_title_beside_an_empty_title_info_is_found():
    assert map_mods("", slims_detail()).series_title == "Seri Fiqih"


def test_subjects_classification_isbn_and_call_number():
    record = map_mods("", slims_detail())

    assert record.subjects == ("Fikih", "Indonesia")
    assert record.classification == "2X4.1"
    assert record.isbn_issn == "9789794780014"
    assert record.call_number == "2X4.1 RAS f"


def test_copies_with_item_code_location_and_shelf_mark():
    assert map_mods("", slims_detail()).copies == (
        NormalizedCopy(item_code="B00512-1", call_number="2X4.1 RAS f c.1", location="Ruang Baca (Gedung A)"),
        NormalizedCopy(item_code="B00512-2", call_number="2X4.1 RAS f c.2", location="Ruang Referensi"),
    )


def test_record_info_dates_image_and_key():
    record = map_mods("", slims_detail())

    assert record.source_key == "512"
    assert record.extra["created"] == "2019-03-01 10:22:33"
    assert record.extra["changed"] == "2023-11-20 08:01:02"
    assert record.extra["image"] == "fiqih.jpg"
    assert record.extra["physical_location"] == "Perpustakaan Balai Diklat Keagamaan Bandung"


def test_oai_identifier_wins_as_source_key():
    assert map_mods("oai:slims/512", slims_detail()).source_key == "512"
    assert map_mods("oai:repo.test:abc", slims_detail()).source_key == "oai:repo.test:abc"


def test_standard_mods_title_with_non_sort_and_untyped_title_info():
    assert (
        map_mods("x", etree.fromstring(STANDARD_MODS.encode())).title == "The Study Quran : a new translation"
    )


def test_standard_mods_primary_usage_family_given_names_and_text_place():
    record = map_mods("x", etree.fromstring(STANDARD_MODS.encode()))

    assert record.authors == ("Nasr, Seyyed Hossein", "Dakake, Maria")
    assert record.publish_place == "New York"
    assert record.publish_year == "[2015]"
    assert record.edition == "First edition"
    assert record.language == "en"


def test_standard_mods_subject_parts_isbn_and_item_identifier_copies():
    record = map_mods("x", etree.fromstring(STANDARD_MODS.encode()))

    assert record.subjects == ("Qurʾan -- Commentaries",)
    assert record.isbn_issn == "9780061125867"
    assert record.copies == (
        NormalizedCopy(item_code="UIN-0001", call_number="297.1227 NAS s", location="Koleksi Umum"),
    )


def test_raw_metadata_and_format_are_kept():
    record = map_mods("", slims_detail())

    assert record.raw_format == "mods"
    assert record.raw_metadata.startswith("<mods")


def test_mods_without_title_raises_malformed_record():
    element = etree.fromstring(b'<mods xmlns="http://www.loc.gov/mods/v3"><titleInfo/></mods>')

    with pytest.raises(MalformedRecord, match="title"):
        map_mods("oai:x:1", element)


def test_document_without_mods_raises_malformed_record():
    with pytest.raises(MalformedRecord, match="no <mods>"):
        map_mods("oai:x:2", etree.fromstring(b"<modsCollection xmlns='http://www.loc.gov/mods/v3'/>"))


def test_mods_without_any_key_raises_malformed_record():
    element = etree.fromstring(
        b'<mods xmlns="http://www.loc.gov/mods/v3"><titleInfo><title>T</title></titleInfo></mods>'
    )

    with pytest.raises(MalformedRecord, match="no identifier"):
        map_mods("", element)
