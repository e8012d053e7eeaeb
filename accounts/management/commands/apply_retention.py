"""Run the retention rules now (the worker runs them daily): drafts never submitted removed after
EXCHANGE_RETENTION_DRAFT_DAYS, accounts idle for EXCHANGE_RETENTION_IDLE_DAYS deactivated, each logged."""

from django.core.management.base import BaseCommand

from accounts import retention


class Command(BaseCommand):
    help = "Remove old drafts never submitted and deactivate idle accounts (each logged in the audit log)."

    def handle(self, *args, **options):
        counts = retention.apply()
        self.stdout.write("Retention rules run: " + ", ".join(f"{n} {name}" for name, n in counts.items()) + ".")
