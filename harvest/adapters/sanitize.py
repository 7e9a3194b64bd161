"""Tolerant XML for harvested responses: repair what real catalogues send, then parse with lxml.

SLiMS and other small repositories send XML that a strict parser rejects (docs/architecture.md,
"Harvesting real SLiMS"); VuFind's harvester (``SimpleXmlResponseProcessor``) strips the same characters
before parsing.
:func:`parse_xml` repairs, in this order:

1. bytes → text: the declared encoding, else UTF-8; bytes that are not valid UTF-8 are read as cp1252
   (a Latin-1 database column leaking through), never dropped;
2. junk around the document: anything before ``<?xml`` / the root tag (PHP warnings printed before the
   output) and anything after the root's closing tag (PHP notices after ``</OAI-PMH>``) is cut;
3. characters XML 1.0 forbids (C0 controls except tab/LF/CR, U+FFFE/U+FFFF, lone surrogates) and
   character references to them are removed. C1 controls (U+0080–U+009F) are legal XML and are kept:
   they are the very bytes mojibake repair needs;
4. HTML entities that are not XML entities (``&nbsp;``, ``&eacute;``) become numeric references; a bare
   ``&`` becomes ``&amp;`` (CDATA sections and comments are left alone);
5. parsing: lxml with ``recover=False`` first; if that fails, ``recover=True`` and the result says so.
   A document without its closing root tag is *truncated* — it is never "recovered", because a recovering
   parser would silently return a partial page without its resumption token;
6. mojibake (UTF-8 read as Latin-1/cp1252, once or twice over — SLiMS ``oai.php`` runs titles through
   ``utf8_encode``) is repaired in every text node and attribute with ``ftfy.fix_encoding``, which leaves
   correct Arabic, transliteration (ā, ḥ, ʿ) and plain Indonesian untouched.
"""

from __future__ import annotations

import codecs
import html.entities
import re
from dataclasses import dataclass

import ftfy
from lxml import etree

__all__ = [
    "MalformedResponse",
    "ParsedXml",
    "cut_surrounding_junk",
    "decode_xml_bytes",
    "fix_html_entities",
    "parse_xml",
    "repair_mojibake",
    "repair_tree_text",
    "strip_illegal_xml_chars",
]


class MalformedResponse(Exception):
    """A response that cannot be turned into the XML document it should be.

    ``truncated``: the body ends before the root element closes (retrying may help);
    ``html``: an HTML page arrived instead of XML (PHP error pages, proxies; retrying may help);
    ``empty``: no body at all.
    """

    def __init__(self, reason: str, *, truncated: bool = False, html: bool = False, empty: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.truncated = truncated
        self.html = html
        self.empty = empty

    @property
    def retryable(self) -> bool:
        """Whether the same request may well succeed next time (a transport hiccup, not bad data)."""
        return self.truncated or self.html or self.empty


@dataclass(frozen=True)
class ParsedXml:
    """The parsed document and what had to be repaired to get it (for the harvest run's log)."""

    root: etree._Element
    recovered: bool  # lxml's recover=True was needed
    repairs: tuple[str, ...]  # one short note per kind of repair made


# --- 1. bytes -> text -------------------------------------------------------------------------------

_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Decode bytes that are not UTF-8 as cp1252 (undefined cp1252 bytes as Latin-1)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    chars = []
    for byte in bad:
        try:
            chars.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(byte))
    return "".join(chars), error.end


codecs.register_error("simpul-cp1252-fallback", _cp1252_fallback)


def decode_xml_bytes(raw: bytes) -> tuple[str, list[str]]:
    """Bytes to text: BOM or declared encoding, else UTF-8 with a cp1252 fallback for stray bytes."""
    repairs: list[str] = []
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), repairs
    encoding = "utf-8"
    match = _DECLARED_ENCODING.match(raw)
    if match:
        declared = match.group(1).decode("ascii").lower()
        try:
            encoding = codecs.lookup(declared).name
        except LookupError:
            repairs.append(f"unknown declared encoding {declared!r} read as UTF-8")
    try:
        return raw.decode(encoding), repairs
    except UnicodeDecodeError:
        if encoding != "utf-8":
            repairs.append(f"bytes invalid in declared {encoding}; read as UTF-8")
        repairs.append("bytes that are not UTF-8 read as cp1252")
        return raw.decode("utf-8", errors="simpul-cp1252-fallback"), repairs


# --- 2. junk around the document ---------------------------------------------------------------------

_XML_DECLARATION = re.compile(r"<\?xml\s[^>]*\?>")
_FIRST_ELEMENT = re.compile(r"<([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)[\s/>]")


