"""Who may manage a call's programme: the one check every manager-only service asks."""

from django.contrib.auth.models import User

from accounts import roles
from grants.models import FundingProgramme
from workflow.errors import PermissionRefused


def _require_manager(programme: FundingProgramme, actor: User, what: str) -> None:
    if not roles.of(actor).manages_programme(programme):
        raise PermissionRefused(f"Only the programme managers of {programme} can {what}.")
