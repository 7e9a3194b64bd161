"""Load accreditation instruments (Perpusnas "instrumen akreditasi perpustakaan") from YAML files.

An instrument is data, versioned by file: one file per instrument version and library type under
``monev/instruments/`` (``khusus-2018.yaml``, ``khusus-2022.yaml``, ...). The file is checked as a
whole before anything uses it, because a wrong weight or a missing option silently changes every score
computed from it. A bad file raises :class:`InstrumentError` naming the file, the line and what to fix.

Invariants checked here (the scoring formula in :mod:`monev.scoring` relies on them):

- component weights are positive and sum to exactly 100;
- every indicator has exactly the five options a–e, each with text (a is best, worth 5 points; e worth 1);
- component codes are unique, and indicator codes are unique across the whole instrument;
- indicator codes are quoted strings ("1.10" unquoted is the float 1.1 in YAML and would collide with "1.1").

``content_hash`` is the sha256 of the file bytes, so an assessment can record which exact text it was
answered against and an edited instrument version can be detected.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "DEFAULT_INSTRUMENTS_DIR",
    "LIBRARY_TYPES",
    "OPTION_LETTERS",
    "OPTION_POINTS",
    "Component",
    "Indicator",
    "Instrument",
    "InstrumentError",
    "Option",
    "indicator_sort_key",
    "load_all_instruments",
    "load_instrument",
]

DEFAULT_INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"

OPTION_LETTERS: tuple[str, ...] = ("a", "b", "c", "d", "e")
OPTION_POINTS: Mapping[str, int] = {"a": 5, "b": 4, "c": 3, "d": 2, "e": 1}

LIBRARY_TYPES = frozenset({"khusus", "perguruan_tinggi", "sekolah"})
COMPONENT_GROUPS = frozenset({"utama", "pendukung"})
WORDING_MARKS = frozenset({"unverified", "quoted"})

WEIGHT_TOTAL = 100
WEIGHT_TOLERANCE = 1e-9

_INSTRUMENT_REQUIRED = ("code", "name", "library_type", "year", "legal_basis", "provenance", "components")
_INSTRUMENT_OPTIONAL = ("sources",)
_COMPONENT_REQUIRED = ("code", "name", "weight", "indicators")
_COMPONENT_OPTIONAL = ("group", "provenance")
_INDICATOR_REQUIRED = ("code", "text", "options")
_INDICATOR_OPTIONAL = ("evidence", "wording", "source", "note")


class InstrumentError(ValueError):
    """An instrument file that cannot be used. ``str()`` reads ``file:line: reason``."""

    def __init__(self, path: str | Path, line: int | None, reason: str) -> None:
        self.path = Path(path)
        self.line = line
        self.reason = reason
        where = f"{self.path.name}:{line}" if line else self.path.name
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class Option:
    letter: str
    text: str
    points: int


@dataclass(frozen=True)
class Indicator:
    code: str
    text: str
    options: tuple[Option, ...]
    component_code: str
    evidence: str | None = None
    wording: str | None = (
        None  # "unverified" when the official wording is not known, "quoted" when transcribed
    )
    source: str | None = None
    note: str | None = None
    line: int | None = None

    @property
    def wording_unverified(self) -> bool:
        return self.wording == "unverified"

    def option(self, letter: str) -> Option:
        for option in self.options:
            if option.letter == letter:
                return option
        raise KeyError(f"indicator {self.code} has no option {letter!r}")


@dataclass(frozen=True)
class Component:
    code: str
    name: str
    weight: Fraction
    indicators: tuple[Indicator, ...]
    group: str | None = None
    provenance: str | None = None
    line: int | None = None

    @property
    def indicator_count(self) -> int:
        return len(self.indicators)

    @property
    def max_points(self) -> int:
        return len(self.indicators) * OPTION_POINTS["a"]


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    library_type: str
    year: int
    legal_basis: str
    provenance: str
    components: tuple[Component, ...]
    content_hash: str = ""
    path: Path | None = None
    sources: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)

    @property
    def indicator_count(self) -> int:
        return sum(len(component.indicators) for component in self.components)

    def iter_indicators(self) -> Iterator[Indicator]:
        for component in self.components:
            yield from component.indicators

    def component(self, code: str) -> Component:
        for component in self.components:
            if component.code == code:
                return component
        raise KeyError(f"instrument {self.code} has no component {code!r}")

    def indicator(self, code: str) -> Indicator:
        for indicator in self.iter_indicators():
            if indicator.code == code:
                return indicator
        raise KeyError(f"instrument {self.code} has no indicator {code!r}")


def indicator_sort_key(code: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order of indicator codes: "1.2" before "1.10"."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"[.\-]", code))


# --- YAML with line numbers ---------------------------------------------------------------------------


class _Mapping(dict):
    """A YAML mapping that remembers where it and each of its keys start (1-based lines)."""

    line: int
    key_lines: dict[Any, int]


# The C parser when PyYAML has libyaml (several times faster on these files); the safe constructor either way.
class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Mapping:
    loader.flatten_mapping(node)
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        key_line = key_node.start_mark.line + 1
        if key in mapping:
            raise _DuplicateKey(key, key_line, mapping.key_lines[key])
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_line
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int, first_line: int) -> None:
        self.key = key
        self.line = line
        self.first_line = first_line


# --- validation -----------------------------------------------------------------------------------------


class _Checker:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, line: int | None, reason: str) -> InstrumentError:
        return InstrumentError(self.path, line, reason)

    def mapping(self, value: Any, what: str, line: int | None) -> _Mapping:
        if not isinstance(value, _Mapping):
            raise self.fail(line, f"{what} must be a mapping of keys to values, got {_kind(value)}")
        return value

    def keys(
        self, mapping: _Mapping, what: str, required: tuple[str, ...], optional: tuple[str, ...]
    ) -> None:
        missing = [key for key in required if key not in mapping]
        if missing:
            raise self.fail(mapping.line, f"{what} is missing required key(s): {', '.join(missing)}")
        allowed = set(required) | set(optional)
        for key in mapping:
            if key not in allowed:
                raise self.fail(
                    mapping.key_lines.get(key, mapping.line),
                    f"{what} has unknown key {key!r}; allowed keys: {', '.join(sorted(allowed))}",
                )

    def text(self, mapping: _Mapping, key: str, what: str) -> str:
        value = mapping[key]
        line = mapping.key_lines.get(key, mapping.line)
        if not isinstance(value, str):
            raise self.fail(line, f"{what} {key!r} must be text (put it in quotes), got {_kind(value)}")
        if not value.strip():
            raise self.fail(line, f"{what} {key!r} is empty")
        return value.strip()

    def optional_text(self, mapping: _Mapping, key: str, what: str) -> str | None:
        if key not in mapping or mapping[key] is None:
            return None
        return self.text(mapping, key, what)

    def choice(self, mapping: _Mapping, key: str, what: str, allowed: frozenset[str]) -> str | None:
        value = self.optional_text(mapping, key, what)
        if value is not None and value not in allowed:
            raise self.fail(
                mapping.key_lines.get(key, mapping.line),
                f"{what} {key!r} is {value!r}; use one of: {', '.join(sorted(allowed))}",
            )
        return value

    def code(self, mapping: _Mapping, what: str) -> str:
        value = mapping["code"]
        line = mapping.key_lines.get("code", mapping.line)
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise self.fail(
                line,
                f'{what} code {value!r} must be quoted text (write "{value}"): unquoted, YAML reads it as '
                'a number and "1.10" becomes 1.1',
            )
        return self.text(mapping, "code", what)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (empty value)"
    if isinstance(value, _Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"the boolean {value!r} (quote it if it is text)"
    return f"{type(value).__name__} {value!r}"


def _weight(checker: _Checker, component: _Mapping, code: str) -> Fraction:
    value = component["weight"]
    line = component.key_lines.get("weight", component.line)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise checker.fail(line, f"component {code!r} weight must be a number, got {_kind(value)}")
    # str() first so 12.5 in the file is exactly 25/2 here, not the binary float nearest to it.
    weight = Fraction(value) if isinstance(value, int) else Fraction(str(value))
    if weight <= 0:
        raise checker.fail(line, f"component {code!r} weight must be positive, got {value}")
    return weight


def _options(checker: _Checker, indicator: _Mapping, code: str) -> tuple[Option, ...]:
    raw = indicator["options"]
    line = indicator.key_lines.get("options", indicator.line)
    options = checker.mapping(raw, f"options of indicator {code}", line)
    letters = [str(letter) for letter in options]
    missing = [letter for letter in OPTION_LETTERS if letter not in options]
    extra = [letter for letter in letters if letter not in OPTION_LETTERS]
    if missing or extra or len(options) != len(OPTION_LETTERS):
        found = ", ".join(letters) or "none"
        problems = []
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        if extra:
            problems.append(f"unexpected {', '.join(extra)}")
        raise checker.fail(
            options.line,
            f"indicator {code} must have exactly five options a–e, found {len(options)} ({found}): "
            + "; ".join(problems),
        )
    result = []
    for letter in OPTION_LETTERS:
        text = options[letter]
        option_line = options.key_lines.get(letter, options.line)
        if not isinstance(text, str) or not text.strip():
            got = _kind(text) if text else "an empty value"
            raise checker.fail(option_line, f"indicator {code} option {letter} needs text, got {got}")
        result.append(Option(letter=letter, text=text.strip(), points=OPTION_POINTS[letter]))
    return tuple(result)


def _parse(path: Path, data: bytes) -> Instrument:
    checker = _Checker(path)
    try:
        root = yaml.load(data, Loader=_LineLoader)  # _LineLoader is a SafeLoader: no arbitrary objects
    except _DuplicateKey as duplicate:
        raise checker.fail(
            duplicate.line, f"key {duplicate.key!r} appears twice (first on line {duplicate.first_line})"
        ) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise checker.fail(line, f"not valid YAML: {error.problem or error}") from None
    except yaml.YAMLError as error:
        raise checker.fail(None, f"not valid YAML: {error}") from None

    root = checker.mapping(root, "the instrument file", 1)
    checker.keys(root, "the instrument", _INSTRUMENT_REQUIRED, _INSTRUMENT_OPTIONAL)
    code = checker.code(root, "instrument")
    library_type = checker.choice(root, "library_type", "instrument", LIBRARY_TYPES)
    year = root["year"]
    if isinstance(year, bool) or not isinstance(year, int):
        raise checker.fail(
            root.key_lines["year"], f"instrument year must be a whole number, got {_kind(year)}"
        )
    sources: dict[str, str] = {}
    if root.get("sources") is not None:
        raw_sources = checker.mapping(root["sources"], "sources", root.key_lines["sources"])
        for key in raw_sources:
            sources[str(key)] = checker.text(raw_sources, key, "source")

    raw_components = root["components"]
    if not isinstance(raw_components, list) or not raw_components:
        raise checker.fail(root.key_lines["components"], "components must be a non-empty list")

    components: list[Component] = []
    component_lines: dict[str, int] = {}
    indicator_lines: dict[str, int] = {}
    for raw_component in raw_components:
        component = checker.mapping(raw_component, "each component", root.key_lines["components"])
        checker.keys(component, "a component", _COMPONENT_REQUIRED, _COMPONENT_OPTIONAL)
        component_code = checker.code(component, "component")
        if component_code in component_lines:
            raise checker.fail(
                component.key_lines["code"],
                f"component code {component_code!r} is used twice (first on line "
                f"{component_lines[component_code]}); component codes must be unique",
            )
        component_lines[component_code] = component.key_lines["code"]
        weight = _weight(checker, component, component_code)

        raw_indicators = component["indicators"]
        if not isinstance(raw_indicators, list) or not raw_indicators:
            raise checker.fail(
                component.key_lines["indicators"],
                f"component {component_code!r} needs a non-empty list of indicators",
            )
        indicators: list[Indicator] = []
        for raw_indicator in raw_indicators:
            indicator = checker.mapping(
                raw_indicator, f"each indicator of {component_code!r}", component.key_lines["indicators"]
            )
            checker.keys(
                indicator, f"an indicator of {component_code!r}", _INDICATOR_REQUIRED, _INDICATOR_OPTIONAL
            )
            indicator_code = checker.code(indicator, "indicator")
            if indicator_code in indicator_lines:
                raise checker.fail(
                    indicator.key_lines["code"],
                    f"indicator code {indicator_code!r} is used twice (first on line "
                    f"{indicator_lines[indicator_code]}); indicator codes must be unique in the instrument",
                )
            indicator_lines[indicator_code] = indicator.key_lines["code"]
            indicators.append(
                Indicator(
                    code=indicator_code,
                    text=checker.text(indicator, "text", f"indicator {indicator_code}"),
                    options=_options(checker, indicator, indicator_code),
                    component_code=component_code,
                    evidence=checker.optional_text(indicator, "evidence", f"indicator {indicator_code}"),
                    wording=checker.choice(
                        indicator, "wording", f"indicator {indicator_code}", WORDING_MARKS
                    ),
                    source=checker.optional_text(indicator, "source", f"indicator {indicator_code}"),
                    note=checker.optional_text(indicator, "note", f"indicator {indicator_code}"),
                    line=indicator.line,
                )
            )
        components.append(
            Component(
                code=component_code,
                name=checker.text(component, "name", f"component {component_code!r}"),
                weight=weight,
                indicators=tuple(indicators),
                group=checker.choice(component, "group", f"component {component_code!r}", COMPONENT_GROUPS),
                provenance=checker.optional_text(component, "provenance", f"component {component_code!r}"),
                line=component.line,
            )
        )

    weight_sum = sum((component.weight for component in components), Fraction(0))
    if abs(weight_sum - WEIGHT_TOTAL) > WEIGHT_TOLERANCE:
        listed = ", ".join(f"{component.code} {_plain(component.weight)}" for component in components)
        raise checker.fail(
            root.key_lines["components"],
            f"component weights sum to {_plain(weight_sum)}, they must sum to {WEIGHT_TOTAL} ({listed})",
        )

    return Instrument(
        code=code,
        name=checker.text(root, "name", "instrument"),
        library_type=library_type or "",
        year=year,
        legal_basis=checker.text(root, "legal_basis", "instrument"),
        provenance=checker.text(root, "provenance", "instrument"),
        components=tuple(components),
        content_hash=hashlib.sha256(data).hexdigest(),
        path=path,
        sources=sources,
    )


def _plain(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"


def load_instrument(path: str | Path) -> Instrument:
    """Read and validate one instrument file; raise :class:`InstrumentError` if it cannot be used."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InstrumentError(path, None, f"cannot read the file: {error.strerror or error}") from None
    return _parse(path, data)


def load_all_instruments(directory: str | Path = DEFAULT_INSTRUMENTS_DIR) -> dict[str, Instrument]:
    """Every ``*.yaml`` instrument in ``directory``, keyed by instrument code (sorted by file name)."""
    instruments: dict[str, Instrument] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        instrument = load_instrument(path)
        if instrument.code in instruments:
            other = instruments[instrument.code].path
            raise InstrumentError(
                path,
                1,
                f"instrument code {instrument.code!r} is already used by {other.name if other else '?'}; "
                "each instrument version needs its own code",
            )
        instruments[instrument.code] = instrument
    return instruments
