from django.core.management.base import BaseCommand, CommandError

from grants import giving360
from partnerships.importing import command_import, command_user


class Command(BaseCommand):
    help = (
        "Import grants from a 360Giving file (flat .csv/.xlsx, or a .json data package) as draft awards. "
        "All or nothing: a file with any problem writes nothing and lists each problem by row and column."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
        parser.add_argument("--user", help="who is importing (an administrator or programme manager)")

    def handle(self, *args, file, dry_run=False, user=None, **options):
        actor = command_user(user, required=True)
        try:
            dataset = giving360.read_360(file)
        except (OSError, ValueError) as error:
            raise CommandError(f"Could not read {file}: {error}") from None
        command_import(self, giving360.Giving360AwardResource(user=actor), dataset, path=file, dry_run=dry_run)
