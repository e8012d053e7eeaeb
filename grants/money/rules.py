"""Rules the money room adds to the award's and the payment's steps (registered in GrantsConfig.ready)."""

from workflow.rules import guard

from .models import ZERO


@guard(
    lambda award: (
        f"The budget lines add up to £{sum((line.requested for line in award.budget_lines.all()), ZERO):,.2f} "
        f"but the application asks for £{award.amount_requested:,.2f}: make them agree before approving."
    )
)
def budget_lines_agree(award) -> bool:
    from .services import budget_lines_match_request

    return budget_lines_match_request(award)


@guard(
    lambda payment: (
        f"This payment went to finance in payment run {payment.run_item.run_id}: it cannot be cancelled here. "
        "Ask finance to void the bill first, then record what happened in a note on the payment."
    )
)
def payment_not_sent_to_finance(payment) -> bool:
    from .models import PaymentRunItem

    return not PaymentRunItem.objects.filter(payment_id=payment.pk).exists()


def register() -> None:
    from workflow.services import add_condition, after_transition

    from .services import budget_fix_approved

    add_condition("grants.Award", "approve", budget_lines_agree)
    add_condition("grants.Payment", "cancel", payment_not_sent_to_finance)
    after_transition("grants.Award", "approve", budget_fix_approved)
