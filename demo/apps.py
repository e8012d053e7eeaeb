from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo scenario: data files and a loader that plays them through the services (top layer)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
    verbose_name = "Demo data"
