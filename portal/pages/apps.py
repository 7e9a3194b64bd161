from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "portal.pages"
    label = "pages"
    verbose_name = "Halaman publik"
