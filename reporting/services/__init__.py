"""Every write a person (or the daily job) can cause in reporting, one module per concern:

- updates.py: starting an update, the partner's edits, every review step (update_transition);
- evidence.py: evidence files on an update;
- schedules.py: reporting schedules, extra due dates, extensions;
- indicators.py: setting up an award's or project's indicators;
- evaluations.py: opening, writing and completing evaluations;
- reminders.py: reminder emails, recorded in the transaction and sent after it commits;
- notifications.py: each person's choice per kind (straight away, daily digest, inbox only) and the digest.

Figures are read by reporting.figures, shared with the forms and the API."""

from .evaluations import (
    EVALUATION_FIELDS,
    evaluation_begin,
    evaluation_complete,
    evaluation_edit,
    evaluation_open,
    evaluation_write_refusal,
)
from .evidence import evidence_add, evidence_max_bytes, evidence_remove
from .indicators import (
    INDICATOR_FIELDS,
    indicator_add,
    indicator_add_refusal,
    indicator_confirm,
    indicator_edit_refusal,
    indicator_update,
)
from .notifications import (
    digests_send,
    notification_preferences_of,
    notification_preferences_set,
    preference_refusal,
)
from .reminders import reminders_send
from .schedules import due_date_add, due_date_extend, require_subject_manager, schedule_save, subject_manage_refusal
from .updates import (
    EDITABLE_STATES,
    require_update_editable,
    update_accept,
    update_edit,
    update_edit_refusal,
    update_reopen,
    update_request_changes,
    update_resubmit,
    update_start,
    update_submit,
    update_transition,
)

__all__ = [
    "EDITABLE_STATES",
    "EVALUATION_FIELDS",
    "due_date_add",
    "due_date_extend",
    "evaluation_begin",
    "evaluation_complete",
    "evaluation_edit",
    "evaluation_open",
    "evaluation_write_refusal",
    "evidence_add",
    "evidence_max_bytes",
    "evidence_remove",
    "INDICATOR_FIELDS",
    "indicator_add",
    "indicator_add_refusal",
    "indicator_confirm",
    "indicator_edit_refusal",
    "indicator_update",
    "reminders_send",
    "digests_send",
    "notification_preferences_of",
    "notification_preferences_set",
    "preference_refusal",
    "require_subject_manager",
    "require_update_editable",
    "schedule_save",
    "subject_manage_refusal",
    "update_accept",
    "update_edit",
    "update_edit_refusal",
    "update_reopen",
    "update_request_changes",
    "update_resubmit",
    "update_start",
    "update_submit",
    "update_transition",
]
