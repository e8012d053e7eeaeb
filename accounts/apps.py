from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and access"

    def ready(self):
        from . import audit  # noqa: F401 - connects the sign-in audit receivers
