from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HarvestConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "harvest"
    verbose_name = _("Panen metadata")

    def ready(self) -> None:
        from harvest import signals  # noqa: F401  (connects the receivers)
