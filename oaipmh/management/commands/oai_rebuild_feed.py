"""``manage.py oai_rebuild_feed [--library CODE]``: make the OAI-PMH feed match the catalogues (rows for
visible records, deletions for records gone or hidden). Idempotent; the catalogue's writers keep the feed
current, so this is for repairs and for records written before the provider existed."""

from django.core.management.base import BaseCommand, CommandError

from oaipmh.feed import rebuild_library, withdraw_library
from tenants.models import Library


class Command(BaseCommand):
    help = "Rebuild the OAI-PMH feed rows of every library (or one) from its catalogue."

    def add_arguments(self, parser):
        parser.add_argument("--library", help="library code (default: every library)")

    def handle(self, *args, library=None, **options):
        libraries = Library.objects.exclude(schema_name="public").order_by("code")
        if library:
            libraries = libraries.filter(code=library)
            if not libraries.exists():
                raise CommandError(f"Perpustakaan '{library}' tidak ada.")
        for each in libraries:
            if each.active:
                written = rebuild_library(library=each)
            else:
                written = withdraw_library(library_code=each.code)
            self.stdout.write(f"{each.code}: {written}")
