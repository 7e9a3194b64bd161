from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from elastic_transport import TransportError
from elasticsearch import ApiError
from tqdm import tqdm

from search.indexer import IndexingError
from search.rebuild import DEFAULT_CHUNK_SIZE, rebuild_library_in_place, rebuild_union_index
from tenants.models import Library


class BarsProgress:
    """One tqdm bar per library: records done / records in the schema."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: tqdm | None = None

    def library_started(self, library_code: str, total: int) -> None:
        self.bar = tqdm(total=total, desc=library_code, unit="rec", file=sys.stderr, disable=not self.enabled)

    def records_done(self, library_code: str, count: int) -> None:
        if self.bar is not None:
            self.bar.update(count - self.bar.n)

    def library_finished(self, library_code: str) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class Command(BaseCommand):
    help = (
        "Rebuild the union index from PostgreSQL: a new versioned index, then an atomic alias swap "
        "(searches keep working). With --library, re-send one library's documents in place."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--library", metavar="CODE", help="rebuild only this library's documents, in place"
        )
        parser.add_argument("--keep-old", action="store_true", help="keep the previous index after the swap")
        parser.add_argument(
            "--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE, help="records per bulk request"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")

    def handle(self, *args, **options):
        progress = BarsProgress(enabled=not options["no_progress"])
        try:
            if options["library"]:
                library = Library.objects.filter(code=options["library"]).first()
                if library is None:
                    raise CommandError(f"Perpustakaan '{options['library']}' tidak ada.")
                result = rebuild_library_in_place(
                    library=library, chunk_size=options["chunk_size"], progress=progress
                )
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{result.library_code}: {result.documents} documents sent, "
                        f"{result.stale_deleted} stale deleted, {result.rows_drained_after} outbox rows "
                        f"drained after ({result.seconds:.1f} s)"
                    )
                )
                return
            result = rebuild_union_index(
                chunk_size=options["chunk_size"], keep_old=options["keep_old"], progress=progress
            )
        except (ApiError, TransportError, IndexingError) as error:
            raise CommandError(f"Rebuild failed, the alias was not moved: {error}") from error
        for code, count in result.per_library.items():
            self.stdout.write(f"{code}: {count}")
        self.stdout.write(
            self.style.SUCCESS(
                f"alias {result.alias} → {result.index}: {result.documents} documents "
                f"({result.seconds:.1f} s); {result.rows_drained_after_swap} outbox rows drained after "
                "the swap; "
                f"previous: {', '.join(result.previous_indexes) or '-'}; "
                f"deleted: {', '.join(result.deleted_indexes) or '-'}"
            )
        )
