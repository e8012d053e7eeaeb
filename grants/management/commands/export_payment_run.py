from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts import roles
from grants.money import services
from grants.money.exports import FORMATS
from partnerships.importing import command_user
from partnerships.models import Organisation
from workflow.errors import TransitionRefused


class Command(BaseCommand):
    help = (
        "Send the approved payments due by a date to finance as one payment run: writes the file (Xero's bill "
        "import columns by default) and marks each payment as exported, so none goes to finance twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--due-by", required=True, help="the last due date to include, YYYY-MM-DD")
        parser.add_argument("--format", default="xero", choices=sorted(FORMATS), help="the finance system's format")
        parser.add_argument("-o", "--output", required=True, help="the file to write, e.g. run.csv")
        parser.add_argument("--user", required=True, help="the programme manager sending the run")
        parser.add_argument(
            "--organisation",
            help="the managing organisation's id or exact name (needed when the user manages several)",
        )

    def handle(self, *args, due_by, format, output, user, organisation=None, **options):
        try:
            day = date.fromisoformat(due_by)
        except ValueError:
            raise CommandError(f"--due-by “{due_by}” is not a date: write it as YYYY-MM-DD.") from None
        actor = command_user(user, required=True)
        org = self._organisation(actor, organisation)
        try:
            run = services.payment_run_export(actor=actor, organisation=org, due_by=day, format=format)
        except (TransitionRefused, ValidationError) as error:
            raise CommandError(getattr(error, "reason", None) or " ".join(error.messages)) from None
        Path(output).write_text(run.content, encoding="utf-8", newline="")
        self.stdout.write(
            f"Payment run {run.pk}: {run.payment_count} payments, £{run.total:,.2f}, written to {output} "
            f"({FORMATS[format].label}). They are marked as sent to finance."
        )

    def _organisation(self, actor, given):
        managed = Organisation.objects.filter(pk__in=roles.of(actor).manager_orgs)
        if roles.of(actor).is_admin:
            managed = Organisation.objects.filter(managed_programmes__isnull=False).distinct()
        if given:
            found = managed.filter(pk=int(given)) if given.isdigit() else managed.filter(name=given)
            if not found:
                raise CommandError(f"{actor.username} does not manage the programmes of “{given}”.")
            return found.get()
        if managed.count() != 1:
            names = ", ".join(f"{o.pk} {o.name}" for o in managed[:10]) or "none"
            raise CommandError(f"Say which organisation's payments to send with --organisation ({names}).")
        return managed.get()
