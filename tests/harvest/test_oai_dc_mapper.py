"""oai_dc → NormalizedRecord (harvest/adapters/oai_dc.py) on the two shapes SLiMS writes."""

import pytest
from lxml import etree

from catalog.normalized import NormalizedCopy
from harvest.adapters.dispatch import map_oai_record
from harvest.adapters.mapping import MalformedRecord
from harvest.adapters.oai_client import OaiRecord, RecordHeader
from harvest.adapters.oai_dc import map_oai_dc

DC_NAMESPACES = (
    'xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
)

# detail::DublinCoreOutput as SLiMS oai.php prints it (title through utf8_encode; a bare <image> inherits
# the OAI-PMH default namespace of the envelope)
OAI_PHP_RECORD = f"""<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords><record>
<header><identifier>oai:slims/1204</identifier></header><metadata><oai_dc:dc {DC_NAMESPACES}>
<dc:title>{"Ṣaḥīḥ al-Bukhārī : terjemah lengkap".encode().decode("latin-1")}</dc:title>
<dc:creator>al-Bukhārī, Muḥammad ibn Ismāʿīl</dc:creator>
<dc:creator>Zainuddin, Ahmad</dc:creator>
<dc:publisher>Pustaka Amani</dc:publisher>
<dc:date>1423 H/2002</dc:date>
<dc:hasVersion>Cet. 3</dc:hasVersion>
<dc:language>Indonesia</dc:language>
<dc:medium>Text</dc:medium>
<dc:format>Text</dc:format>
<dc:extent>xxiv, 1536 hlm. ; 24 cm</dc:extent>
<dc:isPartOf>Kutub al-Sittah</dc:isPartOf>
<dc:description>Termasuk indeks.</dc:description>
<dc:abstract>Termasuk indeks.</dc:abstract>
<dc:subject>Hadis</dc:subject>
<dc:subject>Hadis -- Kritik</dc:subject>
<dc:subject>2X4.1</dc:subject>
<dc:identifier>http://perpus.bdk.test:80/index.php?p=show_detail&amp;id=1204</dc:identifier>
<dc:identifier>9789795591213</dc:identifier>
<dc:identifier>2X4.1 BUK s</dc:identifier>
<dc:hasPart>B0001204-1</dc:hasPart>
<dc:hasPart>B0001204-2</dc:hasPart>
<image>bukhari.jpg</image>
</oai_dc:dc></metadata></record></ListRecords></OAI-PMH>"""

# lib/oaipmh/record_dc.php as SLiMS oai2.php prints it
OAI2_PHP_RECORD = f"""<oai_dc:dc {DC_NAMESPACES}>
  <dc:title>Moderasi Beragama : sebuah pengantar</dc:title>
  <dc:creator>Saifuddin, Lukman Hakim</dc:creator>
  <dc:subject>Moderasi Beragama</dc:subject>
  <dc:publisher>Kementerian Agama RI</dc:publisher>
  <dc:date>2019</dc:date>
  <dc:language>id</dc:language>
  <dc:type>Text</dc:type>
  <dc:identifier>http://127.0.0.1:8089/slims/index.php?p=show_detail&amp;id=77</dc:identifier>
  <dc:identifier_isbn>978-602-293-491-8</dc:identifier_isbn>
  <dc:description>Buku saku.</dc:description>
  <dc:coverage>Jakarta</dc:coverage>
  <dc:identifier>http://127.0.0.1:8089/slims/lib/phpthumb/phpThumb.php?src=../../images/docs/mb.jpg</dc:identifier>
  <dc:source>Seri Moderasi</dc:source>
  <dc:format>viii, 160 hlm. ; 21 cm</dc:format>
  <dc:subject>2X1.5</dc:subject>
</oai_dc:dc>"""


def dc_of(document: str) -> etree._Element:
    root = etree.fromstring(document.encode())
    return next(element for element in root.iter() if etree.QName(element).localname == "dc")


def test_oai_php_record_maps_every_slims_field():
    record = map_oai_dc("oai:slims/1204", dc_of(OAI_PHP_RECORD))

    assert record.source_key == "1204"
    assert record.title == "Ṣaḥīḥ al-Bukhārī : terjemah lengkap"
    assert record.authors == ("al-Bukhārī, Muḥammad ibn Ismāʿīl", "Zainuddin, Ahmad")
    assert record.publisher == "Pustaka Amani"
    assert record.publish_year == "1423 H/2002"
    assert record.edition == "Cet. 3"
    assert record.language == "id"
    assert record.material_type == "Text"
    assert record.collation == "xxiv, 1536 hlm. ; 24 cm"
    assert record.series_title == "Kutub al-Sittah"
    assert record.notes == "Termasuk indeks."
    assert record.subjects == ("Hadis", "Hadis -- Kritik")
    assert record.classification == "2X4.1"
    assert record.isbn_issn == "9789795591213"
    assert record.call_number == "2X4.1 BUK s"


