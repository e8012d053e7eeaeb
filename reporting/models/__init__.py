"""Reporting's data, one module per concern: indicators, updates (with results, reach and evidence),
schedules (with extra due dates, extensions and sent reminders) and evaluations."""

from .due import DueRow, DueTally, Turn
from .evaluations import Evaluation
from .indicators import Indicator
from .notifications import Delivery, NotificationPreference
from .schedules import AdHocDueDate, DueDateExtension, ReportingSchedule, SentReminder
from .tallies import PaymentTally, ProjectTally, ReachTally
from .updates import (
    EVIDENCE_TYPES,
    EvidenceFile,
    IndicatorResult,
    ProgressUpdate,
    ReachByLocalAuthority,
    _evidence_path,  # named by migration 0002
)

__all__ = [
    "EVIDENCE_TYPES",
    "AdHocDueDate",
    "DueDateExtension",
    "Delivery",
    "DueRow",
    "DueTally",
    "Evaluation",
    "EvidenceFile",
    "Indicator",
    "IndicatorResult",
    "NotificationPreference",
    "PaymentTally",
    "ProgressUpdate",
    "ProjectTally",
    "ReachByLocalAuthority",
    "ReachTally",
    "ReportingSchedule",
    "SentReminder",
    "Turn",
    "_evidence_path",
]
