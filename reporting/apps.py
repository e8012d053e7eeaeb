from django.apps import AppConfig


def _open_award_evaluation(award, actor):
    from .services import evaluation_open

    evaluation_open(actor=actor, award=award)


def _open_project_evaluation(project, actor):
    from .services import evaluation_open

    evaluation_open(actor=actor, project=project)


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting and evaluation"

    def ready(self):
        from workflow.services import after_transition

        # Work that enters evaluation gets its evaluation, prefilled from its indicators, at once.
        after_transition("grants.Award", "begin_evaluation", _open_award_evaluation)
        after_transition("partnerships.Project", "begin_evaluation", _open_project_evaluation)
