from django.core.management import BaseCommand

from reporting import due_rows


class Command(BaseCommand):
    help = (
        "Work every kept due period (reporting.DueRow) and its tally out again from the schedules, extra dates, "
        "extensions and updates, and say how many were wrong (they are put right)."
    )

    def handle(self, *args, **options):
        wrong = due_rows.recount()
        if wrong:
            self.stdout.write(self.style.WARNING(f"{wrong} due period rows or tally rows were wrong; put right."))
        else:
            self.stdout.write(self.style.SUCCESS("The kept due periods agree with the schedules and updates."))
