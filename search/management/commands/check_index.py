from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from elastic_transport import TransportError
from elasticsearch import ApiError

from search.drift import LibraryDrift, find_drift, repair_drift
from search.indexer import IndexingError, indexed_libraries
from search.withdrawal import orphan_library_codes, remove_library_documents
from tenants.models import Library

_SHOWN_IDS = 10


def _sample(ids: list) -> str:
    shown = ", ".join(str(value) for value in ids[:_SHOWN_IDS])
    return f"{shown}, …" if len(ids) > _SHOWN_IDS else shown


class Command(BaseCommand):
    help = (
        "Report drift between each library's schema and the union index (records missing from the index, "
        "documents with no record, stale documents); --repair fixes it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--library", metavar="CODE", help="check only this library")
        parser.add_argument("--repair", action="store_true", help="re-index missing/stale, delete extra")

    def handle(self, *args, **options):
        if options["library"]:
            libraries = list(Library.objects.filter(code=options["library"]))
            if not libraries:
                raise CommandError(f"Perpustakaan '{options['library']}' tidak ada.")
        else:
            libraries = list(indexed_libraries())
        check = repair_drift if options["repair"] else find_drift
        try:
            for library in libraries:
                self._report(check(library=library))
            if not options["library"]:
                self._report_orphans(repair=options["repair"])
        except (ApiError, TransportError, IndexingError) as error:
            raise CommandError(f"Elasticsearch is not reachable or refused the request: {error}") from error

    def _report_orphans(self, *, repair: bool) -> None:
        """Documents of libraries that were deleted or set inactive are extra, whole libraries of them."""
        for code, count in sorted(orphan_library_codes().items()):
            self.stdout.write(
                self.style.WARNING(f"{code}: not an active library, {count} documents in the index (extra)")
            )
            if repair:
                deleted = remove_library_documents(library_code=code)
                self.stdout.write(self.style.SUCCESS(f"  repaired: {deleted} deleted"))

    def _report(self, drift: LibraryDrift) -> None:
        line = (
            f"{drift.library_code}: {drift.records_in_schema} public records, {drift.documents_in_index} "
            f"documents; missing {len(drift.missing_ids)}, extra {len(drift.extra_ids)}, "
            f"stale {len(drift.stale_ids)}"
        )
        self.stdout.write(self.style.SUCCESS(line) if drift.in_sync else self.style.WARNING(line))
        for label, ids in (
            ("missing", drift.missing_ids),
            ("extra", drift.extra_ids),
            ("stale", drift.stale_ids),
        ):
            if ids:
                self.stdout.write(f"  {label}: {_sample(ids)}")
        if drift.repaired and not drift.in_sync:
            self.stdout.write(
                self.style.SUCCESS(
                    f"  repaired: {drift.rows_enqueued} re-indexed, {drift.documents_deleted} deleted"
                )
            )
        elif drift.drain_error:
            self.stdout.write(self.style.ERROR(f"  repair incomplete: {drift.drain_error}"))
