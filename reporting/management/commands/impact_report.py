"""`python manage.py impact_report --award 360G-WMCP-00003 -o award.pdf` (or --project, --partnership,
--portfolio): write an impact report to a file. Reads everything, like an administrator, unless
--as-user names a person whose view the report should take. --from 2025-04-01 --to 2026-03-31: only that
period (the pages' rule: both or neither)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from partnerships.selectors import partnership_list
from reporting import reports
from reporting.forms import ReportPeriodForm


class Command(BaseCommand):
    help = "Write a PDF impact report for an award, a project, a partnership or a funder's portfolio."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--award", metavar="IDENTIFIER", help="the award's 360Giving identifier (or its id)")
        which.add_argument("--project", metavar="ID_OR_REFERENCE", help="the project's id or reference")
        which.add_argument("--partnership", metavar="ID", help="the partnership's id (or its exact name)")
        which.add_argument("--portfolio", metavar="ORG_ID", help="the funder's org-id identifier (or its id)")
        parser.add_argument("-o", "--output", help="file to write (default: the report's own file name)")
        parser.add_argument("--as-user", metavar="USERNAME", help="see only what this person may see")
        parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first day of the period to report on")
        parser.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="last day of the period to report on")

    def handle(self, *args, **options):
        user = self._reader(options["as_user"])
        form = ReportPeriodForm({"from": options["start"] or "", "to": options["end"] or ""})
        if not form.is_valid():
            raise CommandError(" ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()))
        try:
            report = self._report(user, options, form.period)
        except reports.ReportNotFound as missing:
            raise CommandError(str(missing)) from missing
        output = Path(options["output"] or report.filename)
        output.write_bytes(reports.pdf_bytes(report))
        totals = report.data["totals"]
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {output} ({output.stat().st_size:,} bytes)")
            + f": {report.data['title']}, {totals['awards']} award(s), £{totals['awarded']:,.2f} awarded."
        )

    def _reader(self, username):
        if not username:
            return reports.system_reader()
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as missing:
            raise CommandError(f"No user called {username!r}.") from missing

    def _report(self, user, options, period):
        if options["award"]:
            value = options["award"]
            if value.isdigit():
                return reports.award_report(user=user, pk=int(value), period=period)
            return reports.award_report(user=user, identifier=value, period=period)
        if options["project"]:
            return reports.project_report(user=user, reference=options["project"], period=period)
        if options["partnership"]:
            value = options["partnership"]
            if not value.isdigit():
                match = partnership_list(user=user).filter(name=value).values_list("pk", flat=True).first()
                if match is None:
                    raise reports.ReportNotFound(f"No partnership called {value!r}.")
                value = match
            return reports.partnership_report(user=user, pk=int(value), period=period)
        value = options["portfolio"]
        if value.isdigit():
            return reports.portfolio_report(user=user, pk=int(value), period=period)
        return reports.portfolio_report(user=user, identifier=value, period=period)
