"""MODS → NormalizedRecord, including SLiMS's own MODS exports.

SLiMS writes MODS 3.3 in two places (``lib/detail.inc.php`` ``MODSoutput``; ``biblio_list::XMLresult``):
``index.php?p=show_detail&inXML=true&id=N`` is the richest record SLiMS has — ``titleInfo`` (the main
title *keeps* its colon: "Fiqih Ibadah:" + subTitle "Shalat"), ``name`` with ``namePart`` and
``role/roleTerm`` ("Primary Author", "Additional Author", ...), ``originInfo`` place/publisher/dateIssued,
``language/languageTerm`` (code and text), ``physicalDescription`` ``form authority="gmd"`` and ``extent``,
a series ``relatedItem`` whose ``title`` sits *beside* an empty ``titleInfo`` (a SLiMS bug), ``note``
(and ``note type="statement of responsibility"``), ``subject/topic`` (or geographic, name, temporal,
genre, occupation), ``classification``, ``identifier type="isbn"``, ``location`` with ``shelfLocator``
(the record's call number) and ``holdingSimple/copyInformation`` per copy — ``numerationAndChronology``
(the item code), ``sublocation`` (location, "(site)") and ``shelfLocator`` —, ``slims:image`` and
``recordInfo`` (id, creation and change dates). Standard MODS 3.4+ elements (``itemIdentifier``,
``subLocation``, ``name usage="primary"``, ``nonSort``) are read as well.
"""

from __future__ import annotations

from lxml import etree

from catalog.normalized import NormalizedCopy, NormalizedRecord
from harvest.adapters.mapping import (
    MalformedRecord,
    clean_text,
    dedupe,
    language_code,
    local_name,
    normalize_isbn_issn,
    serialize,
)
from harvest.adapters.slims import record_key_from_identifier

__all__ = ["map_mods"]

MODS_NS = "http://www.loc.gov/mods/v3"

_PRIMARY_ROLES = {"primary author", "pengarang utama", "author", "aut", "creator", "cre"}
_SUBJECT_PARTS = {"topic", "geographic", "temporal", "genre", "occupation", "name", "titleInfo"}


def _children(element: etree._Element, *names: str) -> list[etree._Element]:
    return [child for child in element if local_name(child) in names]


def _child(element: etree._Element | None, *names: str) -> etree._Element | None:
    if element is None:
        return None
    for child in element:
        if local_name(child) in names:
            return child
    return None


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return clean_text("".join(element.itertext()))


def _find_mods(element: etree._Element) -> etree._Element | None:
    if local_name(element) == "mods":
        return element
    for node in element.iter():
        if local_name(node) == "mods":
            return node
    return None


def _title(mods: etree._Element) -> str:
    infos = _children(mods, "titleInfo")
    chosen = next((info for info in infos if not info.get("type")), infos[0] if infos else None)
    if chosen is None:
        return ""
    non_sort = _text(_child(chosen, "nonSort"))
    main = _text(_child(chosen, "title"))
    sub = _text(_child(chosen, "subTitle"))
    part = " ".join(_text(node) for node in _children(chosen, "partNumber", "partName") if _text(node))
    title = " ".join(value for value in (non_sort, main) if value)
    if sub:
        # SLiMS keeps the colon on the main title ("Fiqih Ibadah:" + "Shalat"); standard MODS does not
        title = f"{title} {sub}" if title.endswith(":") else f"{title} : {sub}" if title else sub
    if part:
        title = f"{title}. {part}"
    return title.strip()


def _name(name: etree._Element) -> str:
    parts = _children(name, "namePart")
    typed = {part.get("type"): _text(part) for part in parts if part.get("type")}
    if "family" in typed:
        given = typed.get("given", "")
        return f"{typed['family']}, {given}".strip(", ")
    return " ".join(_text(part) for part in parts if not part.get("type") and _text(part)) or " ".join(
        value for value in typed.values() if value
    )


def _authors(mods: etree._Element) -> tuple[str, ...]:
    primary: list[str] = []
    others: list[str] = []
    for name in _children(mods, "name"):
        text = _name(name)
        if not text:
            continue
        roles = {_text(term).lower() for term in name.iter() if local_name(term) == "roleTerm"}
        if name.get("usage") == "primary" or roles & _PRIMARY_ROLES:
            primary.append(text)
        else:
            others.append(text)
    return dedupe(primary + others)


def _subjects(mods: etree._Element) -> tuple[str, ...]:
    subjects = []
    for subject in _children(mods, "subject"):
        parts = []
        for part in subject:
            if local_name(part) in _SUBJECT_PARTS:
                value = _name(part) if local_name(part) == "name" else _text(part)
                if value:
                    parts.append(value)
        if parts:
            subjects.append(" -- ".join(parts))
    return dedupe(subjects)


def _language(mods: etree._Element) -> str:
    for language in _children(mods, "language"):
        terms = [term for term in language if local_name(term) == "languageTerm"]
        for term in terms:
            if term.get("type") == "code" and _text(term):
                return language_code(_text(term))
        for term in terms:
            if _text(term):
                return language_code(_text(term))
    return ""


def _series(mods: etree._Element) -> str:
    for related in _children(mods, "relatedItem"):
        if related.get("type") != "series":
            continue
        for node in related.iter():  # SLiMS puts <title> beside an empty <titleInfo/>
            if local_name(node) == "title" and _text(node):
                return _text(node)
    return ""


