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
from .attachments import attachment_add, attachment_remove
from .calls import CALL_FIELDS, call_create, call_update
from .common import _require_manager
from .criteria import CRITERION_FIELDS, criteria_change_refusal, criterion_add, criterion_remove, criterion_update
from .panel import feedback_share, panel_decide
from .sections import editing_place, section_save
from .team import (
    application_add_organisation,
    application_remove_organisation,
    invitation_answer,
    invitation_answer_refusal,
)

__all__ = [
    "AWARD_FIELDS",
    "CALL_FIELDS",
    "CRITERION_FIELDS",
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
    "attachment_add",
    "attachment_remove",
    "call_create",
    "call_update",
    "criteria_change_refusal",
    "criterion_add",
    "criterion_remove",
    "criterion_update",
    "editing_place",
    "feedback_share",
    "interest_decide",
    "invitation_answer",
    "invitation_answer_refusal",
    "panel_decide",
    "scores_save",
    "section_save",
]