def test_oai_php_copies_come_from_has_part_one_per_item_code():
    record = map_oai_dc("oai:slims/1204", dc_of(OAI_PHP_RECORD))

    assert record.copies == (
        NormalizedCopy(item_code="B0001204-1", call_number="2X4.1 BUK s"),
        NormalizedCopy(item_code="B0001204-2", call_number="2X4.1 BUK s"),
    )


def test_bare_image_element_and_permalink_go_to_extra():
    record = map_oai_dc("oai:slims/1204", dc_of(OAI_PHP_RECORD))

    assert record.extra["image"] == "bukhari.jpg"
    assert record.extra["permalink"].endswith("index.php?p=show_detail&id=1204")


def test_oai2_php_record_maps_identifier_isbn_coverage_source_and_format():
    record = map_oai_dc("oai:127.0.0.1:8089:slims-77", dc_of(OAI2_PHP_RECORD))

    assert record.source_key == "77"
    assert record.title == "Moderasi Beragama : sebuah pengantar"
    assert record.isbn_issn == "9786022934918"
    assert record.publish_place == "Jakarta"
    assert record.series_title == "Seri Moderasi"
    assert record.collation == "viii, 160 hlm. ; 21 cm"
    assert record.material_type == "Text"
    assert record.language == "id"
    assert record.publish_year == "2019"
    assert record.subjects == ("Moderasi Beragama",)
    assert record.classification == "2X1.5"
    assert record.call_number == ""
    assert record.copies == ()
    assert record.extra["image"].endswith("images/docs/mb.jpg")


def test_identifier_isbn_in_another_namespace_is_still_found():
    document = OAI2_PHP_RECORD.replace(
        "<dc:identifier_isbn>978-602-293-491-8</dc:identifier_isbn>",
        '<identifier_isbn xmlns="http://www.openarchives.org/OAI/2.0/">9786022934918</identifier_isbn>',
    )

    assert map_oai_dc("77", dc_of(document)).isbn_issn == "9786022934918"


def test_creator_order_is_kept_primary_first():
    document = OAI2_PHP_RECORD.replace(
        "<dc:creator>Saifuddin, Lukman Hakim</dc:creator>",
        "<dc:creator>Primary, A</dc:creator><dc:creator>Second, B</dc:creator>"
        "<dc:creator>Primary, A</dc:creator>",
    )

    assert map_oai_dc("77", dc_of(document)).authors == ("Primary, A", "Second, B")


def test_mojibake_title_is_repaired_by_the_mapper_itself():
    broken = "صحيح البخاري".encode().decode("latin-1").encode().decode("latin-1")  # broken twice
    document = OAI2_PHP_RECORD.replace("Moderasi Beragama : sebuah pengantar", broken)

    assert map_oai_dc("77", dc_of(document)).title == "صحيح البخاري"


def test_entities_left_as_text_are_resolved():
    document = OAI2_PHP_RECORD.replace("Buku saku.", "Buku&amp;nbsp;saku &amp;amp; panduan.")

    assert map_oai_dc("77", dc_of(document)).notes == "Buku saku & panduan."


def test_raw_metadata_and_format_are_kept():
    element = dc_of(OAI2_PHP_RECORD)

    record = map_oai_dc("77", element, "<oai_dc:dc>raw</oai_dc:dc>")
    serialized = map_oai_dc("77", element)

    assert record.raw_metadata == "<oai_dc:dc>raw</oai_dc:dc>"
    assert record.raw_format == "oai_dc"
    assert "identifier_isbn" in serialized.raw_metadata


def test_record_without_title_raises_malformed_record_with_identifier():
    document = OAI2_PHP_RECORD.replace(
        "<dc:title>Moderasi Beragama : sebuah pengantar</dc:title>", "<dc:title/>"
    )

    with pytest.raises(MalformedRecord) as caught:
        map_oai_dc("oai:127.0.0.1:8089:slims-77", dc_of(document))

    assert caught.value.identifier == "oai:127.0.0.1:8089:slims-77"
    assert "title" in caught.value.reason


def test_element_that_is_not_dublin_core_raises_malformed_record():
    with pytest.raises(MalformedRecord, match="expected oai_dc:dc"):
        map_oai_dc("x", etree.fromstring(b"<mods/>"))


def test_deleted_record_has_nothing_to_map():
    deleted = OaiRecord(
        header=RecordHeader(identifier="oai:slims/9", datestamp=None, deleted=True),
        metadata=None,
        metadata_format="oai_dc",
    )

    with pytest.raises(MalformedRecord, match="no metadata"):
        map_oai_record(deleted)


def test_one_broken_record_does_not_stop_the_others():
    good = dc_of(OAI2_PHP_RECORD)
    broken = dc_of(OAI2_PHP_RECORD.replace("<dc:title>Moderasi Beragama : sebuah pengantar</dc:title>", ""))
    mapped, failed = [], []

    for identifier, element in (("1", good), ("2", broken), ("3", good)):
        try:
            mapped.append(map_oai_dc(identifier, element).source_key)
        except MalformedRecord as error:
            failed.append((error.identifier, error.reason))

    assert mapped == ["1", "3"]
    assert failed == [("2", "no dc:title")]
