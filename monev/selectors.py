"""Reads for the monev pages, API and exports. Dashboards aggregate in SQL over the cached totals.

A unit's *score for a year* is, in this order:

1. its ``HistoricScore`` for that year, when one is recorded — a published figure (a letter, a news item)
   is the official total and wins over a reconstruction;
2. else its verified assessment's cached total (the most recently verified one, should a library have
   assessed the same year against two instrument versions).

Drafts, submitted and returned assessments never count in comparisons. Component values exist only for
assessments, so the breakdown, the radar and the closest-to-next-grade plans use verified assessments.

Every dashboard query is one SQL statement over ``monev_assessment`` / ``monev_historicscore`` joined to
``tenants_library``; at 1,000 libraries × 5 years they read a few thousand rows through the
``(year, status)`` index (see bench/dashboard.py).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.core.cache import cache
from django.db import connection

from monev.models import (
    Answer,
    Assessment,
    AuditEvent,
    Evidence,
    HistoricScore,
    Instrument,
    ReviewComment,
    Status,
)
from monev.optimizer import ImprovementPlan, plan_next_grade
from monev.scoring import GRADES, ScoreResult, score_assessment
from monev.snapshot import core_instrument
from tenants.models import Library, UnitKind

GRADE_ORDER = tuple(grade.code for grade in GRADES)  # A, B, C, TT
KIND_LABELS = dict(UnitKind.choices)
PLAN_CACHE_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class ScoreFilters:
    year: int
    kind: str = ""
    province: str = ""
    instrument: str = ""  # instrument code

    def as_query(self) -> dict[str, str]:
        return {
            key: str(value)
            for key, value in (
                ("tahun", self.year),
                ("jenis", self.kind),
                ("provinsi", self.province),
                ("instrumen", self.instrument),
            )
            if value
        }


@dataclass
class RankingRow:
    rank: int
    library_id: int
    library_code: str
    library_name: str
    kind: str
    province: str
    total: Decimal
    grade: str
    instrument_code: str
    assessment_id: int | None
    historic_source: str
    previous_total: Decimal | None

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def change(self) -> Decimal | None:
        return None if self.previous_total is None else self.total - self.previous_total

    @property
    def is_historic(self) -> bool:
        return bool(self.historic_source)

    def as_dict(self) -> dict:
        return {
            "rank": self.rank,
            "library": self.library_code,
            "name": self.library_name,
            "kind": self.kind,
            "province": self.province,
            "total": str(self.total),
            "grade": self.grade,
            "instrument": self.instrument_code,
            "previous_total": None if self.previous_total is None else str(self.previous_total),
            "change": None if self.change is None else str(self.change),
            "assessment_id": self.assessment_id,
            "source": self.historic_source or "assessment",
        }


@dataclass
class RankingPage:
    rows: list[RankingRow]
    count: int


# --- the year-score SQL ---------------------------------------------------------------------------------

_A = Assessment._meta.db_table
_H = HistoricScore._meta.db_table
_I = Instrument._meta.db_table
_L = Library._meta.db_table


def _scores_cte(years: list[int] | None, library_ids: list[int] | None = None) -> tuple[str, list]:
    """``scores(library_id, year, total, grade, instrument_code, assessment_id, historic_source)``."""
    year_clause_a, year_clause_h, params_a, params_h = "", "", [], []
    if years is not None:
        year_clause_a, year_clause_h = "AND a.year = ANY(%s)", "AND h.year = ANY(%s)"
        params_a.append(list(years))
        params_h.append(list(years))
    if library_ids is not None:
        year_clause_a += " AND a.library_id = ANY(%s)"
        year_clause_h += " AND h.library_id = ANY(%s)"
        params_a.append(list(library_ids))
        params_h.append(list(library_ids))
    sql = f"""
    WITH verified AS (
        SELECT DISTINCT ON (a.library_id, a.year)
               a.library_id, a.year, a.total, a.grade, a.id AS assessment_id, i.code AS instrument_code
          FROM {_A} a JOIN {_I} i ON i.id = a.instrument_id
         WHERE a.status = 'verified' {year_clause_a}
         ORDER BY a.library_id, a.year, a.verified_at DESC NULLS LAST, a.id DESC
    ), historic AS (
        SELECT h.library_id, h.year, h.total, h.grade, h.source, hi.code AS instrument_code
          FROM {_H} h LEFT JOIN {_I} hi ON hi.id = h.instrument_id
         WHERE TRUE {year_clause_h}
    ), scores AS (
        SELECT COALESCE(h.library_id, v.library_id) AS library_id,
               COALESCE(h.year, v.year) AS year,
               COALESCE(h.total, v.total) AS total,
               COALESCE(h.grade, v.grade) AS grade,
               COALESCE(h.instrument_code, v.instrument_code, '') AS instrument_code,
               v.assessment_id,
               COALESCE(h.source, '') AS historic_source
          FROM verified v FULL OUTER JOIN historic h ON h.library_id = v.library_id AND h.year = v.year
    )"""
    return sql, params_a + params_h


def _library_filter(filters: ScoreFilters, alias: str = "l") -> tuple[str, list]:
    clauses, params = [], []
    if filters.kind:
        clauses.append(f"{alias}.kind = %s")
        params.append(filters.kind)
    if filters.province:
        clauses.append(f"{alias}.province = %s")
        params.append(filters.province)
    return "".join(f" AND {clause}" for clause in clauses), params


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def libraries_ranked_by_score(
    filters: ScoreFilters, *, limit: int | None = None, offset: int = 0
) -> RankingPage:
    """Units ranked by their score for the year (ties share a rank), with the change since the year before."""
    cte, params = _scores_cte([filters.year, filters.year - 1])
    library_sql, library_params = _library_filter(filters)
    instrument_sql = " AND cur.instrument_code = %s" if filters.instrument else ""
    instrument_params = [filters.instrument] if filters.instrument else []
    page_sql = " LIMIT %s OFFSET %s" if limit is not None else ""
    page_params = [limit, offset] if limit is not None else []
    sql = f"""{cte}
    SELECT RANK() OVER (ORDER BY cur.total DESC) AS rank,
           l.id, l.code, l.name, l.kind, l.province,
           cur.total, cur.grade, cur.instrument_code, cur.assessment_id, cur.historic_source,
           prev.total AS previous_total, COUNT(*) OVER () AS full_count
      FROM scores cur
      JOIN {_L} l ON l.id = cur.library_id
      LEFT JOIN scores prev ON prev.library_id = cur.library_id AND prev.year = cur.year - 1
     WHERE cur.year = %s {library_sql} {instrument_sql}
     ORDER BY cur.total DESC, l.name, l.id{page_sql}"""
    rows = _fetch(sql, [*params, filters.year, *library_params, *instrument_params, *page_params])
    ranking = [RankingRow(*row[:12]) for row in rows]
    count = rows[0][12] if rows else 0
    if not rows and offset:
        count = libraries_ranked_by_score(filters, limit=1).count
    return RankingPage(rows=ranking, count=count)


def grade_distribution(filters: ScoreFilters) -> list[tuple[str, int]]:
    """(grade, number of units) for A, B, C, TT — every grade listed, zero included."""
    cte, params = _scores_cte([filters.year])
    library_sql, library_params = _library_filter(filters)
    instrument_sql = " AND s.instrument_code = %s" if filters.instrument else ""
    sql = f"""{cte}
    SELECT s.grade, COUNT(*) FROM scores s JOIN {_L} l ON l.id = s.library_id
     WHERE s.year = %s {library_sql} {instrument_sql} GROUP BY s.grade"""
    counts = dict(
        _fetch(
            sql,
            params + [filters.year] + library_params + ([filters.instrument] if filters.instrument else []),
        )
    )
    return [(grade, counts.get(grade, 0)) for grade in GRADE_ORDER]


def years_with_scores() -> list[int]:
    sql = f"SELECT year FROM {_A} WHERE status = 'verified' UNION SELECT year FROM {_H} ORDER BY 1 DESC"
    return [row[0] for row in _fetch(sql, [])]


def provinces_with_libraries() -> list[str]:
    return list(
        Library.objects.exclude(province="")
        .order_by("province")
        .values_list("province", flat=True)
        .distinct()
    )


def instruments_in_use(year: int | None = None) -> list[Instrument]:
    queryset = Instrument.objects.filter(assessments__status=Status.VERIFIED)
    if year is not None:
        queryset = queryset.filter(assessments__year=year)
    return list(queryset.distinct().order_by("library_type", "-year"))


def default_instrument_for(filters: ScoreFilters) -> Instrument | None:
    """The instrument to break down when none is chosen: the one most verified assessments used that year."""
    if filters.instrument:
        return Instrument.objects.filter(code=filters.instrument).first()
    library_sql, library_params = _library_filter(filters)
    sql = f"""SELECT a.instrument_id FROM {_A} a JOIN {_L} l ON l.id = a.library_id
               WHERE a.status = 'verified' AND a.year = %s {library_sql}
               GROUP BY a.instrument_id ORDER BY COUNT(*) DESC, a.instrument_id LIMIT 1"""
    rows = _fetch(sql, [filters.year, *library_params])
    return Instrument.objects.get(pk=rows[0][0]) if rows else None


# --- components -----------------------------------------------------------------------------------------


@dataclass
class ComponentColumn:
    code: str
    name: str
    weight: Decimal
    average: Decimal | None

    @property
    def average_percent(self) -> Decimal | None:
        return None if self.average is None else self.average / self.weight * 100


@dataclass
class BreakdownRow:
    library_id: int
    library_code: str
    library_name: str
    total: Decimal
    grade: str
    values: list[Decimal | None]
    percents: list[Decimal | None] = field(default_factory=list)


@dataclass
class Breakdown:
    instrument: Instrument | None
    components: list[ComponentColumn]
    rows: list[BreakdownRow]
    count: int

    def as_dict(self) -> dict:
        return {
            "instrument": self.instrument.code if self.instrument else None,
            "components": [
                {
                    "code": column.code,
                    "name": column.name,
                    "weight": str(column.weight),
                    "average": None
                    if column.average is None
                    else str(column.average.quantize(Decimal("0.0001"))),
                }
                for column in self.components
            ],
            "units": [
                {
                    "library": row.library_code,
                    "name": row.library_name,
                    "total": str(row.total),
                    "grade": row.grade,
                    "values": [
                        None if value is None else format(value.normalize(), "f") for value in row.values
                    ],
                }
                for row in self.rows
            ],
            "count": self.count,
        }


def component_breakdown(
    filters: ScoreFilters,
    *,
    instrument: Instrument | None = None,
    library_ids: list[int] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Breakdown:
    """Average value of each component over the verified assessments of the year on one instrument, and
    each unit's values (optionally only some units, or a page of them, best total first)."""
    instrument = instrument or default_instrument_for(filters)
    if instrument is None:
        return Breakdown(instrument=None, components=[], rows=[], count=0)
    library_sql, library_params = _library_filter(filters)
    base_params = [filters.year, instrument.pk, *library_params]
    averages = dict(
        _fetch(
            f"""SELECT kv.key, AVG(kv.value::numeric)
                  FROM {_A} a JOIN {_L} l ON l.id = a.library_id,
                       LATERAL jsonb_each_text(a.component_values) kv
                 WHERE a.status = 'verified' AND a.year = %s AND a.instrument_id = %s {library_sql}
                 GROUP BY kv.key""",
            base_params,
        )
    )
    columns = [
        ComponentColumn(
            code=component["code"],
            name=component["name"],
            weight=Decimal(component["weight"]),
            average=averages.get(component["code"]),
        )
        for component in instrument.components
    ]
    unit_sql = " AND a.library_id = ANY(%s)" if library_ids is not None else ""
    unit_params = [list(library_ids)] if library_ids is not None else []
    page_sql = " LIMIT %s OFFSET %s" if limit is not None else ""
    page_params = [limit, offset] if limit is not None else []
    rows = _fetch(
        f"""SELECT l.id, l.code, l.name, a.total, a.grade,
                   a.component_values, COUNT(*) OVER ()
              FROM {_A} a JOIN {_L} l ON l.id = a.library_id
             WHERE a.status = 'verified' AND a.year = %s AND a.instrument_id = %s {library_sql} {unit_sql}
             ORDER BY a.total DESC, l.name, l.id{page_sql}""",
        base_params + unit_params + page_params,
    )
    breakdown_rows = []
    for library_id, code, name, total, grade, raw_values, _count in rows:
        # Django's connection hands jsonb to raw cursors as text (JSONField decodes it itself).
        values = json.loads(raw_values) if isinstance(raw_values, str) else raw_values
        row_values = [
            None if values.get(column.code) is None else Decimal(str(values[column.code]))
            for column in columns
        ]
        breakdown_rows.append(
            BreakdownRow(
                library_id=library_id,
                library_code=code,
                library_name=name,
                total=total,
                grade=grade,
                values=row_values,
                percents=[
                    None if value is None else value / column.weight * 100
                    for value, column in zip(row_values, columns, strict=True)
                ],
            )
        )
    return Breakdown(
        instrument=instrument, components=columns, rows=breakdown_rows, count=rows[0][6] if rows else 0
    )


