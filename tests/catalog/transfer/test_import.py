"""catalog/transfer/importing.py and matching.py: the import road — matching existing records instead of
duplicating, records edited in Simpul left or overwritten, problems with position and identifier, a batch
the database refuses written record by record, the file read as a stream; ``import_records`` takes it."""

from __future__ import annotations

import io
import tracemalloc

import pymarc
from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import tenant_context

from catalog.models import Record
from catalog.services import upsert_records
from catalog.transfer.importing import import_stream
from harvest.models import HarvestRun
from tests.catalog.transfer.builders import SLIMS_HEADER, iso2709, marc, named, slims_row
from tests.factories import make_normalized_record
from tests.harvest.harvesting import duplicate_keys, schema_records


def records(library) -> list[Record]:
    with tenant_context(library):
        return list(Record.objects.order_by("pk").prefetch_related("items"))


def test_marc_file_creates_records_and_the_same_file_again_changes_nothing(library):
    data = iso2709(*(marc(f"k-{n}", f"Fiqih Ibadah Jilid {n}", copies=(f"K{n:04d}",)) for n in range(1, 251)))

    run = import_stream(library=library, stream=named(data, "koleksi.mrc"), batch_size=100)
    again = import_stream(library=library, stream=named(data, "koleksi.mrc"))

    assert (run.status, run.created_count, run.pages_seen, run.complete_list_size) == (
        "succeeded",
        250,
        3,
        250,
    )
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 250)
    assert len(records(library)) == 250 and duplicate_keys(library) == []


def test_harvested_record_is_updated_by_its_control_number_not_duplicated(library):
    with tenant_context(library):
        upsert_records(
            [make_normalized_record(source_key="41", title="Fiqih Ibadah", isbn_issn="")], source_id=999
        )

    run = import_stream(
        library=library, stream=named(iso2709(marc("41", "Fiqih Ibadah", subtitle="edisi revisi")), "a.mrc")
    )

    (record,) = records(library)
    assert (run.created_count, run.updated_count) == (0, 1)
    assert (record.source_id, record.source_key, record.title) == (999, "41", "Fiqih Ibadah : edisi revisi")


def test_control_number_matches_a_record_of_any_source_and_one_made_in_simpul(library):
    """Matching by key looks through every source of the library (their ids walked on the index) and
    through the records made in Simpul (no source)."""
    with tenant_context(library):
        upsert_records([make_normalized_record(source_key="7", title="Tafsir Al-Misbah")], source_id=3)
        upsert_records([make_normalized_record(source_key="41", title="Fiqih Ibadah")], source_id=999)
        upsert_records([make_normalized_record(source_key="s-5", title="Hadis Arbain")], source_id=None)

    run = import_stream(
        library=library,
        stream=named(
            iso2709(
                marc("41", "Fiqih Ibadah", subtitle="edisi revisi"),
                marc("s-5", "Hadis Arbain", subtitle="syarah"),
                marc("7", "Tafsir Al-Misbah", subtitle="jilid"),
            ),
            "keys.mrc",
        ),
    )

    assert (run.created_count, run.updated_count) == (0, 3)
    assert sorted((r.source_id or 0, r.source_key, r.title) for r in records(library)) == [
        (0, "s-5", "Hadis Arbain : syarah"),
        (3, "7", "Tafsir Al-Misbah : jilid"),
        (999, "41", "Fiqih Ibadah : edisi revisi"),
    ]


def test_control_number_of_an_unrelated_book_from_another_system_does_not_overwrite(library):
    with tenant_context(library):
        upsert_records(
            [make_normalized_record(source_key="41", title="Sejarah Kebudayaan Islam")], source_id=999
        )

    import_stream(library=library, stream=named(iso2709(marc("41", "Manajemen Madrasah Modern")), "b.mrc"))

    assert sorted(record.title for record in records(library)) == [
        "Manajemen Madrasah Modern",
        "Sejarah Kebudayaan Islam",
    ]


