"""success@3 of the union search over the fixed test catalogue (tests/search/relevance.yaml).

A query succeeds when every work it expects is among the first three works returned (after collapse,
so three distinct works). Every query must succeed, as the README promises: the figure is printed, and
a single miss fails the test and lists the misses.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from search.selectors import SearchRequest, search_works
from tests.search.catalogue import REF_OF_WORK_KEY, WORK_KEYS

RELEVANCE_FILE = Path(__file__).with_name("relevance.yaml")
THRESHOLD = 1.0  # the README's promise: every query in the top 3

pytestmark = pytest.mark.django_db


def _judgements() -> list[dict]:
    return yaml.safe_load(RELEVANCE_FILE.read_text(encoding="utf-8"))["queries"]


def test_relevance_file_has_at_least_sixty_queries_over_known_works():
    judgements = _judgements()

    assert len(judgements) >= 60
    unknown = {ref for judgement in judgements for ref in judgement["expect"] if ref not in WORK_KEYS}
    assert not unknown


def test_every_query_finds_its_works_in_the_top_3(catalogue, capsys):
    judgements = _judgements()
    misses = []
    passed_by_kind: Counter = Counter()
    total_by_kind: Counter = Counter()
    for judgement in judgements:
        result = search_works(SearchRequest(text=judgement["q"], per_page=3))
        top = [hit.work_key for hit in result.hits[:3]]
        wanted = {WORK_KEYS[ref] for ref in judgement["expect"]}
        kind = judgement.get("kind", "other")
        total_by_kind[kind] += 1
        if wanted <= set(top):
            passed_by_kind[kind] += 1
        else:
            got = [REF_OF_WORK_KEY.get(work_key, work_key) for work_key in top]
            misses.append(f"{judgement['q']!r}: wanted {judgement['expect']}, got {got}")

    success = sum(passed_by_kind.values()) / len(judgements)
    with capsys.disabled():
        by_kind = ", ".join(
            f"{kind} {passed_by_kind[kind]}/{total}" for kind, total in sorted(total_by_kind.items())
        )
        print(f"\nsuccess@3 = {success:.3f} over {len(judgements)} queries ({by_kind})")
        for miss in misses:
            print(f"  miss: {miss}")
    assert success >= THRESHOLD, "\n".join(misses)
