"""From what a patron types to an Elasticsearch request body: parsing and query building, no I/O.

One module per step, read in this order:

* ``syntax``: the query language — the parsed form (``ParsedQuery`` and its nodes), the lexer and the
  parser (``parse_query``); knows nothing of Elasticsearch;
* ``builder``: the scoring query of a parsed query (``build_query``, ``build_relaxed_query``): fields,
  boosts, ranking;
* ``filters``: facet selections (``Filters``) and the facet aggregations;
* ``paging``: sort orders, the total order on holdings and the ``setelah`` cursor;
* ``bodies``: whole request bodies — a page of works, a deep page, facets, a work's holdings, a record;
* ``suggestions``: autocomplete and "did you mean".

``search.selectors`` runs the bodies; nothing here talks to Elasticsearch.
"""
