"""Tolerant XML parsing (harvest/adapters/sanitize.py) on the kinds of damage real catalogues send."""

import pytest
from lxml import etree

from harvest.adapters.sanitize import (
    MalformedResponse,
    parse_xml,
    repair_mojibake,
    strip_illegal_xml_chars,
)

OAI = "http://www.openarchives.org/OAI/2.0/"


def oai_document(inner: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<OAI-PMH xmlns="{OAI}"><responseDate>2024-01-01T00:00:00Z</responseDate>{inner}</OAI-PMH>'
    )


def text_of(parsed, name: str) -> str:
    return parsed.root.find(f"{{{OAI}}}{name}").text


def mojibake(text: str, times: int = 1) -> str:
    for _ in range(times):
        text = text.encode("utf-8").decode("latin-1")
    return text


def test_illegal_control_characters_are_stripped():
    parsed = parse_xml(
        oai_document("<title>Fiqih\x0b Ibadah\x1a\x00</title>").encode(), expected_root="OAI-PMH"
    )

    assert text_of(parsed, "title") == "Fiqih Ibadah"
    assert any("illegal XML character" in repair for repair in parsed.repairs)


def test_character_references_to_illegal_characters_are_stripped():
    parsed = parse_xml(oai_document("<title>A&#x1;B&#11;C&#65;</title>").encode(), expected_root="OAI-PMH")

    assert text_of(parsed, "title") == "ABCA"


def test_c1_controls_are_kept_because_mojibake_repair_needs_them():
    cleaned, removed = strip_illegal_xml_chars("Bukh\u00c4\u0081r\u00c4\u00ab")

    assert removed == 0
    assert cleaned == "Bukh\u00c4\u0081r\u00c4\u00ab"


def test_php_notice_after_closing_root_is_cut():
    body = oai_document("<title>x</title>") + (
        "\n<br />\n<b>Notice</b>:  Undefined index: biblio_id in <b>/var/www/lib/oai.php</b>"
        " on line <b>2</b><br />"
    )

    parsed = parse_xml(body.encode(), expected_root="OAI-PMH")

    assert text_of(parsed, "title") == "x"
    assert "text after </OAI-PMH> removed" in parsed.repairs
    assert parsed.recovered is False


def test_php_warning_before_the_xml_declaration_is_cut():
    body = "<br />\n<b>Warning</b>: Undefined array key 1 in x.php<br />\n" + oai_document("<title>x</title>")

    parsed = parse_xml(body.encode(), expected_root="OAI-PMH")

    assert text_of(parsed, "title") == "x"
    assert "text before the XML document removed" in parsed.repairs


def test_html_entities_become_characters_and_xml_entities_stay():
    body = oai_document("<title>Caf&eacute;&nbsp;&amp; &lt;Buku&gt; &#233;</title>")

    parsed = parse_xml(body.encode(), expected_root="OAI-PMH")

    assert text_of(parsed, "title") == "Café\u00a0& <Buku> é"


def test_bare_ampersand_is_escaped():
    body = oai_document("<id>index.php?p=show_detail&id=5</id><t>Tom & Jerry</t>")

    parsed = parse_xml(body.encode(), expected_root="OAI-PMH")

    assert text_of(parsed, "id") == "index.php?p=show_detail&id=5"
    assert text_of(parsed, "t") == "Tom & Jerry"


def test_cdata_sections_are_not_unescaped():
    parsed = parse_xml(oai_document("<t><![CDATA[&nbsp; & x]]></t>").encode(), expected_root="OAI-PMH")

    assert text_of(parsed, "t") == "&nbsp; & x"


@pytest.mark.parametrize("times", [1, 2])
@pytest.mark.parametrize(
    "title", ["صحيح البخاري", "Ṣaḥīḥ al-Bukhārī", "Tafsīr al-Qurʾān al-ʿAẓīm", "Ilmu Ḥadīṯ : dirāyah"]
)
def test_mojibake_is_repaired_once_or_twice_over(title, times):
    parsed = parse_xml(
        oai_document(f"<title>{mojibake(title, times)}</title>").encode(), expected_root="OAI-PMH"
    )

    assert text_of(parsed, "title") == title


