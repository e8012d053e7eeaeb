"""Every write on budget lines, spend by line, variations, payment runs, match funding and co-funding,
split by concern; the names are re-exported here so `from grants.money import services` works as before."""

from .budgets import (
    budget_category_save,
    budget_fix_approved,
    budget_lines_match_request,
    budget_lines_set,
    spend_lines_save,
)
from .match import match_funding_set
from .runs import payment_run_due, payment_run_export, payment_run_record_paid, payment_run_refusal
from .variations import award_vary_amount, variation_request, variation_request_refusal, variation_transition

__all__ = [
    "award_vary_amount",
    "budget_category_save",
    "budget_fix_approved",
    "budget_lines_match_request",
    "budget_lines_set",
    "match_funding_set",
    "payment_run_due",
    "payment_run_export",
    "payment_run_record_paid",
    "payment_run_refusal",
    "spend_lines_save",
    "variation_request",
    "variation_request_refusal",
    "variation_transition",
]
