from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    label = "catalog"
    verbose_name = "Katalog"
    default_auto_field = "django.db.models.BigAutoField"
    # What a library's collection is, to a person: counted where an operator confirms deleting a library
    # (tenants.selectors.library_deletion_summary). The schema's other tables go with it unnamed.
    collection_models = ("Record", "Item", "Member", "Loan")
