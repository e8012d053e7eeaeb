"""Derived figures the reach page reads instead of every award (kept by triggers: reporting/tallies.py)."""

from decimal import Decimal

from django.db import models


class ReachTally(models.Model):
    """Awards and money awarded per programme, stage, archived-or-not and the recipient's local authority.

    Kept by database triggers on awards (and on an organisation moving to another local authority), so
    `/reach/` sums a few rows per authority instead of every award; `reporting.tallies.recount` works them
    out again from the awards and reports any drift. Derived data: left out of backups, rebuilt on restore.
    `local_authority_id` 0 stands for a recipient with no local authority. The programme is a foreign key
    without a database constraint (a derived row must never block deleting or emptying a table)."""

    programme = models.ForeignKey(
        "grants.FundingProgramme", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    state = models.CharField(max_length=30)
    archived = models.BooleanField()
    local_authority_id = models.BigIntegerField()
    awards = models.BigIntegerField(default=0)
    awarded = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0.00"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "state", "archived", "local_authority_id"], name="reach_tally_one_per_key"
            )
        ]

    def __str__(self):
        return f"{self.programme_id} {self.state} LA {self.local_authority_id}: {self.awards}"


class ProjectTally(models.Model):
    """Projects per partnership, stage, archived-or-not and the lead organisation's local authority, with
    the settings and children they reach: what the project pipeline and `/reach/` read for a programme
    manager instead of every project. Kept by triggers like `ReachTally` (reporting/tallies.py);
    `local_authority_id` 0 stands for a lead organisation with no local authority."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    state = models.CharField(max_length=30)
    archived = models.BooleanField()
    local_authority_id = models.BigIntegerField()
    projects = models.BigIntegerField(default=0)
    settings = models.BigIntegerField(default=0)
    children = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "state", "archived", "local_authority_id"], name="project_tally_one_per_key"
            )
        ]

    def __str__(self):
        return f"{self.partnership_id} {self.state} LA {self.local_authority_id}: {self.projects}"


class PaymentTally(models.Model):
    """Payments per programme, stage and due date, with their money: what the payments due and overdue
    figures read for a programme manager or funder instead of every payment. Kept by triggers on payments
    (and on an award moving programme) like the other tallies (reporting/tallies.py)."""

    programme = models.ForeignKey(
        "grants.FundingProgramme", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    state = models.CharField(max_length=20)
    due_on = models.DateField()
    payments = models.BigIntegerField(default=0)
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0.00"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "state", "due_on"], name="payment_tally_one_per_key")
        ]

    def __str__(self):
        return f"{self.programme_id} {self.state} {self.due_on}: {self.payments}"
