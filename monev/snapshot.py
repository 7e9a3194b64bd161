"""The instrument snapshot stored on ``models.Instrument.components`` and back to the core's dataclasses.

Scoring and the optimizer work on :class:`monev.instrument_loader.Instrument`; an assessment is
scored against the snapshot in the database (the version it was answered against), not against whatever
the YAML file holds today. Weights are stored as text ("12.5") so they come back as the exact fraction.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from monev.instrument_loader import (
    OPTION_POINTS,
    Component,
    Indicator,
    Option,
)
from monev.instrument_loader import Instrument as CoreInstrument

if TYPE_CHECKING:
    from monev.models import Instrument

_cache: dict[tuple[str, str], CoreInstrument] = {}


def _weight_text(weight: Fraction) -> str:
    return str(weight.numerator) if weight.denominator == 1 else str(float(weight))


def snapshot_components(instrument: CoreInstrument) -> list[dict]:
    return [
        {
            "code": component.code,
            "name": component.name,
            "weight": _weight_text(component.weight),
            "group": component.group or "",
            "indicators": [
                {
                    "code": indicator.code,
                    "text": indicator.text,
                    "options": {option.letter: option.text for option in indicator.options},
                    "evidence": indicator.evidence or "",
                    "wording": indicator.wording or "",
                }
                for indicator in component.indicators
            ],
        }
        for component in instrument.components
    ]


def core_instrument(row: Instrument) -> CoreInstrument:
    """The scoring view of a stored instrument version (cached per code and content hash)."""
    key = (row.code, row.content_hash)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    components = []
    for component in row.components:
        indicators = tuple(
            Indicator(
                code=indicator["code"],
                text=indicator["text"],
                options=tuple(
                    Option(letter=letter, text=text, points=OPTION_POINTS[letter])
                    for letter, text in indicator["options"].items()
                ),
                component_code=component["code"],
                evidence=indicator.get("evidence") or None,
                wording=indicator.get("wording") or None,
            )
            for indicator in component["indicators"]
        )
        components.append(
            Component(
                code=component["code"],
                name=component["name"],
                weight=Fraction(component["weight"]),
                indicators=indicators,
                group=component.get("group") or None,
            )
        )
    core = CoreInstrument(
        code=row.code,
        name=row.name,
        library_type=row.library_type,
        year=row.year,
        legal_basis=row.legal_basis,
        provenance=row.provenance,
        components=tuple(components),
        content_hash=row.content_hash,
    )
    _cache[key] = core
    return core