# --- trend and radar ------------------------------------------------------------------------------------


def score_trend(
    *, library_ids: list[int], filters: ScoreFilters | None = None, years: list[int] | None = None
) -> dict:
    """Each unit's score per year, and the average score per year over the units the filters select."""
    cte, params = _scores_cte(years, library_ids=library_ids)
    rows = _fetch(
        f"""{cte}
        SELECT l.id, l.code, l.name, s.year, s.total, s.historic_source <> ''
          FROM scores s JOIN {_L} l ON l.id = s.library_id ORDER BY l.name, s.year""",
        params,
    )
    average_filters = filters or ScoreFilters(year=0)
    cte_all, params_all = _scores_cte(years)
    library_sql, library_params = _library_filter(average_filters)
    averages = _fetch(
        f"""{cte_all}
        SELECT s.year, AVG(s.total), COUNT(*) FROM scores s JOIN {_L} l ON l.id = s.library_id
         WHERE TRUE {library_sql} GROUP BY s.year ORDER BY s.year""",
        params_all + library_params,
    )
    all_years = sorted({row[3] for row in rows} | {row[0] for row in averages})
    series: dict[int, dict] = {}
    for library_id, code, name, year, total, historic in rows:
        entry = series.setdefault(library_id, {"library": code, "name": name, "points": {}, "historic": []})
        entry["points"][year] = total
        if historic:
            entry["historic"].append(year)
    return {
        "years": all_years,
        "series": [
            {
                "library": entry["library"],
                "name": entry["name"],
                "totals": [entry["points"].get(year) for year in all_years],
                "historic_years": entry["historic"],
            }
            for entry in series.values()
        ],
        "average": {year: average for year, average, _count in averages},
    }