def test_isbn_matches_one_record_but_not_another_volume_of_a_set(library):
    with tenant_context(library):
        upsert_records(
            [
                make_normalized_record(
                    source_key="s-1", title="Pengantar Studi Islam", isbn_issn="9789793210605"
                ),
                make_normalized_record(
                    source_key="s-2", title="Tafsir Al-Misbah Jilid 1", isbn_issn="9789799048295"
                ),
            ],
            source_id=None,
        )
    data = iso2709(
        marc("x-1", "Pengantar Studi Islam", subtitle="edisi kedua", isbn="978-979-3210-60-5"),
        marc("x-2", "Tafsir Al-Misbah Jilid 2", isbn="9789799048295"),
    )

    run = import_stream(library=library, stream=named(data, "isbn.mrc"))

    assert (run.updated_count, run.created_count) == (1, 1)
    titles = sorted(record.title for record in records(library))
    assert titles == [
        "Pengantar Studi Islam : edisi kedua",
        "Tafsir Al-Misbah Jilid 1",
        "Tafsir Al-Misbah Jilid 2",
    ]


def test_slims_csv_rows_match_records_by_their_barcodes(library):
    with tenant_context(library):
        upsert_records(
            [make_normalized_record(source_key="7", title="Akhlak Tasawuf", isbn_issn="", copies=())],
            source_id=999,
        )
        upsert_records(
            [
                make_normalized_record(
                    source_key="7", title="Akhlak Tasawuf", isbn_issn="", copies=(pymarc_free_copy("B0007"),)
                )
            ],
            source_id=999,
        )
    data = (
        SLIMS_HEADER + "\n" + slims_row("Akhlak Tasawuf untuk Madrasah", items="<B0007><B0008>") + "\n"
    ).encode()

    run = import_stream(library=library, stream=named(data, "slims.csv"))

    (record,) = records(library)
    assert run.updated_count == 1 and record.title == "Akhlak Tasawuf untuk Madrasah"
    assert sorted(item.item_code for item in record.items.all()) == ["B0007", "B0008"]


def pymarc_free_copy(code):
    from catalog.normalized import NormalizedCopy

    return NormalizedCopy(item_code=code)


def test_record_edited_in_simpul_is_left_unless_the_librarian_asks_to_overwrite(library):
    with tenant_context(library):
        upsert_records([make_normalized_record(source_key="e-1", title="Fiqih Zakat")], source_id=None)
        Record.objects.update(edited_in_simpul_at=timezone.now())
    data = iso2709(marc("ignored", "Fiqih Zakat", subtitle="edisi baru", isbn="9786028519939"))

    left = import_stream(library=library, stream=named(data, "c.mrc"))
    assert records(library)[0].title == "Fiqih Zakat" and left.unchanged_count == 1

    overwritten = import_stream(library=library, stream=named(data, "c.mrc"), overwrite_local_edits=True)
    assert records(library)[0].title == "Fiqih Zakat : edisi baru" and overwritten.updated_count == 1


def test_problems_have_position_identifier_and_reason_and_a_refused_batch_loses_only_its_bad_record(library):
    too_long = marc("p-3", "Ulumul Quran")
    too_long.add_field(
        pymarc.Field(
            tag="250",
            indicators=pymarc.Indicators(" ", " "),
            subfields=[pymarc.Subfield("a", "Edisi " + "sangat panjang " * 20)],
        )
    )
    broken = bytearray(iso2709(marc("p-2", "Rusak")))
    broken[12:17] = b"00000"
    data = (
        iso2709(marc("p-1", "Akhlak Tasawuf"))
        + bytes(broken)
        + iso2709(too_long, marc("p-4", "Hadis Arbain"))
    )

    run = import_stream(library=library, stream=named(data, "d.mrc"))

    problems = list(run.problems.order_by("position").values_list("position", "identifier", "reason"))
    assert run.status == HarvestRun.Status.PARTIAL and (run.created_count, run.failed_count) == (2, 2)
    assert [(position, identifier) for position, identifier, _ in problems] == [(2, "rekaman #2"), (3, "p-3")]
    assert "BaseAddressNotFound" in problems[0][2] and "tidak dapat disimpan" in problems[1][2]
    assert set(schema_records(library)) == {"p-1", "p-4"}


