"""``manage.py drain_index [--library CODE]``: send every pending index change (the outbox) to the union
index now, in this process, with a progress bar per library — what the Celery drain does, synchronously
(after a ``harvest --wait`` on a machine without a worker, or to see that nothing is left)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context
from tqdm import tqdm

from catalog.models import IndexOutbox
from search.indexer import drain_outbox, indexed_libraries


class Command(BaseCommand):
    help = "Kirim semua perubahan yang menunggu (outbox) ke indeks gabungan sekarang, dengan bilah kemajuan."

    def add_arguments(self, parser):
        parser.add_argument("--library", help="hanya perpustakaan ini")
        parser.add_argument("--no-progress", action="store_true", help="tanpa bilah kemajuan")

    def handle(self, *args, **options):
        libraries = indexed_libraries()
        if options["library"]:
            libraries = libraries.filter(code=options["library"])
            if not libraries.exists():
                raise CommandError(f"Perpustakaan aktif '{options['library']}' tidak ada.")
        failed = []
        for library in libraries:
            with schema_context(library.schema_name):
                pending = IndexOutbox.objects.count()
            if not pending:
                continue
            bar = tqdm(
                total=pending,
                desc=library.code,
                unit="baris",
                file=getattr(self.stderr, "_out", sys.stderr),
                disable=options["no_progress"],
            )
            indexed = deleted = 0
            error = ""
            for _ in range(pending + 10):  # every round removes rows or stops: bounded either way
                result = drain_outbox(library=library, max_batches=1)
                bar.update(result.rows_drained)
                indexed += result.records_indexed
                deleted += result.records_deleted
                if result.error or result.skipped or not (result.rows_drained and result.more_pending):
                    error = result.error or ("dikerjakan proses lain" if result.skipped else "")
                    if result.rows_failed and not error:
                        error = f"{result.rows_failed} baris gagal (dicoba lagi nanti)"
                    break
            bar.close()
            outcome = f"{library.code}: {indexed} diindeks, {deleted} dihapus dari indeks"
            self.stdout.write(f"{outcome}; {error}" if error else outcome)
            if error:
                failed.append(library.code)
        if failed:
            raise CommandError(f"Belum tuntas: {', '.join(failed)}")
