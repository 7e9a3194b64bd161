"""harvest.services.import_file and ``manage.py import_records``: MARC (ISO 2709), MARCXML and MODS files
take the harvest's road — same mappers, same batched upsert, problems on a run, on into the index."""

from __future__ import annotations

import io

import pymarc
import pytest
from django.core.management import call_command

from harvest.adapters.files import UnreadableFile, detect_format
from harvest.adapters.mapping import normalize_isbn_issn
from harvest.models import HarvestProblem, HarvestRun, HarvestSource
from harvest.services import import_file
from tests.harvest.builders import TAFSIR_TITLE, build_records, mojibake
from tests.harvest.harvesting import authors_of, copy_codes, drain, duplicate_keys, indexed, schema_records
from tests.harvest.oai_server import Catalogue, marc_record, standard_mods

SIZE = 150


@pytest.fixture(scope="module")
def catalogue():
    return Catalogue(build_records(size=SIZE))


def sources(catalogue):
    return [catalogue.get(biblio_id) for biblio_id in catalogue.live_ids()]


def iso2709(catalogue, *, corrupt: int | None = None) -> bytes:
    chunks = []
    for position, source in enumerate(sources(catalogue), start=1):
        chunk = bytearray(marc_record(source).as_marc())
        if position == corrupt:
            chunk[12:17] = b"00000"  # base address of data: the directory cannot be found
        chunks.append(bytes(chunk))
    return b"".join(chunks)


def marcxml(catalogue) -> bytes:
    records = b"".join(pymarc.record_to_xml(marc_record(source)) for source in sources(catalogue))
    return b'<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="http://www.loc.gov/MARC21/slim">' + (
        records + b"</collection>"
    )


def mods(catalogue) -> bytes:
    body = "".join(standard_mods(source, "Perpustakaan Uji") for source in sources(catalogue))
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<modsCollection xmlns="http://www.loc.gov/mods/v3">{body}</modsCollection>'.encode()


def named(data: bytes, name: str) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def assert_imported(library, catalogue) -> None:
    records = schema_records(library)
    assert set(records) == {str(biblio_id) for biblio_id in catalogue.live_ids()}
    assert duplicate_keys(library) == []
    for source in sources(catalogue):
        stored, wanted = records[str(source.biblio_id)], source.record
        title = TAFSIR_TITLE if wanted.title == mojibake(TAFSIR_TITLE) else wanted.title
        assert stored.title == title
        assert authors_of(stored) == list(wanted.authors)
        assert stored.isbn_issn == normalize_isbn_issn(wanted.isbn_issn)
        assert copy_codes(stored) == sorted(copy.item_code for copy in wanted.copies)


@pytest.mark.parametrize(
    ("build", "name", "detected"),
    [
        (iso2709, "ekspor.mrc", "marc"),
        (marcxml, "ekspor-marc.xml", "marcxml"),
        (mods, "ekspor-mods.xml", "mods"),
    ],
    ids=["marc-iso2709", "marcxml", "mods"],
)
def test_file_is_imported_with_titles_authors_isbns_and_copies(library, catalogue, build, name, detected):
    data = build(catalogue)

    run = import_file(library=library, uploaded_file=named(data, name))

    assert detect_format(data[:4096], name) == detected
    assert (run.status, run.records_seen, run.created_count) == (HarvestRun.Status.SUCCEEDED, SIZE, SIZE)
    assert run.source.kind == HarvestSource.Kind.FILE and run.file_name == name
    assert run.pages_seen == 2  # one transaction per 100 records
    assert_imported(library, catalogue)


def test_imported_records_reach_the_union_index(library, catalogue, union):
    import_file(library=library, uploaded_file=named(marcxml(catalogue), "koleksi.xml"))

    drain(library)

    assert len(indexed(library)) == SIZE


def test_unreadable_marc_record_is_a_problem_with_its_position_and_the_rest_is_imported(library, catalogue):
    run = import_file(library=library, uploaded_file=named(iso2709(catalogue, corrupt=7), "rusak.mrc"))

    problem = HarvestProblem.objects.get(run=run)
    assert (run.status, run.created_count, run.failed_count) == (HarvestRun.Status.PARTIAL, SIZE - 1, 1)
    assert problem.identifier == "rekaman #7" and "BaseAddressNotFound" in problem.reason
    assert "7" not in schema_records(library)


def test_xml_broken_in_the_middle_keeps_what_was_read_and_says_where_it_broke(library, catalogue):
    data = marcxml(catalogue)
    cut = data[: len(data) // 2]

    run = import_file(library=library, uploaded_file=named(cut, "terpotong.xml"))

    problem = HarvestProblem.objects.get(run=run)
    assert run.status == HarvestRun.Status.PARTIAL and 0 < run.created_count < SIZE
    assert "XML rusak setelah rekaman ke-" in problem.reason
    assert len(schema_records(library)) == run.created_count


def test_file_of_no_known_format_fails_with_a_clear_message(library):
    run = import_file(library=library, uploaded_file=named(b"judul,pengarang\nFiqih,Rasjid\n", "data.csv"))

    assert run.status == HarvestRun.Status.FAILED and "Format berkas tidak dikenali" in run.last_error
    with pytest.raises(UnreadableFile):
        detect_format(b"judul,pengarang", "data.csv")


def test_importing_the_same_file_again_changes_nothing(library, catalogue):
    data = mods(catalogue)
    import_file(library=library, uploaded_file=named(data, "a.xml"))

    again = import_file(library=library, uploaded_file=named(data, "a.xml"))

    assert (again.unchanged_count, again.created_count, again.updated_count) == (SIZE, 0, 0)
    assert len(schema_records(library)) == SIZE and duplicate_keys(library) == []


def test_import_records_command_imports_a_file_and_reports_the_run(library, catalogue, tmp_path, capsys):
    path = tmp_path / "koleksi.mrc"
    path.write_bytes(iso2709(catalogue))

    call_command("import_records", str(path), "--library", library.code)

    output = capsys.readouterr().out
    assert f"succeeded: {SIZE} rekaman dibaca, {SIZE} baru" in output
    assert_imported(library, catalogue)
