"""ISBN/ISSN forms real repositories send (harvest/adapters/mapping.py, oai_dc.py): recognised, check
digits verified with isbnlib, one stored form — and no identifier ever stored as a call number."""

from __future__ import annotations

import pytest
from lxml import etree

from harvest.adapters.mapping import best_isbn_issn, classify_identifier, normalize_isbn_issn
from harvest.adapters.oai_dc import map_oai_dc

DC = (
    '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Fiqih Ibadah</dc:title>{identifiers}</oai_dc:dc>'
)


def dc_with(*identifiers: str) -> etree._Element:
    body = "".join(f"<dc:identifier>{value}</dc:identifier>" for value in identifiers)
    return etree.fromstring(DC.format(identifiers=body).encode())


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("urn:isbn:9781399886673", "9781399886673"),
        ("URN:ISBN:978-1-3998-8667-3", "9781399886673"),
        ("ISBN: 978-602-03-3295-6", "9786020332956"),
        ("ISBN 978 602 03 3295 6", "9786020332956"),
        ("isbn 0-306-40615-2 (pbk.)", "0306406152"),
        ("ISBN-13: 9786020332956", "9786020332956"),
        ("ISBN-10: 0-8044-2957-x", "080442957X"),
        ("9786020332956 [hbk.]", "9786020332956"),
        ("978-602-03-3295-6 (jil. 1) ; 978-602-03-3296-3 (jil. 2)", "9786020332956"),
        ("urn:issn:0317-8471", "0317-8471"),
        ("ISSN 2049-3630", "2049-3630"),
        ("e-ISSN: 2548-8376", "2548-8376"),
    ],
)
def test_isbn_and_issn_forms_are_recognised_and_stored_in_one_form(written, stored):
    assert normalize_isbn_issn(written) == stored


def test_check_digits_are_verified_and_a_valid_number_wins_over_a_mistyped_one():
    assert classify_identifier("9786020332957").valid is False  # last digit wrong
    assert classify_identifier("9786020332956").valid is True
    assert classify_identifier("ISSN 0317-8472").valid is False
    assert best_isbn_issn(["9786020332957", "urn:isbn:9781399886673"]) == "9781399886673"


@pytest.mark.parametrize(
    "identifiers",
    [
        ("urn:isbn:9781399886673",),
        ("http://repo.test/record/5", "urn:isbn:9781399886673", "oai:repo.test:5"),
        ("oai:repo.test:5", "ISBN: 978-1-3998-8667-3"),
        ("doi:10.1234/abc.5", "urn:isbn:9781399886673", "urn:issn:0317-8471"),
        ("10.1234/abc.5", "isbn 978-1-3998-8667-3 (pbk.)"),
    ],
)
def test_no_identifier_is_ever_stored_as_the_call_number(identifiers):
    record = map_oai_dc("oai:repo.test:5", dc_with(*identifiers))

    assert (record.isbn_issn, record.call_number) == ("9781399886673", "")


def test_a_plain_shelf_mark_among_the_identifiers_is_still_the_call_number():
    record = map_oai_dc("oai:repo.test:5", dc_with("urn:isbn:9781399886673", "297.4 RAS f"))

    assert (record.isbn_issn, record.call_number) == ("9781399886673", "297.4 RAS f")


def test_slims_oai_php_shape_keeps_its_positional_call_number_but_never_an_identifier_there():
    shelf = map_oai_dc("oai:slims/9", dc_with("http://x.test/?p=show_detail&amp;id=9", "", "2X4.1 BUK s"))
    urn = map_oai_dc(
        "oai:slims/9", dc_with("http://x.test/?p=show_detail&amp;id=9", "", "urn:isbn:9781399886673")
    )

    assert (shelf.isbn_issn, shelf.call_number) == ("", "2X4.1 BUK s")
    assert (urn.isbn_issn, urn.call_number) == ("9781399886673", "")
