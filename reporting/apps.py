from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting and evaluation"

    def ready(self):
        # Imported here, not at the top: models can be imported only once the apps are loaded.
        from workflow.selectors import visible_to

        from . import closing, due_hooks, retention, selectors

        closing.register()
        retention.register()
        due_hooks.register()
        visible_to("reporting.ProgressUpdate", selectors.update_list)
