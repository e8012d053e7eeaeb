"""Background rendering of large impact reports (partnership, portfolio).

The web process gathers the data (scoped to the reader) and renders the HTML; the task only turns
that HTML into a PDF and stores it, so the worker never re-decides who may see what. With no broker
configured CELERY_TASK_ALWAYS_EAGER is on and this runs in-process.
"""

from celery import shared_task
from django.core.cache import cache


@shared_task(name="reporting.render_report_pdf", ignore_result=True)
def render_report_pdf(storage_path: str, html: str, pending_key: str = "") -> str:
    from .reports import store_pdf

    try:
        return store_pdf(storage_path, html)
    finally:
        if pending_key:
            cache.delete(pending_key)
