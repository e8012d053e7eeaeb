from django.core.management.base import BaseCommand, CommandError

from partnerships.importing import command_user, format_for, write_dataset
from reporting.resources import resource_kinds


class Command(BaseCommand):
    help = "Export organisations, partnerships, projects, awards, payments or indicator results to .csv/.xlsx/.json."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(resource_kinds()))
        parser.add_argument("-o", "--output", required=True, help="a .csv, .xlsx or .json file")
        parser.add_argument("--user", help="export only what this person may see (default: everything)")

    def handle(self, *args, kind, output, user=None, **options):
        try:
            format_for(output)
        except ValueError as error:
            raise CommandError(str(error)) from None
        actor = command_user(user, required=False)
        resource = resource_kinds()[kind](user=actor)
        queryset = resource.export_queryset(user=actor)
        dataset = resource.export(queryset)
        write_dataset(dataset, output)
        self.stdout.write(f"Wrote {len(dataset)} {resource.kind} to {output}.")
