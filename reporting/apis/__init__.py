"""Reporting's REST API, one module per resource group: indicators, updates (with results, reach and
evidence uploads), evidence (files), evaluations, schedules (with due periods), reports (PDF downloads).
The history of state and money changes is workflow's (workflow.apis.history)."""

from .evaluations import EvaluationViewSet
from .evidence import EvidenceViewSet
from .indicators import IndicatorViewSet
from .schedules import ScheduleViewSet
from .updates import ProgressUpdateViewSet

__all__ = ["EvaluationViewSet", "EvidenceViewSet", "IndicatorViewSet", "ProgressUpdateViewSet", "ScheduleViewSet"]
