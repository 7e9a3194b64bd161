from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Pencarian"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from catalog.signals import index_changes_committed
        from search.tasks import drain_on_committed_changes

        index_changes_committed.connect(drain_on_committed_changes, dispatch_uid="search-drain-outbox")