@pytest.mark.parametrize(
    "correct",
    [
        "صحيح البخاري",
        "بِسْمِ اللَّهِ الرَّحْمَٰنِ الرَّحِيمِ",
        "Ṣaḥīḥ al-Bukhārī",
        "Āl ʿImrān",
        "Pendidikan Agama Islam untuk SMA/MA Kelas X",
        "Fiqih Ibadah : shalat, zakat dan puasa",
        "“Moderasi” – Beragama © 2019",
        "naïve café São Paulo",
    ],
)
def test_correct_text_is_not_damaged(correct):
    assert repair_mojibake(correct) == correct
    parsed = parse_xml(oai_document(f"<title>{correct}</title>").encode(), expected_root="OAI-PMH")
    assert text_of(parsed, "title") == correct


def test_mojibake_repair_can_be_switched_off():
    broken = mojibake("Ṣaḥīḥ")

    parsed = parse_xml(oai_document(f"<t>{broken}</t>").encode(), expected_root="OAI-PMH", repair_text=False)

    assert text_of(parsed, "t") == broken


def test_bytes_that_are_not_utf8_are_read_as_cp1252():
    body = oai_document("<t>Caf\udce9</t>").encode("utf-8", errors="surrogateescape")  # a lone 0xE9 byte

    parsed = parse_xml(body, expected_root="OAI-PMH")

    assert text_of(parsed, "t") == "Café"
    assert any("cp1252" in repair for repair in parsed.repairs)


def test_declared_latin1_encoding_is_honoured():
    body = (
        f'<?xml version="1.0" encoding="ISO-8859-1"?><OAI-PMH xmlns="{OAI}"><t>Caf\xe9</t></OAI-PMH>'
    ).encode("latin-1")

    parsed = parse_xml(body, expected_root="OAI-PMH")

    assert text_of(parsed, "t") == "Café"


def test_truncated_document_is_reported_not_recovered():
    body = oai_document(
        "<ListRecords><record><header><identifier>oai:x:1</identifier></header></record></ListRecords>"
    )
    truncated = body[: len(body) // 2]

    with pytest.raises(MalformedResponse) as caught:
        parse_xml(truncated.encode(), expected_root="OAI-PMH")

    assert caught.value.truncated
    assert caught.value.retryable


def test_html_error_page_is_reported_as_html():
    page = b"<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body></body></html>"

    with pytest.raises(MalformedResponse) as caught:
        parse_xml(page, expected_root="OAI-PMH")

    assert caught.value.html
    assert "500 Internal Server Error" in caught.value.reason


def test_empty_body_is_reported_as_empty():
    with pytest.raises(MalformedResponse) as caught:
        parse_xml(b"  \n", expected_root="OAI-PMH")

    assert caught.value.empty


def test_other_root_element_is_rejected():
    with pytest.raises(MalformedResponse, match="not <OAI-PMH>"):
        parse_xml(b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', expected_root="OAI-PMH")


def test_mismatched_tags_fall_back_to_lxml_recover_and_say_so():
    body = oai_document("<ListRecords><record><b>bold</record></ListRecords>")

    parsed = parse_xml(body.encode(), expected_root="OAI-PMH")

    assert parsed.recovered is True
    assert any("recover=True" in repair for repair in parsed.repairs)
    assert parsed.root.find(f"{{{OAI}}}ListRecords") is not None


def test_well_formed_document_needs_no_repairs():
    parsed = parse_xml(oai_document("<t>ok</t>").encode(), expected_root="OAI-PMH")

    assert parsed.repairs == ()
    assert parsed.recovered is False
    assert etree.QName(parsed.root).localname == "OAI-PMH"


def test_non_oai_documents_parse_without_an_expected_root():
    parsed = parse_xml(
        b'<?xml version="1.0"?><modsCollection xmlns="http://www.loc.gov/mods/v3"><mods/></modsCollection>'
    )

    assert etree.QName(parsed.root).localname == "modsCollection"
