"""Calls for applications, the applications teams write to them, and how assessors judge them.

An application is an award in draft (grants.Award) with what assessment adds: its call, the
organisations bidding with the lead, its sections, and the panel's decision. Assessors are people with
an assignment to an application; whether they may open it follows from their declaration and from the
conflicts Exchange finds itself (assessment/scopes.py, the one rule)."""

from .applications import Application, ApplicationOrganisation
from .assessments import Assignment, Conflict, Score
from .calls import SIZE_BANDS, Call, Criterion
from .files import Attachment, EditingPlace

__all__ = [
    "SIZE_BANDS",
    "Application",
    "ApplicationOrganisation",
    "Assignment",
    "Attachment",
    "Call",
    "Conflict",
    "Criterion",
    "EditingPlace",
    "Score",
]