def unit_against_average(
    *, library: Library, filters: ScoreFilters, breakdown: Breakdown | None = None
) -> dict | None:
    """Radar data: the unit's component values as % of each weight beside the average of its peers
    (``breakdown``: averages already computed for the same year and filters, reused when on the same
    instrument)."""
    assessment = (
        Assessment.objects.filter(library=library, year=filters.year, status=Status.VERIFIED)
        .select_related("instrument")
        .order_by("-verified_at")
        .first()
    )
    if assessment is None:
        return None
    if (
        breakdown is None
        or breakdown.instrument is None
        or breakdown.instrument.pk != assessment.instrument_id
    ):
        breakdown = component_breakdown(filters, instrument=assessment.instrument, library_ids=[library.pk])
    labels, unit, average = [], [], []
    for column in breakdown.components:
        labels.append(column.name)
        value = assessment.component_values.get(column.code)
        unit.append(None if value is None else float(Decimal(str(value)) / column.weight * 100))
        average.append(None if column.average is None else float(column.average_percent))
    return {
        "library": library.code,
        "name": library.name,
        "instrument": assessment.instrument.code,
        "labels": labels,
        "unit": unit,
        "average": average,
    }


# --- closest to the next grade --------------------------------------------------------------------------


@dataclass
class CloseToNextGrade:
    assessment_id: int
    library_code: str
    library_name: str
    total: Decimal
    grade: str
    plan: ImprovementPlan


