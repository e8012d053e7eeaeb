"""What the need and offer pages share: which steps each page offers, and who may record."""

from accounts import roles
from workflow.services import available_transitions

NEED_STEPS = ("withdraw", "reopen")
OFFER_STEPS = ("close", "reopen")


def _steps(obj, user, names):
    return [t for t in available_transitions(obj, user) if t.name in names]


def _may_record(user) -> bool:
    r = roles.of(user)
    return r.is_manager or r.is_partner
