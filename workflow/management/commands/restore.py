from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError, call_command
from django.db import transaction

from workflow.backup import summary
from workflow.signals import restored


class Command(BaseCommand):
    help = "Restore a backup made with `manage.py backup` into an empty, migrated database (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        # By name: partnerships sits above workflow.
        if apps.get_model("partnerships.Organisation").objects.exists() or get_user_model().objects.exists():
            raise CommandError(
                "This database already holds data. Restore only into an empty database "
                "(create it, run `manage.py migrate`, then restore)."
            )
        with transaction.atomic():
            call_command("loaddata", file, verbosity=0)
            restored.send(sender=None)  # what is derived, not backed up, is worked out again
        for name, value in summary().items():
            self.stdout.write(f"  {name}: {value}")
        self.stdout.write(self.style.SUCCESS(f"Restored from {file}."))
