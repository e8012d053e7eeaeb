from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "History"

    def ready(self):
        from django.db.models.signals import pre_save

        from .text import clean_instance_text

        # Bidirectional control characters never reach the database, whichever door the text came in by.
        pre_save.connect(clean_instance_text, dispatch_uid="workflow.text.clean_instance_text")