def closest_to_next_grade(filters: ScoreFilters, *, limit: int = 10) -> list[CloseToNextGrade]:
    """Verified assessments of the year nearest (below) the next grade's threshold, each with its plan:
    the fewest option steps that reach it (monev.optimizer, exact)."""
    library_sql, library_params = _library_filter(filters)
    instrument_sql = " AND i.code = %s" if filters.instrument else ""
    rows = _fetch(
        f"""SELECT a.id, l.code, l.name, a.total, a.grade,
                   (CASE a.grade WHEN 'B' THEN 91 WHEN 'C' THEN 76 ELSE 60 END) - a.total AS gap
              FROM {_A} a JOIN {_L} l ON l.id = a.library_id JOIN {_I} i ON i.id = a.instrument_id
             WHERE a.status = 'verified' AND a.year = %s AND a.grade <> 'A' {library_sql} {instrument_sql}
             ORDER BY gap, l.name LIMIT %s""",
        [filters.year] + library_params + ([filters.instrument] if filters.instrument else []) + [limit],
    )
    if not rows:
        return []
    plans = _verified_plans([row[0] for row in rows])
    return [
        CloseToNextGrade(
            assessment_id=assessment_id,
            library_code=code,
            library_name=name,
            total=total,
            grade=grade,
            plan=plans[assessment_id],
        )
        for assessment_id, code, name, total, grade, _gap in rows
    ]


