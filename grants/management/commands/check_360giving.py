from django.core.management.base import BaseCommand, CommandError

from grants import giving360
from grants.giving360 import quality


class Command(BaseCommand):
    help = (
        "Run 360Giving's data-quality checks (accuracy and usefulness) on a 360Giving file, or, without one, "
        "on what export_360giving would publish. Exits with an error when a critical check fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="a 360Giving .json, .csv or .xlsx file (default: the export)")

    def handle(self, *args, file=None, **options):
        if file:
            try:
                grants = giving360.read_path(file).grants
            except (OSError, ValueError) as error:
                raise CommandError(f"Could not read {file}: {error}") from None
            what = file
        else:
            grants = giving360.package(giving360.published_awards())["grants"]
            what = "what export_360giving would publish"
        results = quality.run_checks(grants)
        self.stdout.write(f"360Giving quality checks on {what}: {len(grants):,} grants.")
        for result in quality.failed(results):
            self.stdout.write(result.line())
        passed = len(results) - len(quality.failed(results))
        self.stdout.write(f"{passed} of {len(results)} checks passed.")
        blocking = quality.critical(results)
        if blocking:
            raise CommandError(
                f"{len(blocking)} critical check(s) failed: "
                + "; ".join(r.check.heading for r in blocking)
                + ". Correct these before publishing."
            )
