from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "History and audit"

    def ready(self):
        from . import audit  # noqa: F401 - connects the sign-in audit receivers
