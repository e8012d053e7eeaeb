"""How many awards each programme has in each stage, kept by database triggers (grants/tallies.py)."""

from django.db import models

from .common import ZERO
from .programmes import FundingProgramme


class AwardTally(models.Model):
    """How many awards each programme has in each stage (archived or not), and their money.

    Kept by database triggers on the award table (grants/tallies.py), so every write — a service,
    an import's bulk insert, the admin, a loader — moves it in its own transaction, and the
    dashboards and the programme list read a few rows per programme instead of counting every
    award. `grants.services.award_tallies_recount` works them out again and reports any drift."""

    programme = models.ForeignKey(FundingProgramme, on_delete=models.CASCADE, related_name="tallies")
    state = models.CharField(max_length=30)
    archived = models.BooleanField()
    awards = models.BigIntegerField(default=0)
    requested = models.DecimalField(max_digits=18, decimal_places=2, default=ZERO)
    awarded = models.DecimalField(max_digits=18, decimal_places=2, default=ZERO)
    awarded_awards = models.BigIntegerField(default=0, help_text="Awards with an awarded amount set.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "state", "archived"], name="award_tally_one_per_stage")
        ]

    def __str__(self):
        return f"{self.programme_id} {self.state}{' (archived)' if self.archived else ''}: {self.awards}"
