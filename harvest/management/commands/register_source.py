"""``manage.py register_source --library CODE URL``: register an OAI-PMH source as the operator page does
(Identify and ListMetadataFormats first; SLiMS oai.php / oai2.php recognised; beat schedules made)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from harvest.models import HarvestSource
from harvest.services import HarvestError, register_source
from tenants.models import Library


class Command(BaseCommand):
    help = "Daftarkan titik akses OAI-PMH (mis. oai.php / oai2.php SLiMS) sebagai sumber panen."

    def add_arguments(self, parser):
        parser.add_argument(
            "url", help="alamat dasar OAI-PMH, mis. https://perpus.contoh.go.id/slims/oai2.php"
        )
        parser.add_argument("--library", required=True, help="kode perpustakaan, mis. bdk-aceh")
        parser.add_argument(
            "--format", default="oai_dc", choices=HarvestSource.MetadataFormat.values, dest="metadata_format"
        )
        parser.add_argument("--set", default="", dest="set_spec", help="setSpec (opsional)")
        parser.add_argument("--name", default="", help="nama sumber (bawaan: repositoryName)")
        parser.add_argument("--reconcile-every-days", type=int, default=7)
        parser.add_argument("--disabled", action="store_true", help="daftarkan tanpa menjadwalkan")

    def handle(self, *args, **options):
        library = Library.objects.filter(code=options["library"]).first()
        if library is None:
            raise CommandError(f"Perpustakaan '{options['library']}' tidak ada.")
        try:
            source = register_source(
                library=library,
                base_url=options["url"],
                metadata_format=options["metadata_format"],
                set_spec=options["set_spec"],
                name=options["name"],
                reconcile_every_days=options["reconcile_every_days"],
                enabled=not options["disabled"],
            )
        except HarvestError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"sumber #{source.pk} terdaftar: {source} — {source.get_flavour_display()}, "
            f"metadataPrefix {source.metadata_prefix}, granularitas {source.granularity}"
        )