def _root_tag_name(text: str, start: int) -> tuple[str, int] | None:
    """The qualified name and offset of the first element after ``start`` (skipping PIs, comments, DTD)."""
    position = start
    while True:
        match = _FIRST_ELEMENT.search(text, position)
        if match is None:
            return None
        # skip anything inside a comment or PI that happens to look like a tag
        before = text[position : match.start()]
        comment_open = before.rfind("<!--")
        if comment_open != -1 and before.find("-->", comment_open) == -1:
            end = text.find("-->", position + comment_open)
            if end == -1:
                return None
            position = end + 3
            continue
        return match.group(1), match.start()


def cut_surrounding_junk(text: str, expected_root: str | None = None) -> tuple[str, list[str]]:
    """Cut text printed before the XML and after the root element closes; detect truncation and HTML.

    ``expected_root`` is the root's local name (``"OAI-PMH"``); with it, a document that never closes
    its root is reported as truncated.
    """
    repairs: list[str] = []
    if not text.strip():
        raise MalformedResponse("empty body", empty=True)
    declaration = _XML_DECLARATION.search(text)
    start = 0
    if declaration is not None:
        start = declaration.start()
    found = _root_tag_name(text, declaration.end() if declaration else 0)
    if found is None:
        raise MalformedResponse("no XML element in the response", html=_looks_like_html(text))
    root_name, root_start = found
    local_root = root_name.rsplit(":", 1)[-1]
    if local_root.lower() == "html" or (declaration is None and _looks_like_html(text)):
        raise MalformedResponse(f"an HTML page instead of XML: {_html_title(text)}", html=True)
    if expected_root is not None and local_root != expected_root:
        # a PHP warning before the document may itself contain tags (<br />, <b>): look for the real root
        real_root = re.search(rf"<((?:[A-Za-z_][\w.\-]*:)?{re.escape(expected_root)})[\s/>]", text)
        if real_root is None:
            raise MalformedResponse(f"root element is <{root_name}>, not <{expected_root}>")
        root_name, root_start = real_root.group(1), real_root.start()
        if declaration is not None and declaration.start() > root_start:
            declaration = None
    if declaration is None:
        start = root_start
    if re.sub(r"<!--.*?-->", "", text[:start], flags=re.S).strip():
        repairs.append("text before the XML document removed")
    closing = re.compile(rf"</{re.escape(root_name)}\s*>")
    closings = list(closing.finditer(text, root_start))
    last_close = closings[-1] if closings else None
    if last_close is None:
        if re.match(rf"<{re.escape(root_name)}[^>]*/>", text[root_start:]):
            end = text.index(">", root_start) + 1
        else:
            raise MalformedResponse(f"truncated: the document never closes </{root_name}>", truncated=True)
    else:
        end = last_close.end()
    if text[end:].strip():
        repairs.append(f"text after </{root_name}> removed")
    return text[start:end], repairs


def _looks_like_html(text: str) -> bool:
    head = text[:2048].lower()
    return "<!doctype html" in head or "<html" in head


def _html_title(text: str) -> str:
    match = re.search(r"<title[^>]*>(.*?)</title>", text, flags=re.S | re.I)
    if match:
        return " ".join(match.group(1).split())[:200]
    stripped = re.sub(r"<[^>]+>", " ", text[:2000])
    return " ".join(stripped.split())[:200]


# --- 3. characters XML 1.0 forbids ------------------------------------------------------------------

_ILLEGAL_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_CHAR_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")


def _is_legal_xml_codepoint(codepoint: int) -> bool:
    return (
        codepoint in (0x9, 0xA, 0xD)
        or 0x20 <= codepoint <= 0xD7FF
        or 0xE000 <= codepoint <= 0xFFFD
        or 0x10000 <= codepoint <= 0x10FFFF
    )


def strip_illegal_xml_chars(text: str) -> tuple[str, int]:
    """Remove characters and character references that XML 1.0 does not allow; return the count removed."""
    cleaned, removed = _ILLEGAL_XML_CHARS.subn("", text)
    if "&#" in cleaned:
        removed_refs = 0

        def drop_illegal(match: re.Match[str]) -> str:
            nonlocal removed_refs
            codepoint = int(match.group(1), 16) if match.group(1) else int(match.group(2))
            if _is_legal_xml_codepoint(codepoint):
                return match.group(0)
            removed_refs += 1
            return ""

        cleaned = _CHAR_REFERENCE.sub(drop_illegal, cleaned)
        removed += removed_refs
    return cleaned, removed


# --- 4. HTML entities ---------------------------------------------------------------------------------

_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
_AMPERSAND = re.compile(r"&(?:(#[0-9]+;|#[xX][0-9a-fA-F]+;)|([A-Za-z][A-Za-z0-9]{0,31});)?")
_PROTECTED_SECTIONS = re.compile(r"(<!\[CDATA\[.*?\]\]>|<!--.*?-->)", flags=re.S)


