"""Validating responses against the OAI-PMH 2.0, oai_dc, oai-identifier, MARCXML and MODS 3.7 schemas
(``schemas/``, origins in ``schemas/ORIGIN.md``), with lxml and no network."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).resolve().parent / "schemas"
NS = {
    "oai": "http://www.openarchives.org/OAI/2.0/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "marc": "http://www.loc.gov/MARC21/slim",
    "mods": "http://www.loc.gov/mods/v3",
}


@cache
def schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "all.xsd"), parser))


def parse(body: bytes) -> etree._Element:
    return etree.fromstring(body, etree.XMLParser(no_network=True, resolve_entities=False))


def assert_valid(body: bytes) -> etree._Element:
    """The response parsed; fails with the schema's own messages if it is not valid."""
    root = parse(body)
    validator = schema()
    if not validator.validate(root):
        messages = "\n".join(f"line {error.line}: {error.message}" for error in validator.error_log)
        raise AssertionError(f"response not valid against the OAI-PMH schemas:\n{messages}\n{body[:3000]!r}")
    return root


def error_code(root: etree._Element) -> str | None:
    error = root.find("oai:error", NS)
    return None if error is None else error.get("code")
