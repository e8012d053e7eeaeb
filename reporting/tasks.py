"""Celery tasks for reporting. With no broker configured CELERY_TASK_ALWAYS_EAGER is on and they run in-process.

Background rendering of large impact reports (partnership, portfolio): the web process gathers the data
(scoped to the reader) and renders the HTML; the task only turns that HTML into a PDF and stores it, so
the worker never re-decides who may see what.

The daily reminder run (celery beat, CELERY_BEAT_SCHEDULE): the same as `manage.py send_reminders`; then
the daily digest (`reporting.send_digests`) for people who chose one.
"""

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from .reports import ReportFailed, store_pdf
from .services import digests_send, reminders_send


@shared_task(
    name="reporting.render_report_pdf",
    ignore_result=True,
    # A report always finishes within a bound: past the soft limit the render stops and its failure is
    # kept (shown once, with a way to try again); the hard limit ends a render that ignores the soft one.
    soft_time_limit=settings.REPORT_TIME_LIMIT,
    time_limit=settings.REPORT_TIME_LIMIT + 30,
)
def render_report_pdf(storage_path: str, html: str, pending_key: str = "") -> str:
    try:
        return store_pdf(storage_path, html)
    except ReportFailed:
        return ""  # the reason is stored beside the report; retrying it is the reader's choice
    finally:
        if pending_key:
            cache.delete(pending_key)


@shared_task(name="reporting.send_reminders")
def send_reminders(today: str | None = None) -> dict:
    """Email partners before and after due dates and managers about overdue work; safe to repeat."""
    return reminders_send(today=dt.date.fromisoformat(today) if today else None)


@shared_task(name="reporting.send_digests")
def send_digests() -> int:
    """Email each person who chose the daily digest one email with their waiting reminders; safe to repeat."""
    return digests_send()