def _verified_plans(ids: list[int]) -> dict[int, ImprovementPlan]:
    """Plans of verified assessments, cached: a verified assessment never changes, so neither does its plan.
    The key carries the moment of verification and the instrument's hash besides the id, so databases that
    share a cache (tests, benchmarks, a restored copy) never read each other's plans."""
    assessments = {
        assessment.pk: assessment
        for assessment in Assessment.objects.filter(pk__in=ids, status=Status.VERIFIED).select_related(
            "instrument"
        )
    }
    keys = {
        pk: f"monev:plan:{pk}:{assessment.verified_at.timestamp() if assessment.verified_at else 'x'}:"
        f"{assessment.instrument.content_hash[:16]}"
        for pk, assessment in assessments.items()
    }
    cached = cache.get_many(list(keys.values()))
    plans = {pk: cached[key] for pk, key in keys.items() if key in cached}
    missing = [pk for pk in assessments if pk not in plans]
    if missing:
        answers: dict[int, dict[str, str]] = defaultdict(dict)
        for assessment_id, code, option in Answer.objects.filter(assessment_id__in=missing).values_list(
            "assessment_id", "indicator_code", "option"
        ):
            answers[assessment_id][code] = option
        fresh = {
            pk: plan_next_grade(core_instrument(assessments[pk].instrument), answers[pk]) for pk in missing
        }
        cache.set_many({keys[pk]: plan for pk, plan in fresh.items()}, timeout=PLAN_CACHE_SECONDS)
        plans.update(fresh)
    return plans


# --- one assessment -------------------------------------------------------------------------------------


def assessments_of_library(library: Library):
    return (
        Assessment.objects.filter(library=library)
        .select_related("instrument")
        .order_by("-year", "-created_at")
    )


def assessments_awaiting_review():
    return (
        Assessment.objects.filter(status=Status.SUBMITTED)
        .select_related("library", "instrument", "submitted_by")
        .order_by("submitted_at")
    )


def recent_assessments(*, limit: int = 20):
    return (
        Assessment.objects.exclude(status=Status.DRAFT)
        .select_related("library", "instrument")
        .order_by("-updated_at")[:limit]
    )


def answers_of(assessment: Assessment) -> dict[str, str]:
    return dict(assessment.answers.values_list("indicator_code", "option"))


def score_of(assessment: Assessment, answers: dict[str, str] | None = None) -> ScoreResult:
    return score_assessment(
        core_instrument(assessment.instrument), answers_of(assessment) if answers is None else answers
    )


def plan_for(assessment: Assessment, answers: dict[str, str] | None = None) -> ImprovementPlan:
    return plan_next_grade(
        core_instrument(assessment.instrument), answers_of(assessment) if answers is None else answers
    )


@dataclass
class IndicatorView:
    code: str
    text: str
    options: list[tuple[str, str]]
    evidence_hint: str
    wording_unverified: bool
    option: str
    note: str
    evidence: list[Evidence]
    comments: list[ReviewComment]
    earlier_comments: list[ReviewComment]