class CountingStream(io.BytesIO):
    """A file that remembers the largest single read."""

    largest_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.largest_read = max(self.largest_read, len(chunk))
        return chunk


def test_large_file_is_read_as_a_stream_and_memory_stays_flat(library, monkeypatch):
    from harvest.adapters import files

    monkeypatch.setattr(files, "_READ_SIZE", 16 * 1024)  # both files below are many blocks long

    def file_of(count: int) -> CountingStream:
        body = iso2709(
            *(marc(f"m-{n}", f"Pendidikan Agama Islam {n}", copies=(f"M{n:06d}",)) for n in range(count))
        )
        return CountingStream(body)

    import_stream(library=library, stream=file_of(50), format="marc", name="warm-up.mrc")  # one-time costs
    peaks = []
    for count in (200, 2000):
        stream = file_of(count)
        tracemalloc.start()
        run = import_stream(
            library=library, stream=stream, format="marc", name=f"{count}.mrc", batch_size=100
        )
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert run.created_count + run.unchanged_count == count
        assert stream.largest_read <= 16 * 1024
    # ten times the file , not ten times the memory: the reader holds one batch, never the file
    assert peaks[1] < peaks[0] * 2, peaks


def test_a_refused_batch_is_written_in_halves_not_record_by_record(library):
    """One record the database refuses in a batch of 64 costs a few transactions (each refused part is
    halved), not 64: the other 63 are written, the bad one is the only problem."""
    bad = marc("h-17", "Ulumul Quran")
    bad.add_field(
        pymarc.Field(
            tag="250",
            indicators=pymarc.Indicators(" ", " "),
            subfields=[pymarc.Subfield("a", "Edisi " + "sangat panjang " * 20)],
        )
    )
    data = iso2709(*(bad if n == 17 else marc(f"h-{n}", f"Tafsir Jilid {n}") for n in range(1, 65)))

    run = import_stream(library=library, stream=named(data, "h.mrc"), batch_size=64)

    assert (run.status, run.created_count, run.failed_count, run.records_seen) == ("partial", 63, 1, 64)
    assert list(run.problems.values_list("position", "identifier")) == [(17, "h-17")]
    assert run.pages_seen <= 2 * 6 + 1  # halvings of 64 down to one record, each a page at most twice
    assert len(schema_records(library)) == 63


def test_the_default_batch_is_a_thousand_records(library):
    """Each batch costs a fixed set of statements: the import writes 1,000 records a transaction."""
    data = iso2709(*(marc(f"d-{n}", f"Akhlak Jilid {n}") for n in range(1, 1002)))

    run = import_stream(library=library, stream=named(data, "d.mrc"))

    assert (run.status, run.created_count, run.pages_seen) == ("succeeded", 1001, 2)


def test_import_records_command_takes_the_same_road_with_matching(library, tmp_path, capsys):
    with tenant_context(library):
        upsert_records(
            [make_normalized_record(source_key="41", title="Fiqih Ibadah", isbn_issn="")], source_id=999
        )
    path = tmp_path / "slims.mrc"
    path.write_bytes(iso2709(marc("41", "Fiqih Ibadah", subtitle="revisi"), marc("42", "Hadis Arbain")))

    call_command("import_records", str(path), "--library", library.code)

    assert "1 baru, 1 diperbarui" in capsys.readouterr().out
    assert {(r.source_id, r.source_key) for r in records(library)} >= {(999, "41")}
