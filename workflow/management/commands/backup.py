from django.core.management import BaseCommand, call_command

from workflow.backup import BACKED_UP, DERIVED, summary


class Command(BaseCommand):
    help = "Export everything (organisations, partnerships, awards, payments, updates, history, users) for backup."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="File to write: .json, or .json.gz to compress.")

    def handle(self, *args, output, **options):
        call_command(
            "dumpdata",
            *BACKED_UP,
            natural_foreign=True,
            output=output,
            verbosity=0,
            exclude=["auth.permission", *DERIVED],
        )
        for name, value in summary().items():
            self.stdout.write(f"  {name}: {value}")
        self.stdout.write(self.style.SUCCESS(f"Backup written to {output}."))
