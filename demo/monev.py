"""Monev demo data: every demo library assessed 2021–2024 (verified), some 2025 work in progress, and the
published figures of ``shared/data/kemenag-scores.yaml`` — all produced by real answer sets through the
services and the scoring code. Deterministic and idempotent (an existing assessment is left as it is).

How the published figures are met
---------------------------------
- **59.85 in 2019** (the unit is not named in the source; the demo gives it to **bdk-aceh**, the unit that
  later benchmarked against LPMQ): a verified 2019 assessment on khusus-2018 with the answer set of
  ``tests/monev/test_scoring.py`` (all c; 1.1 and 1.2 at d; 2.1 and 2.2 at b): exactly 59.85, 0.15 short
  of C.
- **LPMQ 93.83 in 2021 and 74.56 in 2024**: neither is on khusus-2018's grid. Its component steps are
  1/5, 1/8, 1/3, 1/2, 1/4 and 1/5 point, so every total is a multiple of 1/120, and 93.83 = 9383/100 or
  74.56 = 1864/25 would need a step with a factor 25. (khusus-2022's totals are multiples of 1/1540: no
  better.) So each is recorded as a ``HistoricScore`` with its source, which the dashboards show as the
  year's score; the answers behind LPMQ's verified assessments of those years are the nearest grid totals
  that still show the same two decimals: 11260/120 = 93.8333… ("93,83") and 8948/120 = 74.5666… ("74,56").
- **LPMQ the highest of its peers in 2024**: every other khusus unit's 2024 answers are generated below
  72 (and below 93.83 in 2021).

Instrument versions: the Balitbang-Diklat monev used Perpusnas Reg. 11/2018 (khusus-2018) through 2024
(instrument-draft.yaml ``khusus_2018.used_by``; the LPMQ 2024 news item), so khusus units answer
khusus-2018 for 2019–2024 and khusus-2022 for 2025. uin-jakarta answers perguruan-tinggi-2018 until 2022
and perguruan-tinggi-2022 from 2023 (Keputusan 303/2022); mtsn2-magelang answers sekolah-2018.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.db import transaction

from monev import services
from monev.instrument_loader import Instrument as CoreInstrument
from monev.models import Assessment, HistoricScore, Instrument, Status
from monev.scoring import score_assessment
from monev.snapshot import core_instrument
from portal.accounts.models import GlobalRole, Membership, User
from tenants.models import Library

DEMO_SEED = 2024
YEARS = (2021, 2022, 2023, 2024)
HISTORIC_UNIT = "bdk-aceh"
LPMQ = "lpmq"
LPMQ_SOURCE_2021 = (
    "Berita LPMQ: benchmarking BDK Aceh ke Perpustakaan LPMQ, nilai 93,83 (peringkat terbaik, monev "
    "Balitbang-Diklat 2021). https://lajnah.kemenag.go.id/berita/benchmarking-bdk-aceh-ke-perpustakaan-"
    "lajnah-pentashihan-mushaf-al-qur-an.html"
)
LPMQ_SOURCE_2024 = (
    "Surat B-105/Set.BD/HM.02.2/02/2025 (16 Jan 2025): nilai 74,56, tertinggi dari 22 perpustakaan di bawah "
    "Balitbang-Diklat. https://lajnah.kemenag.go.id/info-lpmq/berita/perpustakaan-lpmq-raih-nilai-"
    "tertinggi-dalam-penilaian-tata-kelola-tahun-2024.html"
)
# Grid totals whose two shown decimals are the published ones (see the module docstring).
LPMQ_ANSWER_TOTALS = {2021: Fraction(11260, 120), 2024: Fraction(8948, 120)}
LPMQ_PUBLISHED = {2021: ("93.83", LPMQ_SOURCE_2021), 2024: ("74.56", LPMQ_SOURCE_2024)}
HISTORIC_2019_ANSWERS = {"1.1": "d", "1.2": "d", "2.1": "b", "2.2": "b"}  # the rest c: exactly 59.85
KHUSUS_2024_CEILING = Fraction(72)  # every khusus unit but LPMQ stays below this in 2024

# Level (share of the maximum) per demo unit in 2021 and its yearly change; invented, plausible.
PROFILES = {
    "bdk-aceh": (0.62, 0.025),
    "bdk-medan": (0.60, 0.02),
    "bdk-jakarta": (0.70, 0.0),
    "bdk-bandung": (0.66, 0.01),
    "bdk-semarang": (0.58, 0.03),
    "bdk-surabaya": (0.68, 0.005),
    "bdk-makassar": (0.55, 0.025),
    "bla-jakarta": (0.72, -0.01),
    "bla-semarang": (0.64, 0.015),
    "lpmq": (0.94, -0.06),
    "uin-jakarta": (0.90, 0.01),
    "mtsn2-magelang": (0.84, 0.03),
}
# 2025 work in progress: code → (status, share of indicators answered).
IN_PROGRESS_2025 = {
    "bdk-medan": (Status.DRAFT, 0.6),
    "bla-semarang": (Status.DRAFT, 0.3),
    "mtsn2-magelang": (Status.DRAFT, 0.1),
    "bdk-jakarta": (Status.SUBMITTED, 1.0),
    "bdk-bandung": (Status.RETURNED, 1.0),
}
RETURN_COMMENTS_2025 = {
    "1.1": "Lampirkan SK pengesahan kebijakan pengembangan koleksi; dokumen yang diunggah belum diteken.",
    "4.2": "Jumlah pustakawan bersertifikat tidak sesuai data kepegawaian 2025. Mohon diperiksa kembali.",
}
JAKARTA = ZoneInfo("Asia/Jakarta")


@dataclass
class MonevDemoSummary:
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    historic: list[str] = field(default_factory=list)
    skipped_libraries: list[str] = field(default_factory=list)


class CannotHitTotal(ValueError):
    pass


def instrument_code_for(library: Library, year: int) -> str:
    library_type = services.library_type_for(library)
    if library_type == "perguruan_tinggi":
        return "perguruan-tinggi-2018" if year <= 2022 else "perguruan-tinggi-2022"
    if library_type == "sekolah":
        return "sekolah-2018"
    return "khusus-2018" if year <= 2024 else "khusus-2022"


# --- answer sets ----------------------------------------------------------------------------------------


def _gains(core: CoreInstrument) -> list[Fraction]:
    return [component.weight / (component.indicator_count * 5) for component in core.components]


def total_of_points(core: CoreInstrument, points: list[int]) -> Fraction:
    return sum((gain * p for gain, p in zip(_gains(core), points, strict=True)), Fraction(0))


def points_for_share(core: CoreInstrument, shares: list[float]) -> list[int]:
    return [
        min(
            5 * component.indicator_count,
            max(component.indicator_count, round(share * 5 * component.indicator_count)),
        )
        for component, share in zip(core.components, shares, strict=True)
    ]


def points_for_total(core: CoreInstrument, target: Fraction, *, radius: int = 8) -> list[int]:
    """Points per component (complete answers) whose total is exactly ``target``, near an even spread.

    Scaled to integers by the least common multiple of the step sizes, the problem is Σ p_k·c_k = T with
    n_k ≤ p_k ≤ 5·n_k. Starting from the even spread, the adjustment δ (|δ_k| ≤ radius) with the smallest
    sum of |δ_k| is found by meeting in the middle over the two halves of the components.
    """
    gains = _gains(core)
    scale = math.lcm(target.denominator, *(gain.denominator for gain in gains))
    coefficients = [int(gain * scale) for gain in gains]
    wanted = target * scale
    if wanted.denominator != 1:
        raise CannotHitTotal(f"{target} is not a multiple of 1/{scale} on {core.code}")
    start = points_for_share(core, [float(target) / 100] * len(gains))
    missing = int(wanted) - sum(p * c for p, c in zip(start, coefficients, strict=True))
    bounds = [
        (component.indicator_count - p, 5 * component.indicator_count - p)
        for component, p in zip(core.components, start, strict=True)
    ]
    half = len(gains) // 2

    def options(indices):
        ranges = [range(max(-radius, bounds[i][0]), min(radius, bounds[i][1]) + 1) for i in indices]
        for deltas in itertools.product(*ranges):
            yield deltas, sum(d * coefficients[i] for d, i in zip(deltas, indices, strict=True))

    left_indices, right_indices = list(range(half)), list(range(half, len(gains)))
    best_left: dict[int, tuple[int, ...]] = {}
    for deltas, amount in options(left_indices):
        kept = best_left.get(amount)
        if kept is None or sum(map(abs, deltas)) < sum(map(abs, kept)):
            best_left[amount] = deltas
    best: tuple[int, ...] | None = None
    for deltas, amount in options(right_indices):
        left = best_left.get(missing - amount)
        if left is None:
            continue
        candidate = left + deltas
        if best is None or sum(map(abs, candidate)) < sum(map(abs, best)):
            best = candidate
    if best is None:
        raise CannotHitTotal(f"no complete answer set of {core.code} totals {target}")
    return [p + d for p, d in zip(start, best, strict=True)]


def answers_for_points(core: CoreInstrument, points: list[int], rng: random.Random) -> dict[str, str]:
    """Spread each component's points over its indicators (uneven, like real answers), letters a–e."""
    letters = {5: "a", 4: "b", 3: "c", 2: "d", 1: "e"}
    answers: dict[str, str] = {}
    for component, total in zip(core.components, points, strict=True):
        count = component.indicator_count
        values = [total // count] * count
        for index in rng.sample(range(count), total - sum(values)):
            values[index] += 1
        for _swap in range(count):  # move a point from one indicator to another, staying within 1..5
            give, take = rng.randrange(count), rng.randrange(count)
            if give != take and values[give] > 1 and values[take] < 5:
                values[give] -= 1
                values[take] += 1
        for indicator, value in zip(component.indicators, values, strict=True):
            answers[indicator.code] = letters[value]
    return answers


def _shares(level: float, count: int, rng: random.Random) -> list[float]:
    return [min(0.98, max(0.25, level + rng.uniform(-0.12, 0.12))) for _ in range(count)]


def demo_answers(library: Library, year: int, core: CoreInstrument) -> dict[str, str]:
    rng = random.Random(f"{DEMO_SEED}:{library.code}:{year}")
    if library.code == HISTORIC_UNIT and year == 2019:
        return {indicator.code: "c" for indicator in core.iter_indicators()} | HISTORIC_2019_ANSWERS
    if library.code == LPMQ and year in LPMQ_ANSWER_TOTALS:
        return answers_for_points(core, points_for_total(core, LPMQ_ANSWER_TOTALS[year]), rng)
    start, step = PROFILES.get(library.code, (0.6, 0.01))
    level = start + step * (year - YEARS[0])
    answers = answers_for_points(core, points_for_share(core, _shares(level, len(core.components), rng)), rng)
    if core.library_type == "khusus" and library.code != LPMQ and year == 2024:
        answers = _lower_below(core, answers, KHUSUS_2024_CEILING)
    return answers


def _lower_below(core: CoreInstrument, answers: dict[str, str], ceiling: Fraction) -> dict[str, str]:
    """Lower the best answers one step at a time until the total is below ``ceiling``."""
    order = "abcde"
    answers = dict(answers)
    codes = [indicator.code for indicator in core.iter_indicators()]
    while score_assessment(core, answers).total_exact >= ceiling:
        best = min(codes, key=lambda code: (order.index(answers[code]), code))
        answers[best] = order[order.index(answers[best]) + 1]
    return answers


# --- seeding --------------------------------------------------------------------------------------------


def _user(username: str, **defaults) -> User:
    from demo.libraries import DEMO_PASSWORD

    user, created = User.objects.get_or_create(username=username, defaults=defaults)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _librarian(library: Library) -> User:
    user = _user(f"pustakawan-{library.code}", first_name=f"Pustakawan {library.name}")
    Membership.objects.get_or_create(user=user, library=library)
    return user


def _backdate(assessment: Assessment, year: int) -> None:
    """Demo history happened in its year: submitted in November, verified in December."""
    Assessment.objects.filter(pk=assessment.pk).update(
        created_at=datetime(year, 10, 1, 9, tzinfo=JAKARTA),
        submitted_at=datetime(year, 11, 20, 10, tzinfo=JAKARTA) if assessment.submitted_at else None,
        verified_at=datetime(year, 12, 15, 14, tzinfo=JAKARTA) if assessment.verified_at else None,
    )


def _seed_assessment(
    library: Library,
    year: int,
    *,
    librarian: User,
    supervisor: User,
    status: str,
    answered_share: float = 1.0,
) -> tuple[Assessment, bool]:
    instrument = Instrument.objects.get(code=instrument_code_for(library, year))
    existing = Assessment.objects.filter(library=library, year=year, instrument=instrument).first()
    if existing is not None:
        return existing, False
    core = core_instrument(instrument)
    answers = demo_answers(library, year, core)
    if answered_share < 1:
        keep = round(len(answers) * answered_share)
        answers = dict(list(answers.items())[:keep])
    with transaction.atomic():
        assessment = services.start_assessment(
            library=library, year=year, instrument=instrument, by=librarian
        )
        assessment = services.save_answers(assessment=assessment, options=answers, by=librarian)
        if status != Status.DRAFT:
            assessment = services.submit_assessment(assessment=assessment, by=librarian)
        if status == Status.VERIFIED:
            assessment = services.verify_assessment(assessment=assessment, by=supervisor)
        elif status == Status.RETURNED:
            comments = {code: text for code, text in RETURN_COMMENTS_2025.items() if code in answers}
            assessment = services.return_assessment(assessment=assessment, by=supervisor, comments=comments)
        if year < 2025:
            _backdate(assessment, year)
    return assessment, True


def seed_monev_demo(*, codes: tuple[str, ...] | None = None) -> MonevDemoSummary:
    from demo.libraries import DEFAULT_DEMO_CODES, load_units
    from tenants.services import create_library

    services.sync_instruments()
    summary = MonevDemoSummary()
    supervisor = _user("pembina", first_name="Pembina Balitbang Diklat", global_role=GlobalRole.SUPERVISOR)
    units = load_units()
    for code in codes or DEFAULT_DEMO_CODES:
        library = Library.objects.filter(code=code).first()
        if library is None:
            unit = units.get(code)
            if unit is None:
                summary.skipped_libraries.append(code)
                continue
            library = create_library(
                code=code, name=unit["name"], kind=unit["kind"], city=unit["city"], province=unit["province"]
            )
        librarian = _librarian(library)
        plan = [(year, Status.VERIFIED, 1.0) for year in YEARS]
        if code == HISTORIC_UNIT:
            plan.insert(0, (2019, Status.VERIFIED, 1.0))
        if code in IN_PROGRESS_2025:
            status, share = IN_PROGRESS_2025[code]
            plan.append((2025, status, share))
        for year, status, share in plan:
            _assessment, created = _seed_assessment(
                library, year, librarian=librarian, supervisor=supervisor, status=status, answered_share=share
            )
            (summary.created if created else summary.kept).append(f"{code} {year}")
        if code == LPMQ:
            for year, (total, source) in LPMQ_PUBLISHED.items():
                existing = HistoricScore.objects.filter(library=library, year=year).first()
                if existing is None or str(existing.total.normalize()) != total or existing.source != source:
                    services.record_historic_score(
                        library=library,
                        year=year,
                        total=total,
                        source=source,
                        instrument=Instrument.objects.get(code=instrument_code_for(library, year)),
                        by=supervisor,
                    )
                summary.historic.append(f"{code} {year}: {total}")
    return summary
