"""Feed rows for the records stored before the provider existed: every visible record of every library,
dated its last change (the same rows ``oaipmh.feed.rebuild_library`` writes; ``manage.py oai_rebuild_feed``
does it again at any time)."""

from django.db import migrations


def feed_existing_records(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, code, schema_name FROM public.tenants_library WHERE schema_name <> 'public'")
        libraries = cursor.fetchall()
        for library_id, code, schema_name in libraries:
            cursor.execute("SELECT to_regclass(%s)", [f"{quote(schema_name)}.catalog_record"])
            if cursor.fetchone()[0] is None:
                continue
            cursor.execute(
                "INSERT INTO public.oaipmh_entry (library_id, library_code, record_id, datestamp, deleted)"
                " SELECT %s, %s, record.id, date_trunc('second', record.updated_at), false"
                f" FROM {quote(schema_name)}.catalog_record AS record WHERE NOT record.opac_hide"
                " ON CONFLICT (library_id, record_id) DO NOTHING",
                [library_id, code],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("oaipmh", "0001_initial"),
        ("tenants", "0001_initial"),
    ]

    operations = [migrations.RunPython(feed_existing_records, migrations.RunPython.noop, elidable=True)]
