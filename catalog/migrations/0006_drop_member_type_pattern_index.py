"""Member type names are matched by equality only: no ``varchar_pattern_ops`` twin (as in 0003). A
migration of its own, because Django creates that index at the end of the migration that made the table."""

from django.db import migrations


def drop_member_type_name_pattern_index(apps, schema_editor):
    """Member type names are matched by equality only: no ``varchar_pattern_ops`` twin (as 0003)."""
    from importlib import import_module

    find = import_module("catalog.migrations.0003_drop_redundant_indexes")._single_column_indexes
    with schema_editor.connection.cursor() as cursor:
        for name in find(cursor, "catalog_membertype", "name", "varchar_pattern_ops"):
            cursor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_collection"),
    ]

    operations = [
        migrations.RunPython(drop_member_type_name_pattern_index, migrations.RunPython.noop, elidable=False),
    ]
