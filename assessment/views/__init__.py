"""Pages under /calls/: calls, the applications teams write, assessors' declarations and scores, the panel.
Thin: reading through selectors (assessment.scopes underneath), writing through services. Split by
concern; the names are re-exported here for assessment/urls.py."""

from .applications import (
    application_detail,
    application_organisation_add,
    application_organisation_remove,
    application_pdf,
    application_submit,
)
from .assessments import assessment_declare, assessment_detail, assessment_reopen
from .attachments import attachment_add, attachment_download, attachment_remove
from .calls import call_apply, call_create, call_detail, call_edit, call_list
from .criteria import criterion_add, criterion_edit, criterion_remove
from .decisions import application_assign, application_decide, application_feedback, application_interest
from .panel import call_export, call_panel
from .sections import application_edit, application_section
from .team import application_invitation

__all__ = [
    "application_assign",
    "application_decide",
    "application_detail",
    "application_edit",
    "application_feedback",
    "application_interest",
    "application_invitation",
    "application_organisation_add",
    "application_organisation_remove",
    "application_pdf",
    "application_section",
    "application_submit",
    "assessment_declare",
    "assessment_detail",
    "assessment_reopen",
    "attachment_add",
    "attachment_download",
    "attachment_remove",
    "call_apply",
    "call_create",
    "call_detail",
    "call_edit",
    "call_export",
    "call_list",
    "call_panel",
    "criterion_add",
    "criterion_edit",
    "criterion_remove",
]
