from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Pencarian"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from catalog.signals import index_changes_committed
        from search.receivers import on_library_reinstated, on_library_withdrawn
        from search.tasks import drain_on_committed_changes
        from tenants.signals import library_reinstated, library_withdrawn

        index_changes_committed.connect(drain_on_committed_changes, dispatch_uid="search-drain-outbox")
        library_withdrawn.connect(on_library_withdrawn, dispatch_uid="search-library-withdrawn")
        library_reinstated.connect(on_library_reinstated, dispatch_uid="search-library-reinstated")
