"""What the three formats share: the context of a record on a page, XML-safe text, language codes."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Characters XML 1.0 forbids (OAI-PMH responses must be well-formed: one stray control character fails a
# whole page at harvesters such as BASE).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# ISO 639-1 (as the catalogue keeps languages) → ISO 639-2/B (MARC 008/041, MODS iso639-2b). The inverse
# of what harvest.adapters.mapping.language_code reads.
LANGUAGE_639_2B = {
    "id": "ind", "en": "eng", "ar": "ara", "ms": "may", "jv": "jav", "su": "sun", "fa": "per", "ur": "urd",
    "tr": "tur", "fr": "fre", "de": "ger", "nl": "dut", "ja": "jpn", "zh": "chi", "ko": "kor", "hi": "hin",
    "es": "spa",
}  # fmt: skip
_THREE_LETTERS = re.compile(r"^[a-z]{3}$")


def xml_text(value: str | None) -> str:
    if not value:
        return ""
    return _NOT_XML.sub("", value) if _NOT_XML.search(value) else value


def escape_text(text: str) -> str:
    """Element text escaped as lxml writes it (``&``, ``<``, ``>``, and CR as ``&#13;``)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"}
)


def escape_attribute(value: str) -> str:
    """An attribute value escaped as lxml writes it."""
    return value if value.isalnum() else value.translate(_ATTRIBUTE_ESCAPES)


def ascii_bytes(markup: str) -> bytes:
    """Markup as ``etree.tostring`` writes it by default: US-ASCII, other characters as decimal
    character references."""
    return markup.encode("ascii", "xmlcharrefreplace")


def start_tag(element) -> str:
    """The start tag lxml writes for ``element`` (an lxml element with no children yet), namespace
    declarations included: the fast writers begin with exactly what the element tree would write."""
    from lxml import etree

    markup = etree.tostring(element, encoding="unicode")
    return markup[:-2] + ">" if markup.endswith("/>") else markup[: markup.index(">") + 1]


def language_639_2b(code: str) -> str:
    """The bibliographic 3-letter code of a catalogue language, or "" when none is known."""
    code = (code or "").strip().lower()
    if code in LANGUAGE_639_2B:
        return LANGUAGE_639_2B[code]
    return code if _THREE_LETTERS.match(code) else ""


@dataclass(frozen=True)
class RecordContext:
    identifier: str  # the OAI identifier
    library_name: str
    record_url: str  # the record's page on its library's site
