"""Autocomplete (the completion suggester) and "did you mean" (the phrase suggester) request bodies."""

from __future__ import annotations

import re

from search import analysis
from search.query.syntax import ParsedQuery, clean_query_text

SUGGEST_SIZE = 8


def completion_prefixes(text: str) -> list[str]:
    """What to complete: the typed text folded (as spelled) and, if different, with canonical spellings
    for the words already complete ("sholat tu" -> "salat tu"); the last word is kept as typed."""
    cleaned = clean_query_text(text)[:100]
    words = re.sub(r"[^\w\s]+", " ", analysis.fold_diacritics(cleaned)).split()
    if not words:
        return []
    typed = " ".join(words)
    complete = words[:-1]
    canonical_head = analysis.fold_only(" ".join(complete)).split() if complete else []
    canonical = " ".join([*canonical_head, words[-1]])
    last_canonical = analysis.fold_only(words[-1])
    prefixes = [typed, canonical]
    if last_canonical and last_canonical != words[-1]:
        prefixes.append(" ".join([*canonical_head, last_canonical]))
    return list(dict.fromkeys(prefix for prefix in prefixes if prefix))


def build_completion(text: str, *, size: int = SUGGEST_SIZE) -> dict | None:
    """Completion suggester body over titles and authors; None when there is nothing to complete."""
    prefixes = completion_prefixes(text)
    if not prefixes:
        return None
    suggest = {}
    for number, prefix in enumerate(prefixes):
        completion = {"field": "suggest", "size": size, "skip_duplicates": True}
        if number == 0 and len(prefix) >= 5:  # typos in what was typed; short prefixes would drown
            completion["fuzzy"] = {"fuzziness": 1, "prefix_length": 3}
        suggest[f"s{number}"] = {"prefix": prefix, "completion": completion}
    return {"suggest": suggest, "_source": ["title", "authors", "work_key"]}


def build_did_you_mean(parsed: ParsedQuery) -> dict | None:
    """Phrase suggester ("did you mean") over the ``spell`` field, words spelled as the index has them."""
    text = " ".join(re.sub(r"[^\w\s]+", " ", analysis.fold_diacritics(parsed.positive_text)).split())
    if not text:
        return None
    return {
        "size": 0,
        "suggest": {
            "text": text[:200],
            "spelling": {
                "phrase": {
                    "field": "spell.shingles",
                    "size": 1,
                    "gram_size": 3,
                    "max_errors": 2,
                    "confidence": 1.0,
                    "direct_generator": [
                        {"field": "spell", "suggest_mode": "always", "min_word_length": 3, "prefix_length": 1}
                    ],
                    "highlight": {"pre_tag": "<em>", "post_tag": "</em>"},
                }
            },
        },
    }
