from functools import partial

from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Partnerships and organisations"

    def ready(self):
        # Imported here, not at the top: models can be imported only once the apps are loaded.
        from accounts import membership_requests
        from workflow.selectors import visible_to

        from . import selectors

        visible_to("partnerships.Project", partial(selectors.project_list, include_archived=True))
        visible_to("partnerships.Partnership", selectors.partnership_list)
        membership_requests.register_scope(selectors.confirmable_organisation_ids)
