"""Erase a person (UK GDPR): `manage.py erase_person --user U`. Their details become a pseudonym everywhere;
the transition and money logs keep the pseudonym, so every total still adds up."""

from django.core.management.base import BaseCommand, CommandError

from accounts import personal_data

from .export_personal_data import find_user


class Command(BaseCommand):
    help = "Replace a person's personal details by a pseudonym everywhere (history and money logs are kept)."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="Username, id or email address of the person.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, **options):
        user = find_user(options["user"])
        refusal = personal_data.erase_refusal(user=user, actor=None)
        if refusal:
            raise CommandError(refusal)
        if not options["yes"] and options.get("interactive", True):
            answer = input(f"Erase {user.get_username()}? This cannot be undone. Type 'yes' to continue: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing erased.")
        erased = personal_data.erase(user=user, actor=None)
        self.stdout.write(f"Erased: the person is now {erased.pseudonym} (username {erased.user.get_username()}).")
