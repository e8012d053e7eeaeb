"""What a backup holds: every record people made, with its history; not sessions, tokens or lockouts."""

from decimal import Decimal

from django.apps import apps
from django.db.models import Sum

BACKED_UP = [
    "auth.group",
    "auth.user",
    "admin.logentry",
    "accounts",
    "workflow",
    "partnerships",
    "grants",
    "reporting",
]
# Kept by database triggers from the awards themselves (grants/tallies.py, reporting/tallies.py): restoring
# the awards rebuilds them.
DERIVED = [
    "grants.AwardTally",
    "reporting.ReachTally",
    "reporting.ProjectTally",
    "reporting.PaymentTally",
    "reporting.DueRow",
    "reporting.DueTally",
]


def summary() -> dict[str, str]:
    """Counts of every backed-up model and the money totals, to compare a restore with its source."""
    figures = {}
    for label in BACKED_UP:
        models = [apps.get_model(label)] if "." in label else apps.get_app_config(label).get_models()
        for model in models:
            if model._meta.label in DERIVED:
                continue
            figures[model._meta.label] = str(model._default_manager.count())
    Award = apps.get_model("grants.Award")
    Payment = apps.get_model("grants.Payment")
    figures["money: amount awarded"] = str(Award.objects.aggregate(t=Sum("amount_awarded"))["t"] or Decimal("0"))
    figures["money: payments"] = str(Payment.objects.aggregate(t=Sum("amount"))["t"] or Decimal("0"))
    return figures
