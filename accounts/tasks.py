"""The daily retention run (celery beat, CELERY_BEAT_SCHEDULE): the same as `manage.py apply_retention`."""

from celery import shared_task

from . import retention


@shared_task(name="accounts.apply_retention", ignore_result=True)
def apply_retention() -> dict[str, int]:
    return retention.apply()
