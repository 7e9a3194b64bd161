from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonevConfig(AppConfig):
    name = "monev"
    label = "monev"
    verbose_name = _("Monev dan akreditasi")
    default_auto_field = "django.db.models.BigAutoField"
