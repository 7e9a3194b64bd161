"""``manage.py import_records --library CODE FILE``: a MARC (ISO 2709), MARCXML or MODS file into a
library's catalogue, along the harvest's road (``harvest.services.import_file``)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from harvest.adapters.files import FORMATS
from harvest.models import HarvestRun
from harvest.services import import_file
from tenants.models import Library


class Command(BaseCommand):
    help = "Impor berkas MARC (ISO 2709), MARCXML atau MODS ke katalog sebuah perpustakaan."

    def add_arguments(self, parser):
        parser.add_argument("file", help="berkas .mrc, .xml (MARCXML) atau .xml (MODS)")
        parser.add_argument("--library", required=True, help="kode perpustakaan, mis. bdk-aceh")
        parser.add_argument("--format", default="auto", choices=("auto", *FORMATS))

    def handle(self, *args, **options):
        library = Library.objects.filter(code=options["library"]).first()
        if library is None:
            raise CommandError(f"Perpustakaan '{options['library']}' tidak ada.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Berkas {path} tidak ada.")
        with path.open("rb") as stream:
            run = import_file(library=library, uploaded_file=stream, format=options["format"], name=path.name)
        self.stdout.write(
            f"run #{run.pk} {run.status}: {run.records_seen} rekaman dibaca, {run.created_count} baru, "
            f"{run.updated_count} diperbarui, {run.unchanged_count} tak berubah, "
            f"{run.failed_count} bermasalah"
        )
        for problem in run.problems.all()[:20]:
            self.stdout.write(f"  {problem.identifier or '—'}: {problem.reason}")
        if run.status in (HarvestRun.Status.FAILED, HarvestRun.Status.SKIPPED):
            raise CommandError(run.last_error or run.status)