@dataclass
class ComponentView:
    code: str
    name: str
    weight: Fraction
    value: Decimal
    answered: int
    indicators: list[IndicatorView]

    @property
    def weight_text(self) -> str:
        return str(self.weight.numerator) if self.weight.denominator == 1 else f"{float(self.weight):g}"


@dataclass
class AssessmentView:
    assessment: Assessment
    components: list[ComponentView]
    score: ScoreResult
    plan: ImprovementPlan
    commented_codes: list[str]


def assessment_view(assessment: Assessment) -> AssessmentView:
    """Everything the form, the review page and the exports show, in four queries."""
    answers = {answer.indicator_code: answer for answer in assessment.answers.all()}
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    for item in Evidence.objects.filter(answer__assessment=assessment).select_related("answer"):
        evidence[item.answer.indicator_code].append(item)
    comments: dict[str, list[ReviewComment]] = defaultdict(list)
    earlier: dict[str, list[ReviewComment]] = defaultdict(list)
    for comment in assessment.comments.select_related("author"):
        (comments if comment.review_round == assessment.review_round else earlier)[
            comment.indicator_code
        ].append(comment)
    options = {code: answer.option for code, answer in answers.items()}
    core = core_instrument(assessment.instrument)
    score = score_assessment(core, options)
    plan = plan_next_grade(core, options)
    components = []
    for component, component_score in zip(core.components, score.components, strict=True):
        indicators = [
            IndicatorView(
                code=indicator.code,
                text=indicator.text,
                options=[(option.letter, option.text) for option in indicator.options],
                evidence_hint=indicator.evidence or "",
                wording_unverified=indicator.wording_unverified,
                option=options.get(indicator.code, ""),
                note=answers[indicator.code].note if indicator.code in answers else "",
                evidence=evidence.get(indicator.code, []),
                comments=comments.get(indicator.code, []),
                earlier_comments=earlier.get(indicator.code, []),
            )
            for indicator in component.indicators
        ]
        components.append(
            ComponentView(
                code=component.code,
                name=component.name,
                weight=component.weight,
                value=component_score.value,
                answered=component_score.answered_count,
                indicators=indicators,
            )
        )
    return AssessmentView(
        assessment=assessment,
        components=components,
        score=score,
        plan=plan,
        commented_codes=sorted(comments),
    )


def audit_trail(assessment: Assessment):
    return (
        AuditEvent.objects.filter(assessment=assessment).select_related("actor").order_by("created_at", "pk")
    )


def evidence_by_public_id(public_id) -> Evidence | None:
    return Evidence.objects.select_related("answer__assessment__library").filter(public_id=public_id).first()


# --- a unit's report card -------------------------------------------------------------------------------


@dataclass
class ReportCard:
    library: Library
    history: list[dict]  # per year: total, grade, instrument, source
    latest: Assessment | None
    latest_view: AssessmentView | None
    radar: dict | None
    rank: int | None
    ranked_units: int


def report_card(library: Library) -> ReportCard:
    cte, params = _scores_cte(None, library_ids=[library.pk])
    history = [
        {
            "year": year,
            "total": total,
            "grade": grade,
            "instrument": instrument_code,
            "assessment_id": assessment_id,
            "source": historic_source,
        }
        for year, total, grade, instrument_code, assessment_id, historic_source in _fetch(
            f"""{cte} SELECT year, total, grade, instrument_code, assessment_id, historic_source
                  FROM scores ORDER BY year""",
            params,
        )
    ]
    latest = (
        Assessment.objects.filter(library=library, status=Status.VERIFIED)
        .select_related("instrument", "library")
        .order_by("-year", "-verified_at")
        .first()
    )
    radar = rank = None
    ranked_units = 0
    if latest is not None:
        filters = ScoreFilters(year=latest.year)
        radar = unit_against_average(library=library, filters=filters)
        ranking = libraries_ranked_by_score(filters)
        ranked_units = ranking.count
        rank = next((row.rank for row in ranking.rows if row.library_id == library.pk), None)
    return ReportCard(
        library=library,
        history=history,
        latest=latest,
        latest_view=assessment_view(latest) if latest else None,
        radar=radar,
        rank=rank,
        ranked_units=ranked_units,
    )
