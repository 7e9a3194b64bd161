from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    label = "catalog"
    verbose_name = "Katalog"
    default_auto_field = "django.db.models.BigAutoField"
