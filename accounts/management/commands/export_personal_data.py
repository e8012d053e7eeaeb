"""Everything Exchange holds about one person, as a JSON file: `manage.py export_personal_data --user U -o FILE`."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import personal_data


def find_user(value: str):
    User = get_user_model()
    user = User.objects.filter(username=value).first()
    if user is None and value.isdigit():
        user = User.objects.filter(pk=int(value)).first()
    if user is None:
        user = User.objects.filter(email__iexact=value).first() if "@" in value else None
    if user is None:
        raise CommandError(f"No person with the username, id or email {value!r}.")
    return user


class Command(BaseCommand):
    help = "Write everything Exchange holds about one person (UK GDPR subject access) to a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="Username, id or email address of the person.")
        parser.add_argument("-o", "--output", required=True, help="The file to write ('-' for standard output).")

    def handle(self, *args, **options):
        user = find_user(options["user"])
        text = personal_data.export_recorded(user=user, actor=None, how="command line")
        if options["output"] == "-":
            self.stdout.write(text)
            return
        with open(options["output"], "w", encoding="utf-8") as out:
            out.write(text)
        self.stderr.write(f"Personal data of {user.get_username()} written to {options['output']}.")
