"""The union index: one document per record of every library (docs/architecture.md, "Union search").

Only analyzers from the Elasticsearch server core are used (standard, whitespace, simple, keyword): the
test node has no analysis-common module, and production runs the same settings. Indonesian text work
(variants, stemming, folding, Arabic normalization) happens in ``search.analysis`` before text reaches
the ``*_norm`` / ``*_exact`` fields, on both the index and the query side.

Documents live in versioned indexes ``<prefix>-union-v<stamp>`` behind the alias ``<prefix>-union``;
an index template gives every versioned index this mapping, so a rebuild is "new index, then swap".
"""

from __future__ import annotations

from elasticsearch.dsl import (
    Boolean,
    Completion,
    Date,
    Document,
    Integer,
    Keyword,
    Long,
    Object,
    Text,
)

from search.es import index_name

UNION = "union"


def union_alias() -> str:
    return index_name(UNION)


def union_index_pattern() -> str:
    return f"{index_name(UNION)}-*"


# The phrase suggester's language model: word bigrams and trigrams of already-normalized text. The
# ``shingle`` filter and the ``standard`` tokenizer are in the server core (the ``whitespace`` *tokenizer*,
# asciifolding and synonym are not), so this runs on the test node.
SHINGLE_ANALYZER = "simpul_shingles"
_ANALYSIS = {
    "filter": {"simpul_shingle": {"type": "shingle", "min_shingle_size": 2, "max_shingle_size": 3}},
    "analyzer": {
        SHINGLE_ANALYZER: {"type": "custom", "tokenizer": "standard", "filter": ["simpul_shingle"]},
    },
}


def _normalized_text() -> Text:
    # Text already normalized by search.analysis: split on whitespace only, no further analysis.
    return Text(analyzer="whitespace")


class UnionRecord(Document):
    # Facet and grouping fields build their global ordinals at refresh, not on the first search after it.
    # Holding: which library holds the record, and where.
    library_code = Keyword(eager_global_ordinals=True)
    library_name = Keyword(eager_global_ordinals=True)
    library_city = Keyword()
    province = Keyword(eager_global_ordinals=True)
    unit_kind = Keyword(eager_global_ordinals=True)
    record_id = Long()
    source_key = Keyword()
    work_key = Keyword(eager_global_ordinals=True)

    title = Text(analyzer="standard")  # display form, highlighting
    title_norm = _normalized_text()  # analysis.normalize_for_index: folded, variants, stemmed
    title_exact = _normalized_text()  # analysis.fold_only: folded and variants, not stemmed
    title_sort = Keyword()
    authors = Text(analyzer="standard", fields={"raw": Keyword()})
    authors_norm = _normalized_text()
    author_primary = Keyword()
    subjects = Keyword(eager_global_ordinals=True)  # facet values as catalogued
    subjects_norm = _normalized_text()
    series_title = Text(analyzer="standard")
    series_norm = _normalized_text()
    publisher = Keyword()
    publisher_norm = _normalized_text()
    publish_place = Keyword()
    publish_year = Keyword()  # as catalogued ("1440 H/2019")
    year = Integer()  # parsed four-digit year for the histogram and range facet
    statement_of_responsibility = Keyword(index=False)  # as catalogued ("penyusun, Tim Penulis ...")
    edition = Keyword(index=False)
    collation = Keyword(index=False)
    notes_norm = _normalized_text()
    isbn = Keyword()  # every normalized form: ISBN-13 and, where convertible, ISBN-10
    isbn_display = Keyword(index=False)
    call_number = Keyword()
    classification = Keyword()
    language = Keyword(eager_global_ordinals=True)
    material_type = Keyword(eager_global_ordinals=True)
    copies_total = Integer()
    copies_available = Integer()  # absent where availability is unknown
    availability_known = Boolean()  # the library's circulation runs in Simpul (its loans are known)
    availability = Keyword(eager_global_ordinals=True)  # union_document.Availability: the facet
    created_at = Date()
    updated_at = Date()
    indexed_at = Date()
    # "Did you mean": title, authors and subjects folded, as catalogued and with canonical spellings
    # (union_document.spell_text), unstemmed; the shingle sub-field is the phrase suggester's language model.
    spell = Text(analyzer="whitespace", fields={"shingles": Text(analyzer=SHINGLE_ANALYZER)})
    suggest = Completion(analyzer="simple")  # autocomplete; inputs from union_document.suggest_inputs
    extra = Object(enabled=False)

    class Index:
        name = "union-placeholder"  # the real name comes from union_alias(); see index_setup.py


def union_index_settings(*, shards: int = 1, replicas: int = 0) -> dict:
    return {
        "number_of_shards": shards,
        "number_of_replicas": replicas,
        "refresh_interval": "1s",
        "analysis": _ANALYSIS,
    }


def union_mapping() -> dict:
    return UnionRecord._doc_type.mapping.to_dict()
