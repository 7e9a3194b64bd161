from django.core.management.base import BaseCommand, CommandError

from tenants.models import LibrarySystem, UnitKind
from tenants.services import LibraryProvisioningError, create_library


class Command(BaseCommand):
    help = "Create a library (tenant): its row, its schema and its domain <code>.<base domain>."

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="e.g. bdk-aceh (lower case, digits, hyphens)")
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", default=UnitKind.OTHER, choices=UnitKind.values)
        parser.add_argument("--city", default="")
        parser.add_argument("--province", default="")
        parser.add_argument("--system", default=LibrarySystem.SLIMS, choices=LibrarySystem.values)
        parser.add_argument("--website", default="")

    def handle(self, *args, **options):
        try:
            library = create_library(
                code=options["code"],
                name=options["name"],
                kind=options["kind"],
                city=options["city"],
                province=options["province"],
                system=options["system"],
                website=options["website"],
            )
        except LibraryProvisioningError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {library.code} (schema {library.schema_name}, {library.primary_domain})"
            )
        )
