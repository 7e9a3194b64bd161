"""A library's catalogue tables carry no index that another one already covers: every index is paid for
on each record a harvest writes."""

from django.db import connection

_INDEXES = """
    SELECT table_class.relname, index_class.relname, ix.indisunique, ix.indpred IS NOT NULL,
           (SELECT array_agg(a.attname ORDER BY k.ord)
              FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum),
           (SELECT array_agg(oc.opcname ORDER BY k.ord)
              FROM unnest(ix.indclass) WITH ORDINALITY AS k(oid, ord) JOIN pg_opclass oc ON oc.oid = k.oid)
      FROM pg_index ix
      JOIN pg_class table_class ON table_class.oid = ix.indrelid
      JOIN pg_class index_class ON index_class.oid = ix.indexrelid
     WHERE table_class.relnamespace = %s::regnamespace AND table_class.relname LIKE 'catalog%%'
"""


def _indexes(schema: str) -> list[tuple[str, str, bool, bool, list[str], list[str]]]:
    with connection.cursor() as cursor:
        cursor.execute(_INDEXES, [schema])
        return cursor.fetchall()


def test_no_catalogue_index_is_covered_by_another(library_a):
    indexes = _indexes(library_a.schema_name)
    assert len(indexes) > 10

    covered = []
    for table, name, unique, _, columns, opclasses in indexes:
        if unique:
            continue
        for other_table, other_name, _, partial, other_columns, other_opclasses in indexes:
            if other_table != table or other_name == name or partial:
                continue
            if other_columns[: len(columns)] == columns and other_opclasses[: len(opclasses)] == opclasses:
                covered.append((name, other_name))
    assert covered == []


def test_no_pattern_index_is_kept_since_no_query_uses_a_prefix_lookup(library_a):
    pattern = {
        (table, columns[0])
        for table, _, _, _, columns, opclasses in _indexes(library_a.schema_name)
        if "varchar_pattern_ops" in opclasses
    }

    # Reconciliation used source_key__startswith to find a source's records; since records are keyed per
    # source it filters on source_id, which the (source_id, source_key) unique index serves.
    assert pattern == set()
