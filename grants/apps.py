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

        from .money import rules as money_rules
        from .money import selectors as money_selectors

        money_rules.register()
        from . import retention

        retention.register()
        visible_to("grants.Variation", money_selectors.variation_list)
        visible_to("grants.PaymentRun", money_selectors.payment_run_list)
