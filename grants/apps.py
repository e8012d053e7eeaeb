from functools import partial

from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = "Grants"

    def ready(self):
        # Imported here, not at the top: models can be imported only once the apps are loaded.
        from workflow.selectors import visible_to

        from . import selectors

        visible_to("grants.Award", partial(selectors.award_list, include_archived=True))
        visible_to("grants.Payment", selectors.payment_list)
        visible_to("grants.FundingProgramme", selectors.programme_list)
