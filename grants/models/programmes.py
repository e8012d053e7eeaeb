"""Funding programmes and their running totals (kept by the award and payment services)."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from partnerships.models import Organisation, Partnership
from workflow.dates import grant_date
from workflow.text import text_field

from .common import MONEY, ZERO


class FundingProgramme(models.Model):
    name = models.CharField(max_length=200, unique=True)
    funder = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="funded_programmes")
    managed_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="managed_programmes",
        help_text="The organisation whose programme managers assess and approve awards.",
    )
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.PROTECT, related_name="programmes"
    )
    budget = models.DecimalField(**MONEY, validators=[MinValueValidator(ZERO)])
    currency = models.CharField(max_length=3, default="GBP")
    opens_on = models.DateField(validators=[grant_date])
    closes_on = models.DateField(validators=[grant_date])
    identifier_prefix = models.CharField(
        max_length=40,
        help_text="360Giving prefix for award identifiers, e.g. 360G-WMEX. Awards are numbered under it.",
    )
    description = text_field(blank=True)
    code = models.CharField(
        max_length=100,
        blank=True,
        help_text="The funder's own code for the programme (360Giving Grant Programme:Code).",
    )
    # Running totals, kept by the award and payment services in the same transaction as the change,
    # so dashboards need not sum every award; the constraints make the database refuse any write
    # that would take a programme past its budget.
    committed_amount = models.DecimalField(**MONEY, default=ZERO, editable=False)
    paid_amount = models.DecimalField(**MONEY, default=ZERO, editable=False)
    line_tolerance = models.DecimalField(
        "budget line tolerance (%)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text="Spend may run over an approved budget line by this share before a variation is needed "
        "(left empty: 10%).",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="programme_budget_not_negative"),
            models.CheckConstraint(
                condition=Q(committed_amount__gte=0) & Q(committed_amount__lte=F("budget")),
                name="programme_committed_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0) & Q(paid_amount__lte=F("committed_amount")),
                name="programme_paid_within_committed",
            ),
            models.CheckConstraint(condition=Q(closes_on__gt=F("opens_on")), name="programme_closes_after_opening"),
        ]

    def __str__(self):
        return self.name

    @property
    def tolerance(self) -> Decimal:
        """The budget line tolerance in per cent (10% unless the programme sets its own)."""
        return Decimal("10.00") if self.line_tolerance is None else self.line_tolerance

    def recount_totals(self) -> tuple[Decimal, Decimal]:
        """The running totals worked out from the awards, shares and payments themselves (the reconciliation)."""
        from ..money.cofunding.selectors import programme_paid

        return self.committed_total(), programme_paid(self)

    def committed_total(self) -> Decimal:
        """Money promised: the awarded amount of every award approved and not declined or withdrawn, a
        co-funded award counting by this programme's share of it (grants/money/cofunding/)."""
        from ..money.cofunding.selectors import programme_committed

        return programme_committed(self)


# The totals count awards and payments, whose models name this one (a cycle Python resolves here).
