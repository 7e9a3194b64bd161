from django.core.management.base import BaseCommand, CommandError

from monev.exceptions import InstrumentInUse
from monev.instrument_loader import InstrumentError
from monev.services import sync_instruments


class Command(BaseCommand):
    help = "Load the instrument YAML files into the database (refuses to edit a version already in use)."

    def handle(self, *args, **options):
        try:
            instruments = sync_instruments()
        except (InstrumentError, InstrumentInUse) as error:
            raise CommandError(str(error)) from error
        for instrument in instruments:
            self.stdout.write(
                f"{instrument.code}: {instrument.indicator_count} indikator, {instrument.content_hash[:12]}"
            )
