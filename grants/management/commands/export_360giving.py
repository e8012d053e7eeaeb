from django.core.management.base import BaseCommand, CommandError

from grants import giving360
from partnerships.importing import command_user


class Command(BaseCommand):
    help = (
        "Publish approved and later awards in the 360Giving Data Standard: a data package (.json) "
        "or the flat spreadsheet columns (.csv, .xlsx), chosen by the file name."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="grants.json, grants.csv or grants.xlsx")
        parser.add_argument("--user", help="export only what this person may see (default: everything)")

    def handle(self, *args, output, user=None, **options):
        if not output.lower().endswith((".json", ".csv", ".xlsx")):
            raise CommandError("Name the output .json, .csv or .xlsx.")
        count = giving360.export(output, user=command_user(user, required=False))
        self.stdout.write(f"Wrote {count} grants to {output} (360Giving {giving360.VERSION}).")
