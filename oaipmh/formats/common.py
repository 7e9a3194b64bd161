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
