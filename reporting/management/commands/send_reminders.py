"""Email partners before and after their progress updates are due, and managers about overdue work.

Run it daily (cron, or the Celery beat task reporting.tasks.send_reminders). Running it again the same
day, or twice at once, sends nothing more: every reminder is recorded under a unique key.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from reporting.services import reminders_send


class Command(BaseCommand):
    help = "Send progress update reminders (before and after due dates) and overdue summaries to managers."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Act as if today were this date (YYYY-MM-DD); for catching up or testing.")

    def handle(self, *args, **options):
        today = None
        if options.get("today"):
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError("--today must be a date like 2026-03-31.") from error
        sent = reminders_send(today=today)
        self.stdout.write(
            f"Reminders sent: {sent['due_soon']} due soon, {sent['overdue']} overdue (partners), "
            f"{sent['manager_overdue']} overdue summaries (managers)."
        )
