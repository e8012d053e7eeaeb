"""Budget lines, spend by line, variations and payment runs (models of the grants app)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import ProtectedError, Q
from django_fsm import FSMField, FSMModelMixin, transition

from accounts import roles
from partnerships.models import Organisation
from workflow.dates import grant_date
from workflow.rules import guard
from workflow.text import NOTE, text_field

ZERO = Decimal("0.00")
MONEY = {"max_digits": 14, "decimal_places": 2}
MAX_YEARS = 10


class BudgetCategory(models.Model):
    """A line a programme's awards budget by (staffing, supply cover, training…), with the finance code."""

    programme = models.ForeignKey("grants.FundingProgramme", on_delete=models.PROTECT, related_name="budget_categories")
    name = models.CharField(max_length=100)
    finance_code = models.CharField(
        max_length=40, blank=True, help_text="The account or nominal code finance uses for this line (optional)."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Lines are shown in this order.")

    class Meta:
        app_label = "grants"
        verbose_name_plural = "budget categories"
        ordering = ["programme_id", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["programme", "name"], name="budget_category_unique_name")]

    def __str__(self):
        return f"{self.name} ({self.finance_code})" if self.finance_code else self.name


class BudgetLine(models.Model):
    """What an award budgets on one line in one year of the grant: asked for, then approved."""

    award = models.ForeignKey("grants.Award", on_delete=models.PROTECT, related_name="budget_lines")
    category = models.ForeignKey(BudgetCategory, on_delete=models.PROTECT, related_name="lines")
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_YEARS)], help_text="Year of the grant: 1, 2, 3…"
    )
    requested = models.DecimalField(**MONEY, default=ZERO)
    approved = models.DecimalField(
        **MONEY, null=True, blank=True, help_text="Fixed at approval; moved only by approved variations."
    )

    class Meta:
        app_label = "grants"
        ordering = ["award_id", "category__position", "category__name", "year"]
        constraints = [
            models.UniqueConstraint(fields=["award", "category", "year"], name="budget_line_one_per_year"),
            models.CheckConstraint(condition=Q(requested__gte=0), name="budget_line_requested_not_negative"),
            models.CheckConstraint(
                condition=Q(approved__isnull=True) | Q(approved__gte=0), name="budget_line_approved_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.category.name}, year {self.year}"


class SpendLine(models.Model):
    """Spend to date on one budget line, as a partner's progress update reports it."""

    update = models.ForeignKey("reporting.ProgressUpdate", on_delete=models.CASCADE, related_name="spend_lines")
    category = models.ForeignKey(BudgetCategory, on_delete=models.PROTECT, related_name="spend")
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(ZERO)])

    class Meta:
        app_label = "grants"
        ordering = ["update_id", "category__position", "category__name"]
        constraints = [
            models.UniqueConstraint(fields=["update", "category"], name="spend_line_one_per_category"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="spend_line_not_negative"),
        ]

    def __str__(self):
        return f"{self.category.name}: £{self.amount:,.2f}"


def _manages_variation(variation, user) -> bool:
    return roles.of(user).manages_programme(variation.award.programme)


def _requester_side(variation, user) -> bool:
    r = roles.of(user)
    return r.manages_programme(variation.award.programme) or r.is_partner_of(variation.award.recipient_id)


@guard(
    lambda v: (
        f"Variations can be decided only while the award is approved, active, suspended or in evaluation; "
        f"this award is {v.award.get_state_display().lower()}."
    )
)
def _award_is_open_to_variation(variation) -> bool:
    return variation.award.state in OPEN_TO_VARIATION


OPEN_TO_VARIATION = ("approved", "active", "suspended", "in_evaluation")


