"""Funding programmes, awards (grants) and the payments that release them: a module per concern,
imported from here (as `grants.models`), so every model keeps the grants app label."""

# isort: off
# The models register in this order (programmes, awards and payments, tallies, then money's), as they
# did when they were one module.
from .common import MONEY, ZERO, money
from .programmes import FundingProgramme
from .awards import Award, Payment
from .tallies import AwardTally

# Budget lines, spend by line, variations and payment runs live in grants/money/ (models of this app).
from ..money.models import (
    BudgetCategory,
    BudgetLine,
    MatchFunding,
    PaymentRun,
    PaymentRunItem,
    SpendLine,
    Variation,
    VariationLine,
)
from ..money.cofunding.models import AwardShare
# isort: on

__all__ = [
    "MONEY",
    "ZERO",
    "Award",
    "AwardShare",
    "AwardTally",
    "BudgetCategory",
    "BudgetLine",
    "FundingProgramme",
    "MatchFunding",
    "Payment",
    "PaymentRun",
    "PaymentRunItem",
    "SpendLine",
    "Variation",
    "VariationLine",
    "money",
]
