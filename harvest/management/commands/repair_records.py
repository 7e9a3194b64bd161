"""``manage.py repair_records [--library CODE] [--dry-run]``: map stored harvested and imported records
again from their kept raw metadata with today's mappers (e.g. ISBNs in ``urn:isbn:`` form that an older
mapper stored as the call number) and store what changed; the union index follows through the outbox
(run ``drain_index`` or let the Celery drain do it). A one-time run after an upgrade that changes a
mapper; safe to repeat."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from harvest.services import repair_stored_records
from search.indexer import indexed_libraries
from tenants.models import Library


class Command(BaseCommand):
    help = (
        "Petakan ulang cantuman tersimpan dari metadata mentahnya dan simpan yang berubah (indeks mengikuti)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--library", help="hanya perpustakaan ini")
        parser.add_argument("--dry-run", action="store_true", help="hitung saja, tanpa menulis")

    def handle(self, *args, **options):
        if options["library"]:
            libraries = list(Library.objects.filter(code=options["library"]))
            if not libraries:
                raise CommandError(f"Perpustakaan '{options['library']}' tidak ada.")
        else:
            libraries = list(indexed_libraries())
        verb = "akan ditulis ulang" if options["dry_run"] else "ditulis ulang"
        for library in libraries:
            report = repair_stored_records(library=library, dry_run=options["dry_run"])
            self.stdout.write(
                f"{report.library_code}: {report.examined} diperiksa, {report.rewritten} {verb} "
                f"({report.identifiers_moved} dengan ISBN/ISSN atau nomor panggil berpindah), "
                f"{len(report.unreadable)} tak terbaca"
            )
            for key, reason in report.unreadable[:10]:
                self.stdout.write(f"  {key}: {reason}")
