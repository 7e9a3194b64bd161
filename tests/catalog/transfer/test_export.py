"""catalog/transfer/export.py: the catalogue streamed as MARCXML, MARC 21 and SLiMS CSV; a chunk at a time
(bounded iteration: the response's first bytes come after one chunk's queries, not the whole catalogue);
export → import into another library gives the same records field by field."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from catalog.models import Item, Record, RecordAuthor
from catalog.services import upsert_records
from catalog.transfer.export import export_chunks
from catalog.transfer.importing import import_stream
from harvest.adapters.slims_csv import SLIMS_CSV_COLUMNS
from tests.catalog.transfer.builders import copy, named
from tests.factories import make_normalized_record

FIELDS = (
    "title",
    "statement_of_responsibility",
    "edition",
    "isbn_issn",
    "publish_place",
    "publish_year",
    "collation",
    "series_title",
    "call_number",
    "classification",
    "language",
    "notes",
    "material_type",
)


def catalogue(library):
    with tenant_context(library):
        upsert_records(
            [
                make_normalized_record(
                    source_key="1",
                    title="Tafsīr al-Qurʾān al-ʿAẓīm : juz ʿamma",
                    statement_of_responsibility="Ibnu Katsir ; penerjemah, Bahrun Abubakar",
                    edition="Cet. 3",
                    authors=("Ibnu Katsir", "Abubakar, Bahrun"),
                    subjects=("Tafsir", "Al-Qur'an -- Tafsir"),
                    publish_place="Bandung",
                    publisher="Sinar Baru Algensindo",
                    publish_year="1440 H/2019",
                    collation="xii, 420 hlm. ; 24 cm",
                    series_title="Tafsir klasik",
                    notes="Terjemahan dari bahasa Arab\nBibliografi: hlm. 410-420",
                    language="ar",
                    copies=(
                        copy("T-1", location="Rak 2", collection_type="Referensi"),
                        copy("T-2", status="R"),
                    ),
                ),
                make_normalized_record(
                    source_key="2",
                    title="Jurnal Penelitian Agama",
                    isbn_issn="1411-5875",
                    material_type="Text",
                    authors=(),
                    subjects=("Agama -- Penelitian",),
                    copies=(copy("J-1"),),
                ),
                make_normalized_record(
                    source_key="3", title="Video Manasik Haji", material_type="Video Recording", copies=()
                ),
            ],
            source_id=None,
        )
        Item.objects.filter(item_code="T-1").update(acquired_on=date(2024, 3, 5), price=Decimal("125000"))


def exported(library, format: str, chunk_size: int = 500) -> bytes:
    with tenant_context(library):
        return b"".join(export_chunks(format=format, library_code=library.code, chunk_size=chunk_size))


def snapshot(library) -> dict[str, tuple]:
    with tenant_context(library):
        records = Record.objects.select_related("publisher").prefetch_related(
            "record_authors__author", "subjects", "items"
        )
        return {
            record.title: (
                *(getattr(record, name) for name in FIELDS),
                record.publisher.name if record.publisher else "",
                [link.author.name for link in record.record_authors.all()],
                sorted(subject.name for subject in record.subjects.all()),
                sorted(
                    (i.item_code, i.call_number, i.location, i.collection_type, i.status)
                    for i in record.items.all()
                ),
            )
            for record in records
        }


def test_marcxml_export_imports_into_another_library_with_the_same_records(library, other_library):
    catalogue(library)

    run = import_stream(library=other_library, stream=named(exported(library, "marcxml"), "ekspor.xml"))

    assert (run.status, run.created_count) == ("succeeded", 3)
    assert snapshot(other_library) == snapshot(library)


def test_marc21_export_imports_into_another_library_with_the_same_records(library, other_library):
    catalogue(library)
    data = exported(library, "marc")

    import_stream(library=other_library, stream=named(data, "ekspor.mrc"))

    assert data.count(b"\x1d") == 3 and snapshot(other_library) == snapshot(library)


def test_reimporting_its_own_export_matches_every_record(library):
    catalogue(library)

    run = import_stream(library=library, stream=named(exported(library, "marc"), "sendiri.mrc"))

    assert run.created_count == 0 and run.updated_count + run.unchanged_count == 3


def test_csv_export_has_slims_columns_lists_and_round_trips(library, other_library):
    catalogue(library)
    data = exported(library, "csv")

    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    import_stream(library=other_library, stream=named(data, "ekspor.csv"))

    assert tuple(rows[0]) == SLIMS_CSV_COLUMNS and len(rows) == 4
    tafsir = dict(zip(SLIMS_CSV_COLUMNS, rows[1], strict=True))
    assert tafsir["authors"] == "<Ibnu Katsir><Abubakar, Bahrun>" and tafsir["item_code"] == "<T-1><T-2>"
    assert tafsir["language_name"] == "Arab"
    mine, theirs = snapshot(library), snapshot(other_library)
    for title, values in mine.items():  # the CSV carries no copy details but the barcodes
        assert theirs[title][:-1] == values[:-1]
        assert [code for code, *_ in theirs[title][-1]] == [code for code, *_ in values[-1]]


def test_marc_export_carries_acquisition_data_roles_and_the_abstract(library):
    catalogue(library)
    with tenant_context(library):
        Record.objects.filter(source_key="1").update(abstract="Tafsir lengkap juz 30.")
        RecordAuthor.objects.filter(author__name="Abubakar, Bahrun").update(role="translator")

    xml = exported(library, "marcxml").decode()

    assert (
        '<subfield code="d">2024-03-05</subfield>' in xml and '<subfield code="g">125000.00</subfield>' in xml
    )
    assert '<subfield code="e">penerjemah</subfield>' in xml and "Tafsir lengkap juz 30." in xml
    assert f'<controlfield tag="001">{library.code}-' in xml


def test_export_is_read_one_chunk_at_a_time(library):
    with tenant_context(library):
        upsert_records([make_normalized_record(copies=()) for _ in range(45)], source_id=None)
        with CaptureQueriesContext(connection) as queries:
            stream = export_chunks(format="marcxml", library_code=library.code, chunk_size=10)
            head = next(stream)
            first_chunk = next(stream)
            after_first = len(queries)
            rest = b"".join(stream)
        total = len(queries)

    assert head.startswith(b"<?xml") and first_chunk.count(b"<record") == 10 and rest.count(b"<record") == 35
    # the first records were sent after one chunk's queries (records, authors, subjects, copies), and the
    # whole export is five chunks of them (plus the empty read that ends it): never one read of everything
    assert after_first * 4 < total <= after_first * 5 + 2
