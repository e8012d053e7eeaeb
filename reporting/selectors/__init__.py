"""Every read in reporting, already scoped to what the person may see, one module per concern:

- scopes.py: who sees which updates (the rule every list below is built on);
- updates.py: updates, their results and evidence, the review queue;
- schedules.py: schedules and due periods, what is owed and what needs chasing;
- indicators.py: indicators, actuals from accepted updates, roll-ups;
- evaluations.py: evaluations and the "what works" library;
- dashboards.py: the figures and charts behind the dashboards and the reach page.

The history of state and money changes is workflow's (workflow.selectors)."""

from ..periods import DuePeriod, build_periods
from .due_rows import OUTSTANDING
from .evaluations import evaluation_list, lesson_list
from .indicators import (
    IndicatorActual,
    RollupRow,
    indicator_actuals,
    indicator_list,
    indicator_rollup,
    indicators_for_update,
    subject_indicators,
)
from .schedules import (
    REPORTING_AWARD_STATES,
    REPORTING_PROJECT_STATES,
    default_schedule,
    due_period_list,
    periods_for_subjects,
    reporting_awards,
    reporting_projects,
    schedule_for,
    schedule_list,
)
from .scopes import award_or_project, update_scope
from .updates import evidence_get, evidence_list, indicator_result_list, review_queue, update_get, update_list

__all__ = [
    "OUTSTANDING",
    "REPORTING_AWARD_STATES",
    "REPORTING_PROJECT_STATES",
    "DuePeriod",
    "IndicatorActual",
    "RollupRow",
    "award_or_project",
    "build_periods",
    "default_schedule",
    "due_period_list",
    "evaluation_list",
    "evidence_get",
    "evidence_list",
    "indicator_actuals",
    "indicator_list",
    "indicator_result_list",
    "indicator_rollup",
    "indicators_for_update",
    "lesson_list",
    "periods_for_subjects",
    "reporting_awards",
    "reporting_projects",
    "review_queue",
    "schedule_for",
    "schedule_list",
    "subject_indicators",
    "update_get",
    "update_list",
    "update_scope",
]
