from django.core.management.base import BaseCommand, CommandError
from elasticsearch import TransportError

from search.index_setup import setup_search


class Command(BaseCommand):
    help = "Create or update Simpul's Elasticsearch index templates and make sure the union alias exists."

    def handle(self, *args, **options):
        try:
            result = setup_search()
        except TransportError as error:
            raise CommandError(f"Elasticsearch is not reachable or refused the request: {error}") from error
        self.stdout.write(f"templates: {', '.join(result['templates'])}")
        self.stdout.write(self.style.SUCCESS(f"alias {result['alias']} → {result['index']}"))
