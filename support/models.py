"""Support matching: what schools and trusts need, what others can give, and the matches between them.

"Every school a giver and receiver of support": a need and an offer belong to an organisation in a
partnership; a match pairs them, uses up the offer's days, and becomes a draft collaboration project.
"""

import contextvars
from contextlib import contextmanager

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django_fsm import FSMField, FSMModelMixin, transition

from accounts import roles
from workflow.dates import grant_date
from workflow.text import NOTE, text_field


class Phase(models.TextChoices):
    """The phases a school goes through (seed 001), as the evaluations' stage of improvement."""

    DECLUTTER = "declutter", "De-clutter"
    REPAIR = "repair", "Repair"
    IMPROVE = "improve", "Improve"
    SUSTAIN = "sustain", "Sustain"


class SupportArea(models.Model):
    """An area of support from the list a partnership keeps (curriculum, SEND, attendance …)."""

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE, related_name="support_areas")
    name = models.CharField(max_length=80)
    # The project theme a match in this area starts with (optional).
    theme = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["partnership_id", "name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "name"], name="unique_support_area")]

    def __str__(self):
        return self.name


class MatchingSettings(models.Model):
    """The partnership's own weights for ranking offers, and who may accept a match."""

    partnership = models.OneToOneField(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="matching_settings"
    )
    weight_areas = models.PositiveSmallIntegerField(
        "weight: areas that match", default=5, validators=[MaxValueValidator(100)]
    )
    weight_evidence = models.PositiveSmallIntegerField(
        "weight: evidence of impact", default=3, validators=[MaxValueValidator(100)]
    )
    weight_capacity = models.PositiveSmallIntegerField(
        "weight: capacity left", default=2, validators=[MaxValueValidator(100)]
    )
    weight_distance = models.PositiveSmallIntegerField(
        "weight: distance", default=2, validators=[MaxValueValidator(100)]
    )
    weight_phase = models.PositiveSmallIntegerField(
        "weight: fit with the phase of improvement", default=2, validators=[MaxValueValidator(100)]
    )
    weight_difference = models.PositiveSmallIntegerField(
        "weight: difference", default=1, validators=[MaxValueValidator(100)]
    )
    parties_may_accept = models.BooleanField(
        default=False,
        help_text="Let the two organisations agree a match between themselves; without this only the "
        "partnership's programme managers accept matches.",
    )

    WEIGHTS = ("areas", "evidence", "capacity", "distance", "phase", "difference")

    class Meta:
        verbose_name_plural = "matching settings"

    def __str__(self):
        return f"Matching settings of {self.partnership}"

    def weights(self) -> dict[str, int]:
        return {name: getattr(self, f"weight_{name}") for name in self.WEIGHTS}


_SERVICE_STEP = contextvars.ContextVar("support_service_step", default=False)


@contextmanager
def service_step():
    """Steps that only the support services take (matching a need, accepting or releasing a match): their
    own checks decide who may; no page, API or admin button offers them."""
    token = _SERVICE_STEP.set(True)
    try:
        yield
    finally:
        _SERVICE_STEP.reset(token)


def _by_service(obj, user) -> bool:
    return _SERVICE_STEP.get()


def _manages(obj, user) -> bool:
    return roles.of(user).manages_partnership(obj.partnership)


def _owns_or_manages(obj, user) -> bool:
    r = roles.of(user)
    return r.manages_partnership(obj.partnership) or r.is_partner_of(obj.organisation_id)


class Need(FSMModelMixin, models.Model):
    """What a school or trust needs support with."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        MATCHED = "matched", "Matched"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Urgency(models.TextChoices):
        HIGH = "high", "Urgent: this term"
        MEDIUM = "medium", "Soon: this school year"
        LOW = "low", "When the right support is found"

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="needs")
    organisation = models.ForeignKey("partnerships.Organisation", on_delete=models.PROTECT, related_name="needs")
    title = models.CharField(max_length=200)
    areas = models.ManyToManyField(SupportArea, related_name="needs")
    phase = models.CharField("phase of improvement", max_length=20, choices=Phase.choices)
    urgency = models.CharField(max_length=20, choices=Urgency.choices, default=Urgency.MEDIUM)
    context = text_field("context", blank=True)
    days_wanted = models.PositiveSmallIntegerField(
        "days of support a term", default=2, validators=[MinValueValidator(1, "Ask for at least one day a term.")]
    )
    shared = models.BooleanField(
        "shared with offering organisations",
        default=False,
        help_text="Until it is shared (or matched) only the partnership's programme managers see it.",
    )
    same_trust_ok = models.BooleanField(
        "support from our own trust is welcome",
        default=False,
        help_text="Without this, offers from schools in the same trust are never proposed.",
    )
    state = FSMField(max_length=20, choices=State.choices, default=State.OPEN, protected=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days_wanted__gte=1),
                name="need_wants_a_day",
                violation_error_message="Ask for at least one day a term.",
            )
        ]

    def __str__(self):
        return f"{self.organisation}: {self.title}"

    @transition(state, source=State.OPEN, target=State.MATCHED, permission=_by_service)
    def match(self):
        """Taken by match_accept, whose own checks decide who may accept."""

    @transition(state, source=State.MATCHED, target=State.OPEN, permission=_by_service)
    def unmatch(self):
        """When the match's project is withdrawn or rejected (support.services.release_for_project)."""

    @transition(
        state,
        source=[State.OPEN],
        target=State.WITHDRAWN,
        permission=_owns_or_manages,
        custom={"label": "Withdraw", "note_required": True, "style": "warning"},
    )
    def withdraw(self):
        pass

    @transition(
        state,
        source=State.WITHDRAWN,
        target=State.OPEN,
        permission=_manages,
        custom={"label": "Reopen", "style": "secondary"},
    )
    def reopen(self):
        pass


class Offer(FSMModelMixin, models.Model):
    """What a school, trust or system leader can give, with evidence, capacity and where it travels."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="offers")
    organisation = models.ForeignKey("partnerships.Organisation", on_delete=models.PROTECT, related_name="offers")
    title = models.CharField(max_length=200)
    areas = models.ManyToManyField(SupportArea, related_name="offers", verbose_name="areas of strength")
    evaluations = models.ManyToManyField(
        "reporting.Evaluation",
        blank=True,
        related_name="offers",
        verbose_name="evidence: completed evaluations",
        help_text="Completed evaluations (and their what-works lessons) that show this strength.",
    )
    evidence = text_field("evidence in our own words", blank=True)
    capacity_days = models.PositiveSmallIntegerField(
        "capacity (days a term)", validators=[MinValueValidator(1, "Offer at least one day a term.")]
    )
    days_allocated = models.PositiveSmallIntegerField(default=0, editable=False)
    available_until = models.DateField(validators=[grant_date])
    phases = models.JSONField(
        "phases of improvement it suits", default=list, blank=True, help_text="De-clutter, repair, improve, sustain."
    )
    travel_sub_regions = models.ManyToManyField(
        "partnerships.SubRegion", blank=True, related_name="+", verbose_name="travels to these sub-regions"
    )
    travel_local_authorities = models.ManyToManyField(
        "partnerships.LocalAuthority",
        blank=True,
        related_name="+",
        verbose_name="travels to these local authorities",
    )
    conditions = text_field("conditions", blank=True, max_length=NOTE)
    state = FSMField(max_length=20, choices=State.choices, default=State.OPEN, protected=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Capacity is never allocated twice: the database refuses what the service's lock should prevent.
            models.CheckConstraint(
                condition=Q(days_allocated__lte=F("capacity_days")),
                name="offer_within_capacity",
                violation_error_message="More days are given to accepted matches than the offer has.",
            ),
            models.CheckConstraint(
                condition=Q(capacity_days__gte=1),
                name="offer_has_a_day",
                violation_error_message="Offer at least one day a term.",
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.title}"

    @property
    def days_left(self) -> int:
        return max(self.capacity_days - self.days_allocated, 0)

    @transition(
        state,
        source=State.OPEN,
        target=State.CLOSED,
        permission=_owns_or_manages,
        custom={"label": "Close the offer", "style": "warning"},
    )
    def close(self):
        pass

    @transition(
        state,
        source=State.CLOSED,
        target=State.OPEN,
        permission=_owns_or_manages,
        custom={"label": "Reopen the offer", "style": "secondary"},
    )
    def reopen(self):
        pass


class Match(FSMModelMixin, models.Model):
    """A need paired with an offer: proposed (one side or the manager asked), then accepted — which uses up
    the offer's days and starts a draft collaboration project — or declined."""

    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        RELEASED = "released", "Released"

    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="matches")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="matches")
    days = models.PositiveSmallIntegerField("days a term")
    score = models.PositiveIntegerField(default=0)
    reasons = models.JSONField(default=list, blank=True, help_text="The reasons for the match, as they read then.")
    need_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    offer_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    project = models.OneToOneField(
        "partnerships.Project", null=True, blank=True, on_delete=models.PROTECT, related_name="support_match"
    )
    state = FSMField(max_length=20, choices=State.choices, default=State.PROPOSED, protected=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "matches"
        constraints = [
            models.UniqueConstraint(fields=["need", "offer"], name="unique_match_pair"),
            models.CheckConstraint(condition=Q(days__gte=1), name="match_uses_a_day"),
        ]

    def __str__(self):
        return f"{self.offer.organisation} → {self.need.organisation}"

    @property
    def partnership(self):
        return self.need.partnership

    @transition(state, source=State.PROPOSED, target=State.ACCEPTED, permission=_by_service)
    def confirm(self):
        """Taken by match_accept, whose own checks decide who may accept."""

    @transition(
        state,
        source=State.PROPOSED,
        target=State.DECLINED,
        permission=_by_service,
        custom={"label": "Decline", "style": "warning"},
    )
    def decline(self):
        pass

    @transition(state, source=State.ACCEPTED, target=State.RELEASED, permission=_by_service)
    def release(self):
        """When the project it started is withdrawn or rejected, its days go back to the offer."""
