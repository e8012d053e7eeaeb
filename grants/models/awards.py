"""Awards (grants) from a programme and the payments that release them, with their transitions."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, ProtectedError, Q, Sum
from django.db.models.functions import Coalesce
from django_fsm import FSMField, FSMModelMixin, transition

from accounts import roles
from partnerships.models import Organisation, Partnership, Project
from workflow.dates import grant_date
from workflow.rules import guard
from workflow.text import text_field

from .common import MONEY, ZERO, money
from .programmes import FundingProgramme


def _manages_award(award, user) -> bool:
    return roles.of(user).manages_programme(award.programme)


def _applies_or_manages_award(award, user) -> bool:
    r = roles.of(user)
    return r.manages_programme(award.programme) or r.is_partner_of(award.recipient_id)


@guard("An award needs a requested amount above £0 and planned start and end dates before it can be submitted.")
def _award_is_complete(award) -> bool:
    return bool(award.amount_requested and award.amount_requested > 0 and award.planned_start and award.planned_end)


@guard(
    lambda award: (
        "The award cannot close while payments are still due: "
        + ", ".join(
            f"{money(p.amount)} due {p.due_on:%d %B %Y} ({p.get_state_display().lower()})"
            for p in award.unpaid_payments()
        )
        + ". Pay or cancel them first."
    )
)
def _award_has_no_unpaid_payments(award) -> bool:
    return not award.unpaid_payments()


class Award(FSMModelMixin, models.Model):
    """A grant from a programme to a recipient organisation, for a project or a partnership."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        IN_ASSESSMENT = "in_assessment", "In assessment"
        APPROVED = "approved", "Approved"
        ACTIVE = "active", "Active (in delivery)"
        SUSPENDED = "suspended", "Suspended"
        IN_EVALUATION = "in_evaluation", "In evaluation"
        CLOSED = "closed", "Closed"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    COMMITTED_STATES = (State.APPROVED, State.ACTIVE, State.SUSPENDED, State.IN_EVALUATION, State.CLOSED)
    FINISHED_STATES = (State.CLOSED, State.DECLINED, State.WITHDRAWN)

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        TERMLY = "termly", "Termly"
        QUARTERLY = "quarterly", "Quarterly"
        YEARLY = "yearly", "Yearly"
        ONE_OFF = "one_off", "One-off"

    identifier = models.CharField(
        max_length=100,
        unique=True,
        help_text="Stable public identifier in 360Giving style: 360G-, the programme prefix, then a reference "
        "(for example 360G-WMEX-00012).",
    )
    programme = models.ForeignKey(FundingProgramme, on_delete=models.PROTECT, related_name="awards")
    recipient = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="awards_received")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.PROTECT, related_name="awards")
    partnership = models.ForeignKey(Partnership, null=True, blank=True, on_delete=models.PROTECT, related_name="awards")
    title = models.CharField(max_length=400)
    description = text_field(blank=True)
    currency = models.CharField(max_length=3, default="GBP")
    amount_requested = models.DecimalField(**MONEY, validators=[MinValueValidator(ZERO)])
    amount_awarded = models.DecimalField(**MONEY, null=True, blank=True, validators=[MinValueValidator(ZERO)])
    planned_start = models.DateField(validators=[grant_date], null=True, blank=True)
    planned_end = models.DateField(validators=[grant_date], null=True, blank=True)
    reporting_frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.TERMLY)
    # What a funder's 360Giving file says about a grant made outside Exchange, kept to publish it back unchanged.
    award_date = models.DateField(null=True, blank=True, help_text="When the funder decided to make the grant.")
    planned_duration = models.DecimalField(
        "planned duration (months)", max_digits=7, decimal_places=2, null=True, blank=True
    )
    actual_start = models.DateField(null=True, blank=True)
    actual_end = models.DateField(null=True, blank=True)
    beneficiary_locations = models.JSONField(
        default=list, blank=True, help_text="360Giving Beneficiary Location entries as the funder gave them."
    )
    classifications = models.JSONField(default=list, blank=True, help_text="360Giving Classifications as given.")
    data_source = models.CharField(max_length=500, blank=True, help_text="Where the funder published this grant.")
    source_file = models.CharField(max_length=255, blank=True, help_text="The file this award was imported from.")
    state = FSMField(max_length=30, choices=State.choices, default=State.DRAFT, protected=True, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(
        null=True, blank=True, help_text="Archived awards leave the working lists; they are never deleted."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        # Newest first, and each order the API offers (`?ordering=`, the id last: StableOrderingFilter), so a
        # page at 1,000,000 awards walks an index instead of sorting every award.
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="award_newest_first"),
            *(
                models.Index(fields=[name, "id"], name=f"award_by_{name}")
                for name in ("title", "amount_requested", "state")
            ),
            # The orders that can be blank (an amount awarded, a decision date…) are indexed blanks first on
            # PostgreSQL, as the API sorts them: grants 0018 (SQLite cannot say NULLS FIRST in an index).
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_requested__gte=0), name="award_requested_not_negative"),
            models.CheckConstraint(
                condition=Q(amount_awarded__isnull=True) | Q(amount_awarded__gte=0), name="award_awarded_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=F("planned_start")),
                name="award_ends_after_start",  # a one-day grant (start = end) is real in funders' files
            ),
        ]

    def __str__(self):
        return f"{self.identifier} {self.title}"

    def delete(self, *args, **kwargs):
        raise ProtectedError("Awards keep their history: archive a finished award instead of deleting it.", {self})

    @property
    def is_committed(self) -> bool:
        return self.state in self.COMMITTED_STATES

    def unpaid_payments(self) -> list:
        return [p for p in self.payments.all() if p.state in (Payment.State.SCHEDULED, Payment.State.APPROVED)]

    def scheduled_total(self, exclude_pk=None) -> Decimal:
        """Money in payments that are not cancelled (scheduled, approved or paid)."""
        qs = self.payments.exclude(state=Payment.State.CANCELLED)
        if exclude_pk:
            qs = qs.exclude(pk=exclude_pk)
        return qs.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]

    def paid_total(self) -> Decimal:
        return self.payments.filter(state=Payment.State.PAID).aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]

    @transition(
        state,
        source=State.DRAFT,
        target=State.SUBMITTED,
        conditions=[_award_is_complete],
        permission=_applies_or_manages_award,
        custom={"label": "Submit", "style": "primary"},
    )
    def submit(self, *, at):
        self.submitted_at = at

    @transition(
        state,
        source=State.SUBMITTED,
        target=State.IN_ASSESSMENT,
        permission=_manages_award,
        custom={"label": "Start assessment", "style": "primary"},
    )
    def start_assessment(self):
        pass

    @transition(
        state,
        source=State.IN_ASSESSMENT,
        target=State.APPROVED,
        permission=_manages_award,
        custom={"label": "Approve", "style": "primary"},
    )
    def approve(self, *, amount: Decimal, at):
        self.amount_awarded = amount
        self.decided_at = at

    @transition(
        state,
        source=[State.SUBMITTED, State.IN_ASSESSMENT],
        target=State.DECLINED,
        permission=_manages_award,
        custom={"label": "Decline", "note_required": True, "style": "warning"},
    )
    def decline(self, *, at):
        self.decided_at = at

    @transition(
        state,
        source=[State.DRAFT, State.SUBMITTED, State.IN_ASSESSMENT],
        target=State.WITHDRAWN,
        permission=_applies_or_manages_award,
        custom={"label": "Withdraw", "note_required": True, "style": "warning"},
    )
    def withdraw(self):
        pass

    @transition(
        state,
        source=State.APPROVED,
        target=State.ACTIVE,
        permission=_manages_award,
        custom={"label": "Start delivery", "style": "primary"},
    )
    def activate(self):
        pass

    @transition(
        state,
        source=State.ACTIVE,
        target=State.SUSPENDED,
        permission=_manages_award,
        custom={"label": "Suspend", "note_required": True, "style": "warning"},
    )
    def suspend(self):
        pass

    @transition(
        state,
        source=State.SUSPENDED,
        target=State.ACTIVE,
        permission=_manages_award,
        custom={"label": "Reinstate", "style": "primary"},
    )
    def reinstate(self):
        pass

    @transition(
        state,
        source=State.ACTIVE,
        target=State.IN_EVALUATION,
        permission=_manages_award,
        custom={"label": "Begin evaluation", "style": "primary"},
    )
    def begin_evaluation(self):
        pass

    @transition(
        state,
        source=State.IN_EVALUATION,
        target=State.CLOSED,
        # reporting adds: the final update accepted, the evaluation complete (reporting.closing)
        conditions=[_award_has_no_unpaid_payments],
        permission=_manages_award,
        custom={"label": "Close", "style": "primary"},
    )
    def close(self):
        pass


