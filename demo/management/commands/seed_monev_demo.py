from django.core.management.base import BaseCommand

from demo.monev import seed_monev_demo


class Command(BaseCommand):
    help = (
        "Monev demo: assessments 2021–2024 (verified) and 2025 work in progress for the demo libraries, "
        "with the published figures (59.85 in 2019, LPMQ 93.83 in 2021 and 74.56 in 2024). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--libraries", nargs="*", metavar="CODE", help="default: the demo libraries")

    def handle(self, *args, **options):
        codes = tuple(options["libraries"]) if options["libraries"] else None
        summary = seed_monev_demo(codes=codes)
        self.stdout.write(
            self.style.SUCCESS(
                f"monev: {len(summary.created)} assessments created, {len(summary.kept)} kept; "
                f"historic totals: {', '.join(summary.historic) or '-'}"
            )
        )
        if summary.skipped_libraries:
            self.stdout.write(f"unknown library codes skipped: {', '.join(summary.skipped_libraries)}")
