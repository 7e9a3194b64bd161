"""``manage.py harvest (--source ID | --library CODE) [--full | --incremental] [--wait]``: queue a harvest
(as "Harvest sekarang" does), or with ``--wait`` run it here with a progress bar."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from harvest.management.foreground import run_in_foreground, run_summary
from harvest.models import HarvestRun
from harvest.selectors import SourceNotFound, source_named
from harvest.services import HarvestError, create_run, enqueue_harvest, harvest_source, source_is_busy


def add_source_arguments(parser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--source", type=int, help="id sumber (lihat harvest_status)")
    which.add_argument("--library", help="kode perpustakaan yang punya satu sumber OAI-PMH")
    parser.add_argument("--wait", action="store_true", help="jalankan di sini sampai selesai (bukan antre)")
    parser.add_argument("--no-progress", action="store_true", help="tanpa bilah kemajuan")


def chosen_source(options):
    try:
        return source_named(source_id=options["source"], library_code=options["library"] or "")
    except SourceNotFound as error:
        raise CommandError(str(error)) from error


def finish(command: BaseCommand, run: HarvestRun) -> None:
    command.stdout.write(run_summary(run))
    if run.note:
        command.stdout.write(f"  catatan: {run.note}")
    for problem in run.problems.order_by("id")[:20]:
        command.stdout.write(f"  {problem.identifier or '—'}: {problem.reason}")
    if run.status in (HarvestRun.Status.FAILED, HarvestRun.Status.SKIPPED):
        raise CommandError(run.last_error or run.status)


class Command(BaseCommand):
    help = "Panen sebuah sumber: masuk antrean Celery, atau --wait untuk menjalankannya di sini."

    def add_arguments(self, parser):
        add_source_arguments(parser)
        mode = parser.add_mutually_exclusive_group()
        for flag, value in (("--full", HarvestRun.Mode.FULL), ("--incremental", HarvestRun.Mode.INCREMENTAL)):
            mode.add_argument(flag, dest="mode", action="store_const", const=value)

    def handle(self, *args, **options):
        source = chosen_source(options)
        mode = options["mode"] or HarvestRun.Mode.INCREMENTAL
        if source_is_busy(source):
            raise CommandError(f"Sumber {source} sedang dipanen; tunggu sampai selesai.")
        try:
            if not options["wait"]:
                run = enqueue_harvest(source=source, mode=mode)
                self.stdout.write(f"run #{run.pk} masuk antrean ({run.get_mode_display()}) untuk {source}")
                return
            run = create_run(source=source, mode=mode)
        except HarvestError as error:
            raise CommandError(str(error)) from error
        run = run_in_foreground(
            run,
            lambda: harvest_source(source=source, mode=mode, run=run),
            progress=not options["no_progress"],
            stream=getattr(self.stderr, "_out", None),  # tqdm writes "\r" lines: the raw stream
        )
        finish(self, run)
