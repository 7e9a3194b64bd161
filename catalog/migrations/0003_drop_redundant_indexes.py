"""Indexes every harvested record paid for on write and no query reads.

* ``*_like`` (``varchar_pattern_ops``): Django adds one beside every unique or indexed ``CharField`` for
  ``LIKE 'x%'`` lookups. Names, copy codes, member codes and ISBNs are only ever matched by equality,
  ``= ANY`` or ``icontains`` (``UPPER(..) LIKE '%x%'``, which no btree serves). ``Record.source_key`` keeps
  its own: reconciliation filters it with ``startswith``.
* the record-subject link's ``record_id`` index: its unique (record_id, subject_id) index leads with the
  same column. (The author link's twin goes with ``db_index=False`` on ``RecordAuthor.record``.)
"""

from django.db import migrations, models

REDUNDANT = (
    ("catalog_author", "name", "varchar_pattern_ops"),
    ("catalog_publisher", "name", "varchar_pattern_ops"),
    ("catalog_subject", "name", "varchar_pattern_ops"),
    ("catalog_item", "item_code", "varchar_pattern_ops"),
    ("catalog_record", "isbn_issn", "varchar_pattern_ops"),
    ("catalog_member", "member_code", "varchar_pattern_ops"),
    ("catalog_record_subjects", "record_id", ""),
)


def _single_column_indexes(cursor, table: str, column: str, opclass: str) -> list[str]:
    """Non-unique indexes on exactly ``column`` of ``table`` in the current schema, with ``opclass``
    (``""``: the default one) — found by definition, not by Django's hashed names."""
    cursor.execute(
        """
        SELECT index_class.relname
          FROM pg_index ix
          JOIN pg_class table_class ON table_class.oid = ix.indrelid
          JOIN pg_class index_class ON index_class.oid = ix.indexrelid
          JOIN pg_attribute a ON a.attrelid = table_class.oid AND a.attnum = ix.indkey[0]
          LEFT JOIN pg_opclass oc ON oc.oid = ix.indclass[0]
         WHERE table_class.relnamespace = current_schema()::regnamespace
           AND table_class.relname = %s AND a.attname = %s
           AND ix.indnatts = 1 AND NOT ix.indisunique AND NOT ix.indisprimary
           AND (CASE WHEN %s = '' THEN oc.opcdefault ELSE oc.opcname = %s END)
        """,
        [table, column, opclass, opclass],
    )
    return [row[0] for row in cursor.fetchall()]


def drop_redundant(apps, schema_editor):
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        for table, column, opclass in REDUNDANT:
            for name in _single_column_indexes(cursor, table, column, opclass):
                cursor.execute(f"DROP INDEX {quote(name)}")


def recreate(apps, schema_editor):
    quote = schema_editor.quote_name
    for table, column, opclass in REDUNDANT:
        name = f"{table}_{column}_{'like' if opclass else 'idx'}"[:63]
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} ({quote(column)} {opclass})"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_indexoutbox"),
    ]

    operations = [
        migrations.AlterField(
            model_name="recordauthor",
            name="record",
            field=models.ForeignKey(
                db_index=False,
                on_delete=models.deletion.CASCADE,
                related_name="record_authors",
                to="catalog.record",
            ),
        ),
        migrations.RunPython(drop_redundant, recreate, elidable=False),
    ]
