from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data generators and the ``seed_demo`` commands; production code never imports this app."""

    name = "demo"
    label = "demo"
    verbose_name = "Demo"
