from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from grants import giving360
from grants.giving360.errors_file import write_rejected
from partnerships.importing import command_user


class Command(BaseCommand):
    help = (
        "Import a funder's published 360Giving file (a JSON data package, or the flat .csv/.xlsx with the "
        "standard's column titles). All or nothing unless --skip-bad-rows; problems are grouped by cause."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help="who is importing (an administrator or programme manager)")
        parser.add_argument("--dry-run", action="store_true", help="the preview: check everything, write nothing")
        parser.add_argument(
            "--as-awarded",
            action="store_true",
            help="grants already made: approved, active or closed by their dates (default: draft applications)",
        )
        parser.add_argument("--programme", default="", help="put every grant in this programme (created if new)")
        parser.add_argument(
            "--skip-bad-rows", action="store_true", help="import the rows that are right; write the others to a file"
        )
        parser.add_argument("--errors-to", help="write the rows with problems, and why, to this file")

    def handle(self, *args, file, user=None, dry_run=False, as_awarded=False, programme="", **options):
        actor = command_user(user, required=True)
        skip, errors_to = options["skip_bad_rows"], options.get("errors_to")
        try:
            source = giving360.read_path(file)
        except (OSError, ValueError) as error:
            raise CommandError(f"Could not read {file}: {error}") from None
        outcome = giving360.import_grants(
            source, actor=actor, dry_run=dry_run, as_awarded=as_awarded, programme=programme, skip_bad_rows=skip
        )
        for line in outcome.report():
            self.stdout.write(line)
        for line in outcome.problem_lines():
            self.stderr.write(line)
        if outcome.bad_rows and (errors_to or skip):
            path = Path(errors_to) if errors_to else default_errors_path(file)
            write_rejected(source, outcome.problems, path)
            self.stderr.write(f"The {len(outcome.bad_rows):,} {source.noun}(s) with problems, and why: {path}")
        if outcome.problems and not (skip and outcome.bad_rows and all(p.row for p in outcome.problems)):
            raise CommandError(outcome.summary())
        self.stdout.write(outcome.summary())


def default_errors_path(file) -> Path:
    path = Path(file)
    return path.with_name(f"{path.stem}-problems{path.suffix}")
