"""A programme's share of a co-funded award (a model of the grants app)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

ZERO = Decimal("0.00")


class AwardShare(models.Model):
    """How much of an award one programme funds. The shares of an award add up to its amount awarded."""

    award = models.ForeignKey("grants.Award", on_delete=models.PROTECT, related_name="shares")
    programme = models.ForeignKey("grants.FundingProgramme", on_delete=models.PROTECT, related_name="award_shares")
    amount = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)])
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        app_label = "grants"
        ordering = ["award_id", "programme__name"]
        constraints = [
            models.UniqueConstraint(fields=["award", "programme"], name="award_share_one_per_programme"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="award_share_not_negative"),
        ]

    def __str__(self):
        return f"{self.programme}: £{self.amount:,.2f} of {self.award.identifier}"

    @property
    def is_lead(self) -> bool:
        return self.programme_id == self.award.programme_id
