from django.core.management.base import BaseCommand, CommandError

from partnerships.importing import command_import, command_user, read_dataset
from reporting.resources import resource_kinds


class Command(BaseCommand):
    help = (
        "Import organisations (also a GIAS school list), partnerships, projects, awards, payments or "
        "indicator results from .csv, .xlsx or .json. All or nothing; re-importing updates."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(resource_kinds()))
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
        parser.add_argument("--user", help="who is importing (an administrator or programme manager)")
        parser.add_argument(
            "--include-closed",
            action="store_true",
            help="organisations from a GIAS extract: keep closed establishments and trusts, marked closed "
            "with their close date (without it they are left out and counted)",
        )

    def handle(self, *args, kind, file, dry_run=False, user=None, include_closed=False, **options):
        actor = command_user(user, required=True)
        try:
            dataset = read_dataset(file)
        except (OSError, ValueError) as error:
            raise CommandError(f"Could not read {file}: {error}") from None
        extra = {"include_closed": include_closed} if kind == "organisations" else {}
        command_import(self, resource_kinds()[kind](user=actor, **extra), dataset, path=file, dry_run=dry_run)
