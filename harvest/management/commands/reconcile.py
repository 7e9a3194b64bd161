"""``manage.py reconcile (--source ID | --library CODE) [--wait] [--allow-mass-delete]``: a full identifier
reconciliation (edits and physical deletes SLiMS never reports), queued or run here."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from harvest.management.commands.harvest import add_source_arguments, chosen_source, finish
from harvest.management.foreground import run_in_foreground
from harvest.models import HarvestRun
from harvest.services import HarvestError, create_run, enqueue_reconcile, reconcile_source, source_is_busy


class Command(BaseCommand):
    help = "Rekonsiliasi identitas penuh sebuah sumber OAI-PMH: antre, atau --wait untuk di sini."

    def add_arguments(self, parser):
        add_source_arguments(parser)
        parser.add_argument(
            "--allow-mass-delete",
            action="store_true",
            help="izinkan menghapus lebih dari separuh cantuman sumber ini (hanya dengan --wait)",
        )

    def handle(self, *args, **options):
        source = chosen_source(options)
        if source_is_busy(source):
            raise CommandError(f"Sumber {source} sedang dipanen; tunggu sampai selesai.")
        try:
            if not options["wait"]:
                if options["allow_mass_delete"]:
                    raise CommandError("--allow-mass-delete hanya berlaku dengan --wait.")
                run = enqueue_reconcile(source=source)
                self.stdout.write(f"run #{run.pk} (rekonsiliasi) masuk antrean untuk {source}")
                return
            run = create_run(source=source, mode=HarvestRun.Mode.RECONCILE)
        except HarvestError as error:
            raise CommandError(str(error)) from error
        run = run_in_foreground(
            run,
            lambda: reconcile_source(source=source, run=run, allow_mass_delete=options["allow_mass_delete"]),
            progress=not options["no_progress"],
            stream=getattr(self.stderr, "_out", None),  # tqdm writes "\r" lines: the raw stream
        )
        finish(self, run)