class Variation(FSMModelMixin, models.Model):
    """A change to an approved award, requested and decided as its own record."""

    class Kind(models.TextChoices):
        AMOUNT = "amount", "More or less money"
        REALLOCATION = "reallocation", "Money moved between budget lines"
        EXTENSION = "extension", "No-cost extension of the dates"
        SCOPE = "scope", "Change of scope"

    class State(models.TextChoices):
        REQUESTED = "requested", "Requested"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    award = models.ForeignKey("grants.Award", on_delete=models.PROTECT, related_name="variations")
    number = models.PositiveIntegerField(help_text="Variations are numbered 1, 2, 3… on each award.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = text_field("why it is needed")
    amount_change = models.DecimalField(
        **MONEY, default=ZERO, help_text="More money (positive) or less (negative); nothing for other kinds."
    )
    new_planned_end = models.DateField(validators=[grant_date], null=True, blank=True)
    scope_change = text_field("the change of scope", blank=True)
    state = FSMField(max_length=20, choices=State.choices, default=State.REQUESTED, protected=True, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = text_field(max_length=NOTE, blank=True)
    # Written when approved: the award's amount before and after, so the chain from the original amount
    # to today's can be read (and reconciled) in order.
    amount_before = models.DecimalField(**MONEY, null=True, blank=True)
    amount_after = models.DecimalField(**MONEY, null=True, blank=True)

    class Meta:
        app_label = "grants"
        ordering = ["award_id", "number"]
        constraints = [models.UniqueConstraint(fields=["award", "number"], name="variation_numbered_per_award")]

    def __str__(self):
        return f"Variation {self.number} on {self.award.identifier}: {self.get_kind_display().lower()}"

    def delete(self, *args, **kwargs):
        raise ProtectedError("Variations keep their history: withdraw or decline one instead.", {self})

    @transition(
        state,
        source=State.REQUESTED,
        target=State.APPROVED,
        conditions=[_award_is_open_to_variation],
        permission=_manages_variation,
        custom={"label": "Approve the variation", "style": "primary"},
    )
    def approve(self, *, at, by):
        self.decided_at = at
        self.decided_by = by

    @transition(
        state,
        source=State.REQUESTED,
        target=State.DECLINED,
        permission=_manages_variation,
        custom={"label": "Decline the variation", "note_required": True, "style": "warning"},
    )
    def decline(self, *, at, by):
        self.decided_at = at
        self.decided_by = by

    @transition(
        state,
        source=State.REQUESTED,
        target=State.WITHDRAWN,
        permission=_requester_side,
        custom={"label": "Withdraw the request", "note_required": True, "style": "warning"},
    )
    def withdraw(self, *, at, by):
        self.decided_at = at
        self.decided_by = by


class VariationLine(models.Model):
    """How a variation moves one budget line (the lines' changes add up to the variation's amount)."""

    variation = models.ForeignKey(Variation, on_delete=models.CASCADE, related_name="lines")
    category = models.ForeignKey(BudgetCategory, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(MAX_YEARS)])
    change = models.DecimalField(**MONEY)

    class Meta:
        app_label = "grants"
        ordering = ["variation_id", "category__position", "category__name", "year"]
        constraints = [
            models.UniqueConstraint(fields=["variation", "category", "year"], name="variation_line_one_per_year")
        ]

    def __str__(self):
        return f"{self.category.name}, year {self.year}: {self.change:+,.2f}"


class PaymentRun(models.Model):
    """Approved payments due by a date, sent to the finance system once as one file."""

    managed_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="payment_runs",
        help_text="The organisation whose programmes' payments the run holds.",
    )
    due_by = models.DateField(validators=[grant_date])
    format = models.CharField(max_length=20)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    payment_count = models.PositiveIntegerField(default=0)
    total = models.DecimalField(**MONEY, default=ZERO)
    filename = models.CharField(max_length=120)
    content = models.TextField(help_text="The file as exported, kept so it can be downloaded again unchanged.")

    class Meta:
        app_label = "grants"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Payment run {self.pk} ({self.payment_count} payments, due by {self.due_by:%d/%m/%Y})"

    def delete(self, *args, **kwargs):
        raise ProtectedError("Payment runs are the record of what went to finance: they are never deleted.", {self})


class PaymentRunItem(models.Model):
    """A payment in a run. One payment, one run, ever: the database refuses a second (never paid twice)."""

    run = models.ForeignKey(PaymentRun, on_delete=models.PROTECT, related_name="items")
    payment = models.OneToOneField("grants.Payment", on_delete=models.PROTECT, related_name="run_item")
    amount = models.DecimalField(**MONEY)

    class Meta:
        app_label = "grants"
        ordering = ["run_id", "payment__due_on", "payment_id"]

    def __str__(self):
        return f"{self.payment} in run {self.run_id}"


class MatchFunding(models.Model):
    """Money or help in kind an application brings beside the grant, from the recipient or others."""

    class Kind(models.TextChoices):
        CASH = "cash", "Cash"
        IN_KIND = "in_kind", "In kind"

    class Provider(models.TextChoices):
        RECIPIENT = "recipient", "The applicant"
        OTHER = "other", "Another organisation"

    award = models.ForeignKey("grants.Award", on_delete=models.PROTECT, related_name="match_funding")
    source = models.CharField(max_length=200, help_text="Who gives it, for example the trust or the council.")
    provider = models.CharField(max_length=20, choices=Provider.choices, default=Provider.RECIPIENT)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CASH)
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    description = models.CharField(max_length=300, blank=True, help_text="What it is (staff time, rooms…).")

    class Meta:
        app_label = "grants"
        verbose_name_plural = "match funding"
        ordering = ["award_id", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="match_funding_positive")]

    def __str__(self):
        return f"{self.source}: £{self.amount:,.2f} {self.get_kind_display().lower()}"
