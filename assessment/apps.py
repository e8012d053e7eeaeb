from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "Assessment"

    def ready(self):
        # Imported here: models exist only once the apps are loaded.
        from workflow.selectors import visible_to
        from workflow.services import add_condition

        from . import selectors
        from .rules import call_still_open_for_award, checklist_complete_for_award

        visible_to("assessment.Assignment", selectors.assignment_history_list)
        visible_to("assessment.Call", selectors.call_list)
        # Submitting an award that belongs to a call is refused after the close and while the checklist
        # has gaps, whichever door (the application page, the award page, the API, the admin) takes the step.
        add_condition("grants.Award", "submit", call_still_open_for_award)
        add_condition("grants.Award", "submit", checklist_complete_for_award)
