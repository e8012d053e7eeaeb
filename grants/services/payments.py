"""Writes on payments: scheduling, changing a scheduled one, and the steps (approve, release, cancel).

Each locks the award before the payment, so two managers cannot schedule past the amount awarded."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import roles
from workflow import clock
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import apply_transition, lock, log_money_change

from ..holds import hold
from ..models import Award, Payment, money
from ..payment_dates import due_date_refusal, early_release_refusal

LIVE_FOR_PAYMENTS = (Award.State.APPROVED, Award.State.ACTIVE, Award.State.IN_EVALUATION)


def _check_schedule_fits(award: Award, amount: Decimal, exclude_pk=None):
    if award.state not in LIVE_FOR_PAYMENTS:
        raise TransitionRefused(
            f"Payments can be scheduled only on approved, active or in-evaluation awards; "
            f"this one is {award.get_state_display().lower()}."
        )
    if amount <= 0:
        raise ValidationError({"amount": "A payment must be more than £0."})
    scheduled = award.scheduled_total(exclude_pk=exclude_pk)
    if scheduled + amount > (award.amount_awarded or 0):
        raise TransitionRefused(
            f"This payment of {money(amount)} would take the payments on {award.identifier} to "
            f"{money(scheduled + amount)}, more than the {money(award.amount_awarded)} awarded "
            f"({money((award.amount_awarded or 0) - scheduled)} left to schedule)."
        )


def payment_schedule(
    *,
    award: Award,
    due_on: date,
    amount: Decimal,
    actor: User,
    gated_on_update=None,
    gated_on_period_end=None,
    reference: str = "",
) -> Payment:
    with transaction.atomic():
        award = lock(Award, award.pk)
        refusal = payment_schedule_refusal(award, actor)
        if refusal is not None:
            raise refusal
        amount = Decimal(amount)
        _check_schedule_fits(award, amount)
        if (too_soon := due_date_refusal(award, due_on)) is not None:
            raise too_soon
        payment = Payment(award=award, due_on=due_on, amount=amount, reference=reference)
        if gated_on_period_end is not None:
            hold(payment, award, period_end=gated_on_period_end)
        else:
            hold(payment, award, update=gated_on_update)
        payment.full_clean(exclude=["state"])
        payment.save()
        log_money_change(payment, field="amount", old=None, new=amount, actor=actor, note="Payment scheduled")
        return payment


def payment_edit(
    *,
    payment: Payment,
    actor: User,
    amount: Decimal | None = None,
    due_on: date | None = None,
    gated_on_update=...,
    gated_on_period_end=...,
    note: str = "",
) -> Payment:
    """Change a scheduled payment's amount, due date or gate. Approved and paid payments are fixed."""
    with transaction.atomic():
        award = lock(Award, payment.award_id)
        payment = lock(Payment, payment.pk)
        payment.award = award
        refusal = payment_edit_refusal(payment, actor)
        if refusal is not None:
            raise refusal
        old_amount = payment.amount
        if amount is not None:
            amount = Decimal(amount)
            _check_schedule_fits(award, amount, exclude_pk=payment.pk)
            payment.amount = amount
        if due_on is not None:
            if (too_soon := due_date_refusal(award, due_on)) is not None:
                raise too_soon
            payment.due_on = due_on
        hold(payment, award, update=gated_on_update, period_end=gated_on_period_end)
        payment.full_clean(exclude=["state"])
        payment.save()
        log_money_change(payment, field="amount", old=old_amount, new=payment.amount, actor=actor, note=note)
        return payment


def payment_transition(*, payment: Payment, name: str, actor: User, note: str = "", **params) -> Payment:
    with transaction.atomic():
        lock(Award, payment.award_id)
        locked = lock(Payment, payment.pk)
        confirmed_early = params.pop("confirm_early", False)
        if name == "release":
            params.setdefault("paid_on", clock.today())
            if params["paid_on"] > clock.today():
                when = f"{params['paid_on']:%d %B %Y}"
                raise ValidationError(
                    {"paid_on": f"A payment cannot be recorded as paid on {when}, a day still to come."}
                )
            if (early := early_release_refusal(locked, params["paid_on"], confirmed_early)) is not None:
                raise early
        payment = apply_transition(locked, name, actor=actor, note=note, **params)
        if name == "release":  # a co-funded award's payment counts on each programme by its share
            from ..money.cofunding.services import move_totals, paid_moves

            move_totals(committed_before={}, committed_after={}, paid_after=paid_moves(payment.award, payment.amount))
        return payment


def payment_approve(*, payment, actor: User, note=""):
    return payment_transition(payment=payment, name="approve", actor=actor, note=note)


def payment_release(*, payment, actor: User, note="", paid_on: date | None = None, reference: str = ""):
    params: dict[str, object] = {"reference": reference}
    if paid_on:
        params["paid_on"] = paid_on
    return payment_transition(payment=payment, name="release", actor=actor, note=note, **params)


def payment_cancel(*, payment, actor: User, note):
    return payment_transition(payment=payment, name="cancel", actor=actor, note=note)


def payment_edit_refusal(payment: Payment, actor: User) -> TransitionRefused | None:
    if not roles.of(actor).manages_programme(payment.award.programme):
        return PermissionRefused(f"Only the programme managers of {payment.award.programme} can change payments.")
    if payment.state != Payment.State.SCHEDULED:
        return TransitionRefused(
            f"This payment is {payment.get_state_display().lower()}; only scheduled payments can be changed."
        )
    return None


def payment_schedule_refusal(award: Award, actor: User) -> TransitionRefused | None:
    """Why `actor` may not schedule payments on `award` now, or None if they may."""
    if not roles.of(actor).manages_programme(award.programme):
        return PermissionRefused(f"Only the programme managers of {award.programme} can schedule payments.")
    if award.state not in LIVE_FOR_PAYMENTS:
        return TransitionRefused(
            f"Payments can be scheduled only on approved, active or in-evaluation awards; "
            f"this one is {award.get_state_display().lower()}."
        )
    return None
