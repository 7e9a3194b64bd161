from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from demo.libraries import DEFAULT_DEMO_CODES, DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the demo: real Kemenag unit libraries with generated Indonesian catalogues and demo users."

    def add_arguments(self, parser):
        parser.add_argument("--libraries", nargs="*", default=list(DEFAULT_DEMO_CODES), metavar="CODE")
        parser.add_argument("--records", type=int, default=320, help="records per library (default 320)")
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, **options):
        total = len(options["libraries"]) * options["records"]
        with tqdm(total=total, unit="cantuman", disable=options["verbosity"] < 1) as bar:
            try:
                summary = seed_demo(
                    codes=tuple(options["libraries"]),
                    records_per_library=options["records"],
                    seed=options["seed"],
                    progress=lambda code, done: (bar.set_description(code), bar.update(done)),
                )
            except ValueError as error:
                raise CommandError(str(error)) from error
        created, kept = len(summary.libraries_created), len(summary.libraries_existing)
        self.stdout.write(
            self.style.SUCCESS(f"{created} libraries created, {kept} kept; {summary.records} records seeded.")
        )
        self.stdout.write(f"Demo users (password '{DEMO_PASSWORD}'): {', '.join(summary.users)}")
