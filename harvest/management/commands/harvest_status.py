"""``manage.py harvest_status [--library CODE] [--run ID]``: every source with its last run (as the
operator page shows them), or one run with its problems. Times carry their zone."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from harvest.management.foreground import run_summary
from harvest.models import HarvestRun
from harvest.selectors import labelled_time, source_overviews


class Command(BaseCommand):
    help = "Keadaan panen: sumber, run terakhirnya, dan masalah per cantuman."

    def add_arguments(self, parser):
        parser.add_argument("--library", help="hanya sumber perpustakaan ini")
        parser.add_argument("--run", type=int, help="satu run dengan masalahnya")
        parser.add_argument("--problems", type=int, default=20, help="masalah yang ditampilkan (bawaan 20)")

    def handle(self, *args, **options):
        if options["run"]:
            run = HarvestRun.objects.select_related("source__library").filter(pk=options["run"]).first()
            if run is None:
                raise CommandError(f"Run #{options['run']} tidak ada.")
            self._run(run, options["problems"])
            return
        overviews = source_overviews(problems_per_run=options["problems"])
        if options["library"]:
            overviews = [item for item in overviews if item.source.library.code == options["library"]]
        if not overviews:
            self.stdout.write("Belum ada sumber panen.")
        for item in overviews:
            source = item.source
            state = "sedang berjalan" if item.busy else ("terhenti" if item.stalled else "")
            kind = source.get_flavour_display() if source.flavour else source.get_kind_display()
            where = source.base_url or "—"
            self.stdout.write(f"sumber #{source.pk} {source.library.code} · {kind} · {where}")
            if not source.enabled:
                self.stdout.write("  nonaktif")
            if item.last_run is None:
                self.stdout.write("  belum pernah dipanen")
                continue
            self.stdout.write(f"  {run_summary(item.last_run)}{' · ' + state if state else ''}")
            if item.last_run.note:
                self.stdout.write(f"  catatan: {item.last_run.note}")
            if item.last_run.last_error:
                self.stdout.write(f"  galat: {item.last_run.last_error}")
            for problem in item.problems:
                self.stdout.write(f"    {problem.identifier or '—'}: {problem.reason[:200]}")

    def _run(self, run: HarvestRun, limit: int) -> None:
        self.stdout.write(f"{run.source} · {run_summary(run)}")
        if run.response_date:
            self.stdout.write(f"  responseDate (jam server sumber, apa adanya): {run.response_date}")
        self.stdout.write(f"  dibuat {labelled_time(run.created_at)}")
        for label, value in (("catatan", run.note), ("galat", run.last_error), ("from", run.from_used)):
            if value:
                self.stdout.write(f"  {label}: {value}")
        problems = run.problems.order_by("id")
        self.stdout.write(f"  {problems.count()} masalah")
        for problem in problems[:limit]:
            self.stdout.write(f"    {problem.identifier or '—'}: {problem.reason}")
