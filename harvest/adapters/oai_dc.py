"""oai_dc → NormalizedRecord, including what SLiMS puts into its Dublin Core.

Two real shapes (SLiMS 9 sources):

* ``oai.php`` (``detail::DublinCoreOutput``): title (mojibake), creator*, publisher, date (publish_year as
  typed), ``dc:hasVersion`` (edition), language (its *name*: "Indonesia"), ``dc:medium`` and ``dc:format``
  (both the GMD), ``dc:extent`` (collation), ``dc:isPartOf`` (series), description + abstract (notes),
  subject* then the classification as one more subject, identifiers in a fixed order — permalink, ISBN
  without hyphens, call number — then one ``dc:hasPart`` per copy (item code), ``dc:relation`` links, and in
  some releases a bare ``<image>`` in no DC namespace;
* ``oai2.php`` (``lib/oaipmh/record_dc.php``): title, creator*, subject*, relation*, publisher, date (the
  4-digit year), language (its *code*), ``dc:type`` (GMD), identifier (permalink),
  ``dc:identifier_isbn``, description, ``dc:coverage`` (publish place), identifier (cover image),
  ``dc:source`` (series), ``dc:format`` (collation), and the classification as a last subject.

Elements are matched by local name in any namespace (SLiMS's extensions sit in the DC namespace, in the
OAI-PMH default namespace, or in none).
"""

from __future__ import annotations

from lxml import etree

from catalog.normalized import NormalizedCopy, NormalizedRecord
from harvest.adapters.mapping import (
    MalformedRecord,
    best_isbn_issn,
    classify_identifier,
    clean_text,
    dedupe,
    is_identifier,
    language_code,
    local_name,
    looks_like_class_number,
    serialize,
)
from harvest.adapters.slims import record_key_from_identifier

__all__ = ["map_oai_dc"]


def _values(fields: dict[str, list[str]], *names: str) -> list[str]:
    values: list[str] = []
    for name in names:
        values.extend(fields.get(name, ()))
    return values


def _first(fields: dict[str, list[str]], *names: str) -> str:
    for value in _values(fields, *names):
        if value:
            return value
    return ""


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://", "//", "ftp://"))


def map_oai_dc(identifier: str, element: etree._Element, raw_xml: str | None = None) -> NormalizedRecord:
    """Map one ``oai_dc:dc`` element. Raises :class:`MalformedRecord` if it is not Dublin Core or has no
    title."""
    if element is None:
        raise MalformedRecord(identifier, "no metadata element")
    if local_name(element) != "dc":
        raise MalformedRecord(identifier, f"expected oai_dc:dc, got <{local_name(element)}>")

    fields: dict[str, list[str]] = {}
    for child in element:
        name = local_name(child)
        if not name:
            continue
        fields.setdefault(name, []).append(clean_text("".join(child.itertext())))

    title = _first(fields, "title")
    if not title:
        raise MalformedRecord(identifier, "no dc:title")

    # subjects; SLiMS writes the classification as the last dc:subject
    subjects: list[str] = []
    classification = ""
    for value in _values(fields, "subject"):
        if looks_like_class_number(value):
            classification = value
        else:
            subjects.append(value)

    # identifiers: URLs (permalink, cover), ISBN/ISSN (urn:isbn:, ISBN:, with qualifiers), call number.
    # A value that is an identifier of any kind (ISBN, ISSN, URN, OAI identifier, DOI) is never a call number.
    identifiers = fields.get("identifier", [])
    isbn_candidates = _values(fields, "identifier_isbn", "isbn")
    call_number = ""
    extra: dict[str, str] = {}
    non_urls = []
    for value in identifiers:
        if _is_url(value):
            if "show_detail" in value and "permalink" not in extra:
                extra["permalink"] = value
            elif "images/docs" in value or "phpThumb" in value:
                extra.setdefault("image", value)
            continue
        non_urls.append(value)
    is_oai_php_shape = len(identifiers) >= 3 and _is_url(identifiers[0]) and not _is_url(identifiers[1])
    if is_oai_php_shape and not isbn_candidates:
        # detail::DublinCoreOutput: permalink, ISBN (maybe empty), call number, in that order
        isbn_candidates = [identifiers[1]]
        positional = identifiers[2] if not _is_url(identifiers[2]) else ""
        if is_identifier(positional):
            isbn_candidates.append(positional)
        else:
            call_number = positional
    else:
        for value in non_urls:
            kind = classify_identifier(value).kind
            if kind in ("isbn", "issn"):
                isbn_candidates.append(value)
            elif kind == "" and value and not call_number:
                call_number = value
    # the source's own ISBN/ISSN field (SLiMS isbn_issn) is kept as typed when it holds no number
    explicit = next((value for value in isbn_candidates[:1] if value and not is_identifier(value)), "")
    isbn = best_isbn_issn(isbn_candidates) or explicit

    material_type = _first(fields, "type", "medium")
    extent = _first(fields, "extent")
    formats = [value for value in _values(fields, "format") if value]
    collation = extent
    if not collation:
        for value in formats:
            if value != material_type and value.lower() != "serial":
                collation = value
                break
    if not material_type and extent:
        # oai.php without dc:medium: dc:format is the GMD when the collation came in dc:extent
        material_type = next((value for value in formats if value.lower() != "serial"), "")

    image = _first(fields, "image")
    if image:
        extra["image"] = image
    for relation in _values(fields, "relation"):
        if relation and ("images/docs" in relation or "phpThumb" in relation):
            extra.setdefault("image", relation)

    call_number = call_number or ""
    copies = tuple(
        NormalizedCopy(item_code=item_code, call_number=call_number)
        for item_code in dedupe(_values(fields, "hasPart"))
    )
    notes = _first(fields, "description", "abstract")

    return NormalizedRecord(
        source_key=record_key_from_identifier(identifier),
        title=title,
        authors=dedupe(_values(fields, "creator") + _values(fields, "contributor")),
        subjects=dedupe(subjects),
        edition=_first(fields, "hasVersion"),
        isbn_issn=isbn,
        publisher=_first(fields, "publisher"),
        publish_place=_first(fields, "coverage", "spatial"),
        publish_year=_first(fields, "date", "issued", "created"),
        collation=collation,
        series_title=_first(fields, "isPartOf", "source"),
        call_number=call_number,
        classification=classification,
        language=language_code(_first(fields, "language")),
        notes=notes,
        material_type=material_type,
        copies=copies,
        raw_format="oai_dc",
        raw_metadata=raw_xml if raw_xml is not None else serialize(element),
        extra=extra,
    )