def _copies(mods: etree._Element, call_number: str) -> tuple[NormalizedCopy, ...]:
    copies = []
    seen: set[str] = set()
    for location in _children(mods, "location"):
        location_name = _text(_child(location, "physicalLocation"))
        for holding in _children(location, "holdingSimple"):
            for copy in _children(holding, "copyInformation"):
                item_code = _text(_child(copy, "itemIdentifier")) or _text(
                    _child(copy, "numerationAndChronology")
                )
                if not item_code or item_code in seen:
                    continue
                seen.add(item_code)
                copies.append(
                    NormalizedCopy(
                        item_code=item_code,
                        call_number=_text(_child(copy, "shelfLocator")) or call_number,
                        collection_type=_text(_child(copy, "form")),
                        location=_text(_child(copy, "sublocation", "subLocation")) or location_name,
                    )
                )
    return tuple(copies)


def map_mods(identifier: str, element: etree._Element, raw_xml: str | None = None) -> NormalizedRecord:
    """Map one ``mods`` element (or the first ``mods`` of a ``modsCollection``).

    ``identifier``: the OAI identifier, or ``""`` for a MODS file/detail export (then ``recordIdentifier``
    or the ``mods`` ``ID``/``id`` attribute is the key). Raises :class:`MalformedRecord`.
    """
    if element is None:
        raise MalformedRecord(identifier, "no metadata element")
    mods = _find_mods(element)
    if mods is None:
        raise MalformedRecord(identifier, f"no <mods> element in <{local_name(element)}>")
    title = _title(mods)
    if not title:
        raise MalformedRecord(identifier, "no titleInfo/title")

    origin = _child(mods, "originInfo")
    place = ""
    publisher = ""
    year = ""
    edition = ""
    if origin is not None:
        for place_element in _children(origin, "place"):
            for term in place_element:
                if local_name(term) == "placeTerm" and term.get("type") != "code" and _text(term):
                    place = place or _text(term)
        publisher = _text(_child(origin, "publisher"))
        dates = _children(origin, "dateIssued")
        year = next((_text(date) for date in dates if not date.get("point") and _text(date)), "") or next(
            (_text(date) for date in dates if _text(date)), ""
        )
        year = year or _text(_child(origin, "copyrightDate", "dateCreated"))
        edition = _text(_child(origin, "edition"))

    physical = _child(mods, "physicalDescription")
    material_type = ""
    collation = ""
    if physical is not None:
        forms = _children(physical, "form")
        gmd = next((form for form in forms if form.get("authority") == "gmd"), forms[0] if forms else None)
        material_type = _text(gmd)
        collation = "; ".join(_text(extent) for extent in _children(physical, "extent") if _text(extent))

    notes = []
    responsibility = ""
    for note in _children(mods, "note"):
        if (note.get("type") or "").lower() == "statement of responsibility":
            responsibility = responsibility or _text(note)
        elif _text(note):
            notes.append(_text(note))
    abstract = _text(_child(mods, "abstract"))
    if abstract and abstract not in notes:
        notes.append(abstract)

    isbn = ""
    for identifier_element in _children(mods, "identifier"):
        if (identifier_element.get("type") or "").lower() in ("isbn", "issn") and _text(identifier_element):
            isbn = _text(identifier_element)
            break
    classification = next(
        (_text(node) for node in _children(mods, "classification") if _text(node)),
        "",
    )
    call_number = ""
    for location in _children(mods, "location"):
        call_number = _text(_child(location, "shelfLocator"))
        if call_number:
            break

    record_info = _child(mods, "recordInfo")
    record_identifier = _text(_child(record_info, "recordIdentifier"))
    extra: dict[str, str] = {}
    for key, names in (("created", ("recordCreationDate",)), ("changed", ("recordChangeDate",))):
        value = _text(_child(record_info, *names))
        if value:
            extra[key] = value
    if record_identifier:
        extra["record_identifier"] = record_identifier
    image = next((_text(node) for node in mods if local_name(node) == "image" and _text(node)), "")
    if image:
        extra["image"] = image
    physical_location = next(
        (_text(_child(location, "physicalLocation")) for location in _children(mods, "location")), ""
    )
    if physical_location:
        extra["physical_location"] = physical_location

    source_key = (
        record_key_from_identifier(identifier)
        if identifier
        else record_identifier or (mods.get("ID") or mods.get("id") or "").strip()
    )
    if not source_key:
        raise MalformedRecord(identifier, "no identifier, recordIdentifier or ID")
    return NormalizedRecord(
        source_key=source_key,
        title=title,
        authors=_authors(mods),
        subjects=_subjects(mods),
        statement_of_responsibility=responsibility,
        edition=edition,
        isbn_issn=normalize_isbn_issn(isbn),
        publisher=publisher,
        publish_place=place,
        publish_year=year,
        collation=collation,
        series_title=_series(mods),
        call_number=call_number,
        classification=classification,
        language=_language(mods),
        notes="\n".join(notes),
        material_type=material_type,
        copies=_copies(mods, call_number),
        raw_format="mods",
        raw_metadata=raw_xml if raw_xml is not None else serialize(mods),
        extra=extra,
    )
