"""PDF impact reports: one award, one project, one partnership, or a funder's whole portfolio.

Three steps, kept apart so each can be measured and tested:

1. gather: every figure the report shows, read through the scoped selectors (so a report shows
   exactly what its reader may see), in a fixed number of queries however many awards it covers;
2. fingerprint: a hash of the gathered data and of the report templates. A report is stored in file
   storage under `reports/<kind>/<fingerprint>.pdf`, so the same data is never rendered twice and any
   change the report would show (a payment, an accepted update, a transition) gives a new key;
3. render: HTML from `templates/reports/`, then WeasyPrint (imported lazily: ~0.5 s once per process).
   Partnership and portfolio reports render in a Celery task when a broker is configured.

Figures, as the report footnotes explain them:
- awarded: the amount awarded on every approved award (approved, active, suspended, in evaluation, closed);
- paid: payments marked paid; reported spend: each award's spend to date in its latest accepted update;
- settings and children reached: the latest accepted update of each award and project (a project's own
  recorded figures when it has none); an award that funds a project is the same piece of work, counted
  once, at the larger figure;
- indicator actuals: accepted updates only. Cumulative indicators add up their results; the others take
  the result of the latest period. Breakdowns (disadvantaged pupils, SEND…) follow the same rule part by part;
- a period (from–to, optional): only what happened in it (see period.py); spend is spend in the period
  (the latest spend to date in it less the latest before it); the budget against actual stays whole-life.
"""

from .gather import gather
from .items import NOT_RECORDED
from .period import Period
from .store import (
    LARGE_KINDS,
    Report,
    ReportFailed,
    broker_configured,
    failure,
    fingerprint,
    is_ready,
    pdf_bytes,
    prepare,
    render_html,
    render_pdf,
    retry,
    store_pdf,
)
from .subjects import (
    KINDS,
    ReportNotFound,
    award_report,
    partnership_report,
    portfolio_funder,
    portfolio_funders,
    portfolio_report,
    project_report,
    report_choices,
    report_for,
    system_reader,
)

__all__ = [
    "KINDS",
    "LARGE_KINDS",
    "NOT_RECORDED",
    "Period",
    "Report",
    "ReportNotFound",
    "award_report",
    "broker_configured",
    "fingerprint",
    "gather",
    "is_ready",
    "partnership_report",
    "pdf_bytes",
    "ReportFailed",
    "failure",
    "retry",
    "portfolio_funder",
    "portfolio_funders",
    "portfolio_report",
    "prepare",
    "project_report",
    "render_html",
    "render_pdf",
    "report_choices",
    "report_for",
    "store_pdf",
    "system_reader",
]
