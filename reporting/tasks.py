"""Celery tasks for reporting. With no CELERY_BROKER_URL they run in-process (see config/celery.py)."""

from celery import shared_task


@shared_task(name="reporting.send_reminders")
def send_reminders(today: str | None = None) -> dict:
    """The daily reminder run, for Celery beat; the same as `manage.py send_reminders`."""
    import datetime as dt

    from .services import reminders_send

    return reminders_send(today=dt.date.fromisoformat(today) if today else None)
