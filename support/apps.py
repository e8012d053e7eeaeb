from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Support matching"

    def ready(self):
        from workflow.services import after_transition

        from .services import release_for_project

        # A match's project that is withdrawn or rejected gives its days back to the offer.
        for step in ("withdraw", "reject"):
            after_transition("partnerships.Project", step, release_for_project)
