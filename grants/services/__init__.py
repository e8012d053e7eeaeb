"""Every write a person can cause on programmes, awards and payments, a module per concern
(programmes, awards, payments); import them from here (as `grants.services`).

Each service locks what it reads before it decides (the programme for budget checks, the
award for payment totals), so two managers acting at once cannot both spend the same pound.
"""

from .awards import (
    AWARD_FIELDS,
    AWARD_MANAGER_EDITABLE,
    award_approve,
    award_archive,
    award_change_amount,
    award_create,
    award_edit_refusal,
    award_transition,
    award_update,
)
from .payments import (
    LIVE_FOR_PAYMENTS,
    payment_approve,
    payment_cancel,
    payment_edit,
    payment_edit_refusal,
    payment_release,
    payment_schedule,
    payment_schedule_refusal,
    payment_transition,
)
from .programmes import (
    PROGRAMME_FIELDS,
    _add_to_totals,
    programme_create,
    programme_set_budget,
    programme_totals_recount,
    programme_update,
)

__all__ = [
    "AWARD_FIELDS",
    "AWARD_MANAGER_EDITABLE",
    "LIVE_FOR_PAYMENTS",
    "PROGRAMME_FIELDS",
    "_add_to_totals",
    "award_approve",
    "award_archive",
    "award_change_amount",
    "award_create",
    "award_edit_refusal",
    "award_transition",
    "award_update",
    "payment_approve",
    "payment_cancel",
    "payment_edit",
    "payment_edit_refusal",
    "payment_release",
    "payment_schedule",
    "payment_schedule_refusal",
    "payment_transition",
    "programme_create",
    "programme_set_budget",
    "programme_totals_recount",
    "programme_update",
]
