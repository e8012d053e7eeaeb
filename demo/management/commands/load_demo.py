"""`python manage.py load_demo [--today YYYY-MM-DD]`: the West Midlands demo, safe to run again."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.models import OrganisationMembership
from demo.loader import Loader
from demo.replay import ScenarioError
from grants.models import Award, FundingProgramme, Payment
from partnerships.models import (
    LocalAuthority,
    Organisation,
    Partnership,
    PartnershipMember,
    Project,
    ProjectPartner,
    Region,
    SubRegion,
)
from reporting.models import Evaluation, Indicator, IndicatorResult, ProgressUpdate
from workflow.models import MoneyChange, TransitionLog

COUNTED = [
    Region,
    SubRegion,
    LocalAuthority,
    Organisation,
    get_user_model(),
    OrganisationMembership,
    Partnership,
    PartnershipMember,
    FundingProgramme,
    Project,
    ProjectPartner,
    Award,
    Payment,
    Indicator,
    ProgressUpdate,
    IndicatorResult,
    Evaluation,
    TransitionLog,
    MoneyChange,
]


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--today must be a date like 2027-03-01, not {text!r}.") from error


class Command(BaseCommand):
    help = "Load the West Midlands and East Midlands demo scenario (safe to run again) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=_day,
            help="Load the scenario as of this day (YYYY-MM-DD) instead of today: its dates count from it.",
        )

    def handle(self, *args, today=None, **options):
        before = {model: model.objects.count() for model in COUNTED}
        try:
            loader = Loader(today=today).load()
        except ScenarioError as error:
            raise CommandError(str(error)) from error
        self.report(before, loader)

    def report(self, before, loader):
        write = self.stdout.write
        write(self.style.SUCCESS(f"Demo data loaded (dates as of {loader.today:%d %B %Y})."))
        for model in COUNTED:
            total = model.objects.count()
            added = total - before[model]
            write(
                f"  {model._meta.verbose_name_plural.capitalize():<28} {total:>5}" + (f"  (+{added})" if added else "")
            )
        write("")
        write("Programmes (committed / budget):")
        for programme in FundingProgramme.objects.order_by("name"):
            write(f"  {programme.name:<48} £{programme.committed_total():>12,.2f} / £{programme.budget:>12,.2f}")
        write("")
        password = settings.DEMO_PASSWORD
        write(f"Demo logins (password for all: {password}):")
        header = f"  {'username':<10} {'role':<14} {'organisation':<40} password"
        write(header)
        write("  " + "-" * (len(header) - 2))
        for person in loader.logins:
            if not person["listed"]:
                continue
            for i, membership in enumerate(person["memberships"]):
                name = loader.orgs[membership["organisation"]].name
                if i == 0:
                    write(f"  {person['username']:<10} {membership['role']:<14} {name:<40} {password}")
                else:
                    write(f"  {'':<10} {membership['role']:<14} {name}")
        others = [person["username"] for person in loader.logins if not person["listed"]]
        write(f"  Other partner logins (same password): {', '.join(others)}")
