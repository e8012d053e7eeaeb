from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting and evaluation"

    def ready(self):
        # Imported here, not at the top: models can be imported only once the apps are loaded.
        from workflow.selectors import visible_to

        from . import closing, retention, selectors

        closing.register()
        retention.register()
        visible_to("reporting.ProgressUpdate", selectors.update_list)
