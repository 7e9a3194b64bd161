"""Records are keyed per source: ``(source_id, source_key)`` is unique, ``source_key`` alone no longer.

Before this, a MARC file import (001 control numbers) and a SLiMS harvest (biblio ids) into one library
wrote the same rows when their keys met. Existing records keep their ids and keys (so every union index
document id ``<library>:<record id>`` stays), and get the source that brought them, from what each source
can have written (``assign_sources``, run in every library schema):

1. a record of a demo or made in Simpul (``raw_format`` ``demo``, ``local`` or empty) has none;
2. a record harvested over OAI-PMH belongs to the library's OAI source whose key space it fits: a SLiMS
   source's keys are biblio ids (digits), a standard repository's are whole OAI identifiers (``oai:…``);
   its ``raw_format`` is the source's metadata format;
3. what is left of MARC, MARCXML or MODS came from the library's file source, if it has one;
4. what is still left goes to the library's only source when it has exactly one, else stays without one
   (a librarian's record, as far as Simpul can tell).
"""

from django.db import migrations, models

_SOURCES_SQL = """
    SELECT source.id, source.kind, source.flavour, source.metadata_format
      FROM public.harvest_harvestsource AS source
      JOIN public.tenants_library AS library ON library.id = source.library_id
     WHERE library.schema_name = current_schema()
"""


def assign_sources(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.harvest_harvestsource') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return
        cursor.execute(_SOURCES_SQL)
        sources = cursor.fetchall()
        if not sources:
            return
        unassigned = "source_id IS NULL AND raw_format NOT IN ('demo', 'local', '')"
        for source_id, kind, flavour, metadata_format in sources:
            if kind != "oai_pmh":
                continue
            shape = "source_key ~ '^[0-9]+$'" if flavour in ("slims_oai", "slims_oai2") else "source_key LIKE 'oai:%%'"
            cursor.execute(
                f"UPDATE catalog_record SET source_id = %s WHERE {unassigned} AND raw_format = %s AND {shape}",
                [source_id, metadata_format],
            )
        file_sources = [source_id for source_id, kind, _, _ in sources if kind == "file"]
        if file_sources:
            cursor.execute(
                f"UPDATE catalog_record SET source_id = %s WHERE {unassigned} AND raw_format IN ('marc', 'marcxml', 'mods')",
                [file_sources[0]],
            )
        if len(sources) == 1:
            cursor.execute(f"UPDATE catalog_record SET source_id = %s WHERE {unassigned}", [sources[0][0]])


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_drop_redundant_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="record",
            name="source_id",
            field=models.BigIntegerField(
                blank=True,
                help_text="Sumber panen cantuman ini; kosong = dibuat di Simpul.",
                null=True,
                verbose_name="sumber",
            ),
        ),
        migrations.RunPython(assign_sources, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="record",
            name="source_key",
            field=models.CharField(
                help_text="Identitas cantuman di sumbernya.", max_length=255, verbose_name="kunci sumber"
            ),
        ),
        migrations.AddConstraint(
            model_name="record",
            constraint=models.UniqueConstraint(
                fields=("source_id", "source_key"), name="unique_record_per_source", nulls_distinct=False
            ),
        ),
    ]