def _manages_payment(payment, user) -> bool:
    return roles.of(user).manages_programme(payment.award.programme)


@guard(
    lambda p: (
        f"Payments can be released only while the award is approved, active or in evaluation; "
        f"this award is {p.award.get_state_display().lower()}."
    )
)
def _payment_award_is_live(payment) -> bool:
    return payment.award.state in (Award.State.APPROVED, Award.State.ACTIVE, Award.State.IN_EVALUATION)


class Payment(FSMModelMixin, models.Model):
    """A tranche of an award, optionally held until a progress update is accepted."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        APPROVED = "approved", "Approved for payment"
        PAID = "paid", "Paid"
        CANCELLED = "cancelled", "Cancelled"

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="payments")
    due_on = models.DateField(validators=[grant_date])
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    gated_on_update = models.ForeignKey(
        "reporting.ProgressUpdate",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="gated_payments",
        help_text="Hold this payment until this progress update is accepted.",
    )
    gated_on_period_end = models.DateField(
        null=True,
        blank=True,
        validators=[grant_date],
        help_text="Hold this payment until the progress update for the reporting period ending on this day is "
        "accepted, whether or not it has been started (the update is linked above once it is).",
    )
    state = FSMField(max_length=20, choices=State.choices, default=State.SCHEDULED, protected=True, db_index=True)
    paid_on = models.DateField(validators=[grant_date], null=True, blank=True)
    reference = models.CharField(max_length=60, blank=True, help_text="Remittance or finance system reference.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["due_on", "id"], name="payment_by_due_date"),
            # The API's other orders (workflow.apis.filtering); the date paid, which can be blank: grants 0018.
            *(
                models.Index(fields=[name, "id"], name=f"payment_by_{name}")
                for name in ("amount", "created_at", "state")
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self):
        return f"{money(self.amount)} due {self.due_on:%d/%m/%Y} on {self.award.identifier}"

    def delete(self, *args, **kwargs):
        raise ProtectedError("Payments keep their history: cancel a payment instead of deleting it.", {self})

    @transition(
        state,
        source=State.SCHEDULED,
        target=State.APPROVED,
        conditions=[_payment_award_is_live],  # reporting adds: its gate update accepted
        permission=_manages_payment,
        custom={"label": "Approve for payment", "style": "primary"},
    )
    def approve(self):
        pass

    @transition(
        state,
        source=State.APPROVED,
        target=State.PAID,
        conditions=[_payment_award_is_live],  # reporting adds: its gate update accepted
        permission=_manages_payment,
        custom={"label": "Release (mark paid)", "style": "primary"},
    )
    def release(self, *, paid_on, reference: str = ""):
        self.paid_on = paid_on
        if reference:
            self.reference = reference

    @transition(
        state,
        source=[State.SCHEDULED, State.APPROVED],
        target=State.CANCELLED,
        permission=_manages_payment,
        custom={"label": "Cancel", "note_required": True, "style": "warning"},
    )
    def cancel(self):
        pass
