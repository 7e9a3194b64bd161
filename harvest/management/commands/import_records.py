"""``manage.py import_records --library CODE FILE``: a MARC (ISO 2709), MARCXML, MODS or SLiMS CSV file into
a library's catalogue, along the same road as the librarian's import page
(``catalog.transfer.importing.import_stream``: matching, one transaction per batch, problems)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.transfer.importing import import_stream
from harvest.adapters.files import FORMATS
from harvest.models import HarvestRun
from tenants.models import Library


class Command(BaseCommand):
    help = "Impor berkas MARC (ISO 2709), MARCXML, MODS atau CSV SLiMS ke katalog sebuah perpustakaan."

    def add_arguments(self, parser):
        parser.add_argument("file", help="berkas .mrc, .xml (MARCXML) atau .xml (MODS)")
        parser.add_argument("--library", required=True, help="kode perpustakaan, mis. bdk-aceh")
        parser.add_argument("--format", default="auto", choices=("auto", *FORMATS))
        parser.add_argument(
            "--overwrite-local-edits",
            action="store_true",
            help="timpa juga cantuman yang sudah disunting di Simpul bila cocok",
        )

    def handle(self, *args, **options):
        library = Library.objects.filter(code=options["library"]).first()
        if library is None:
            raise CommandError(f"Perpustakaan '{options['library']}' tidak ada.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Berkas {path} tidak ada.")
        with path.open("rb") as stream:
            run = import_stream(
                library=library,
                stream=stream,
                format=options["format"],
                name=path.name,
                overwrite_local_edits=options["overwrite_local_edits"],
            )
        self.stdout.write(
            f"run #{run.pk} {run.status}: {run.records_seen} rekaman dibaca, {run.created_count} baru, "
            f"{run.updated_count} diperbarui, {run.unchanged_count} tak berubah, "
            f"{run.failed_count} bermasalah"
        )
        for problem in run.problems.all()[:20]:
            self.stdout.write(f"  {problem.identifier or '—'}: {problem.reason}")
        if run.status in (HarvestRun.Status.FAILED, HarvestRun.Status.SKIPPED):
            raise CommandError(run.last_error or run.status)
