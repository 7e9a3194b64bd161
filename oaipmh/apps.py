from django.apps import AppConfig


class OaipmhConfig(AppConfig):
    name = "oaipmh"
    verbose_name = "OAI-PMH"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from catalog.signals import records_changed
        from oaipmh import feed
        from tenants.signals import library_reinstated, library_withdrawn

        records_changed.connect(feed.on_records_changed, dispatch_uid="oaipmh-records-changed")
        library_withdrawn.connect(feed.on_library_withdrawn, dispatch_uid="oaipmh-library-withdrawn")
        library_reinstated.connect(feed.on_library_reinstated, dispatch_uid="oaipmh-library-reinstated")
