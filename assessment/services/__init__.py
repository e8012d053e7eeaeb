"""Every write on calls, applications, assessments and panel decisions, split by concern.

State changes go through workflow.apply_transition (an assignment's declaration, submission and
reopening) or through grants' own award services (submitting, assessing, approving, declining an award),
so the transition log, the money log and the budget guard are the ones every other door uses.
The names are re-exported here: `from assessment import services; services.panel_decide(...)`."""

from .applications import (
    AWARD_FIELDS,
    SECTION_FIELDS,
    application_edit_refusal,
    application_start,
    application_submit,
    application_update,
    interest_decide,
)
from .assessments import (
    assessment_declare,
    assessment_reopen,
    assessment_submit,
    assessor_assign,
    assignment_transition,
    scores_save,
)
from .calls import CALL_FIELDS, call_create, call_update
from .common import _require_manager
from .criteria import criterion_add
from .panel import feedback_share, panel_decide
from .team import application_add_organisation, application_remove_organisation

__all__ = [
    "AWARD_FIELDS",
    "CALL_FIELDS",
    "SECTION_FIELDS",
    "_require_manager",
    "application_add_organisation",
    "application_edit_refusal",
    "application_remove_organisation",
    "application_start",
    "application_submit",
    "application_update",
    "assessment_declare",
    "assessment_reopen",
    "assessment_submit",
    "assessor_assign",
    "assignment_transition",
    "call_create",
    "call_update",
    "criterion_add",
    "feedback_share",
    "interest_decide",
    "panel_decide",
    "scores_save",
]
