from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = "Akun"
    default_auto_field = "django.db.models.BigAutoField"
