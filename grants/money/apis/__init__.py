"""/api/v1/budget-categories/, budget-lines/ (with against-actual/), variations/ (with their steps),
payment-runs/ (with download/), financial-years/, match-funding/ and award-shares/ (co-funding), split by
concern; the names are re-exported here so `from grants.money import apis` works as before."""

from ..cofunding.apis import AwardShareViewSet
from .budgets import BudgetCategoryViewSet, BudgetLineViewSet
from .match import MatchFundingViewSet
from .runs import PaymentRunViewSet
from .variations import VariationViewSet
from .years import FinancialYearViewSet

__all__ = [
    "AwardShareViewSet",
    "BudgetCategoryViewSet",
    "BudgetLineViewSet",
    "FinancialYearViewSet",
    "MatchFundingViewSet",
    "PaymentRunViewSet",
    "VariationViewSet",
]