def fix_html_entities(text: str) -> tuple[str, int]:
    """Turn HTML-only entities into numeric references and escape bare ampersands; return the count."""
    if "&" not in text:
        return text, 0
    fixed = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal fixed
        if match.group(1):  # a numeric reference: legal as it is
            return match.group(0)
        name = match.group(2)
        if name is None:  # a bare ampersand
            fixed += 1
            return "&amp;"
        if name in _XML_ENTITIES:
            return match.group(0)
        fixed += 1
        replacement = html.entities.html5.get(name + ";")
        if replacement is None:
            return "&amp;" + name + ";"  # unknown entity: keep its text literally
        return "".join(f"&#{ord(char)};" for char in replacement)

    parts = _PROTECTED_SECTIONS.split(text)
    for index in range(0, len(parts), 2):  # even indexes are outside CDATA/comments
        parts[index] = _AMPERSAND.sub(replace, parts[index])
    return "".join(parts), fixed


# --- 6. mojibake ---------------------------------------------------------------------------------------


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as Latin-1/cp1252 (once or twice over); correct text is returned as is.

    ``ftfy.fix_encoding`` only changes text whose characters form a plausible mis-decoding, so Arabic,
    transliterated Arabic (Ṣaḥīḥ, Qurʾān) and ASCII Indonesian pass through unchanged.
    """
    if not text or text.isascii():
        return text
    return ftfy.fix_encoding(text)


def repair_tree_text(root: etree._Element) -> int:
    """Repair mojibake in every element text, tail and attribute value under ``root``; return the count."""
    repaired = 0
    for node in root.iter():
        text = node.text
        if text and not text.isascii():
            fixed = repair_mojibake(text)
            if fixed != text:
                node.text = fixed
                repaired += 1
        tail = node.tail
        if tail and not tail.isascii():
            fixed = repair_mojibake(tail)
            if fixed != tail:
                node.tail = fixed
                repaired += 1
        if isinstance(node.tag, str):
            for name, value in node.attrib.items():
                if not value.isascii():
                    fixed = repair_mojibake(value)
                    if fixed != value:
                        node.attrib[name] = fixed
                        repaired += 1
    return repaired


# --- 5. parsing ------------------------------------------------------------------------------------------


def _parser(recover: bool) -> etree.XMLParser:
    """Entities are never expanded and no DTD or external entity is ever loaded (no "billion laughs",
    no ``file://`` or ``http://`` entity); an undeclared one was escaped to text by step 4 anyway."""
    return etree.XMLParser(
        recover=recover,
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=True,
        remove_blank_text=False,
    )


def parse_xml(raw: bytes | str, *, expected_root: str | None = None, repair_text: bool = True) -> ParsedXml:
    """Repair and parse one XML document (see the module docstring for each step).

    ``expected_root``: the root's local name; a different root is a :class:`MalformedResponse`.
    ``repair_text``: repair mojibake in the parsed tree.
    Raises :class:`MalformedResponse` with a reason a person can act on.
    """
    if isinstance(raw, bytes):
        text, repairs = decode_xml_bytes(raw)
    else:
        text, repairs = raw, []
    text, cut_repairs = cut_surrounding_junk(text, expected_root)
    repairs += cut_repairs
    text, illegal = strip_illegal_xml_chars(text)
    if illegal:
        repairs.append(f"{illegal} illegal XML character(s) removed")
    text, entities = fix_html_entities(text)
    if entities:
        repairs.append(f"{entities} HTML entit(y/ies) or bare '&' escaped")
    # the text is Unicode now: re-encode it as the UTF-8 the declaration will say
    body = _XML_DECLARATION.sub("", text, count=1).lstrip().encode("utf-8")
    recovered = False
    try:
        root = etree.fromstring(body, _parser(recover=False))
    except etree.XMLSyntaxError as strict_error:
        parser = _parser(recover=True)
        try:
            root = etree.fromstring(body, parser)
        except etree.XMLSyntaxError as error:
            raise MalformedResponse(f"not well-formed XML: {error}") from error
        if root is None:
            raise MalformedResponse(f"not well-formed XML: {strict_error}") from strict_error
        recovered = True
        repairs.append(f"parsed with lxml recover=True after: {strict_error}")
    if expected_root is not None and etree.QName(root).localname != expected_root:
        raise MalformedResponse(f"root element is <{etree.QName(root).localname}>, not <{expected_root}>")
    if repair_text:
        mojibake = repair_tree_text(root)
        if mojibake:
            repairs.append(f"mojibake repaired in {mojibake} text node(s)")
    return ParsedXml(root=root, recovered=recovered, repairs=tuple(repairs))
