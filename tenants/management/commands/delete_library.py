from django.core.management.base import BaseCommand, CommandError

from tenants.models import Library
from tenants.services import LibraryProvisioningError, delete_library


class Command(BaseCommand):
    help = "Delete a library with its schema and domains."

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True)
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, **options):
        library = Library.objects.filter(code=options["code"]).first()
        if library is None:
            raise CommandError(f"No library with code '{options['code']}'.")
        if not options["yes"]:
            raise CommandError("This deletes the library's whole collection; pass --yes to confirm.")
        try:
            delete_library(library=library)
        except LibraryProvisioningError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Deleted {options['code']}"))
