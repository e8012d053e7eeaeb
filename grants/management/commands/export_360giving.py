from django.core.management.base import BaseCommand, CommandError

from grants import giving360
from grants.giving360 import quality
from partnerships.importing import command_user


class Command(BaseCommand):
    help = (
        "Publish approved and later awards in the 360Giving Data Standard: a data package (.json) "
        "or the flat spreadsheet columns (.csv, .xlsx), chosen by the file name. Refuses while a critical "
        "360Giving quality check fails (see check_360giving), unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="grants.json, grants.csv or grants.xlsx")
        parser.add_argument("--user", help="export only what this person may see (default: everything)")
        parser.add_argument("--force", action="store_true", help="publish even when a critical quality check fails")

    def handle(self, *args, output, user=None, force=False, **options):
        if not output.lower().endswith((".json", ".csv", ".xlsx")):
            raise CommandError("Name the output .json, .csv or .xlsx.")
        actor = command_user(user, required=False)
        awards = list(giving360.published_awards(user=actor))
        blocking = quality.critical(quality.run_checks([giving360.grant(a) for a in awards]))
        if blocking and not force:
            for result in blocking:
                self.stderr.write(result.line())
            raise CommandError(
                "Not published: a critical 360Giving quality check fails (above). Correct the awards, "
                "or publish anyway with --force."
            )
        count = giving360.export(output, user=actor)
        self.stdout.write(f"Wrote {count} grants to {output} (360Giving {giving360.VERSION}).")
