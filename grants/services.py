"""Every write a person can cause on programmes, awards and payments.

Each service locks what it reads before it decides (the programme for budget checks, the
award for payment totals), so two managers acting at once cannot both spend the same pound.
"""

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from accounts import roles
from workflow import clock
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import apply_transition, archive, lock, log_money_change, set_fields, transition_refusal

from .models import Award, FundingProgramme, Payment, money

LIVE_FOR_PAYMENTS = (Award.State.APPROVED, Award.State.ACTIVE, Award.State.IN_EVALUATION)


def _require_programme_manager(programme, actor: User, what: str):
    if not roles.of(actor).manages_programme(programme):
        raise PermissionRefused(f"Only the programme managers of {programme} can {what}.")


# Programmes ----------------------------------------------------------------------------------


def programme_set_budget(
    *, programme: FundingProgramme, budget: Decimal, actor: User, note: str = ""
) -> FundingProgramme:
    with transaction.atomic():
        programme = lock(FundingProgramme, programme.pk)
        _require_programme_manager(programme, actor, "change its budget")
        committed = programme.committed_total()
        if budget < committed:
            raise TransitionRefused(
                f"The budget cannot go below the {money(committed)} already committed to approved awards."
            )
        old = programme.budget
        programme.budget = budget
        programme.save(update_fields=["budget"])
        log_money_change(programme, field="budget", old=old, new=budget, actor=actor, note=note)
        return programme


# Awards --------------------------------------------------------------------------------------


def award_create(
    *,
    actor: User,
    programme: FundingProgramme,
    recipient,
    title: str,
    amount_requested: Decimal,
    identifier: str = "",
    **fields,
) -> Award:
    r = roles.of(actor)
    if not (r.manages_programme(programme) or r.is_partner_of(recipient.pk)):
        raise PermissionRefused("You can apply only on behalf of your own organisation.")
    with transaction.atomic():
        programme = lock(FundingProgramme, programme.pk)
        award = Award(
            programme=programme,
            recipient=recipient,
            title=title,
            amount_requested=amount_requested,
            identifier=identifier or _next_award_identifier(programme),
            created_by=actor,
            **fields,
        )
        award.full_clean(exclude=["state"])
        award.save()
        log_money_change(award, field="amount_requested", old=None, new=amount_requested, actor=actor)
        return award


def _next_award_identifier(programme: FundingProgramme) -> str:
    prefix = programme.identifier_prefix
    n = Award.objects.filter(programme=programme).count() + 1
    while Award.objects.filter(identifier=f"{prefix}-{n:05d}").exists():
        n += 1
    return f"{prefix}-{n:05d}"


def _add_to_totals(programme_id, *, committed: Decimal = Decimal("0"), paid: Decimal = Decimal("0")) -> None:
    """Move the programme's running totals in the caller's transaction (one UPDATE; the database's
    constraints refuse a total past the budget)."""
    FundingProgramme.objects.filter(pk=programme_id).update(
        committed_amount=F("committed_amount") + committed, paid_amount=F("paid_amount") + paid
    )


def programme_totals_recount(*, programme: FundingProgramme | None = None) -> int:
    """Work the running totals out again from the awards and payments (after a bulk load); returns
    how many programmes were corrected."""
    corrected = 0
    programmes = [programme] if programme is not None else FundingProgramme.objects.all()
    for each in programmes:
        committed, paid = each.recount_totals()
        if (committed, paid) != (each.committed_amount, each.paid_amount):
            FundingProgramme.objects.filter(pk=each.pk).update(committed_amount=committed, paid_amount=paid)
            corrected += 1
    return corrected


def award_transition(*, award: Award, name: str, actor: User, note: str = "", **params) -> Award:
    """Take step `name` on an award. Approval goes through award_approve for its budget check."""
    if name == "approve":
        return award_approve(award=award, actor=actor, note=note, **params)
    now = clock.now()
    extra = {"at": now} if name in ("submit", "decline") else {}
    with transaction.atomic():
        locked = lock(Award, award.pk)
        return apply_transition(locked, name, actor=actor, note=note, **extra)


def award_approve(*, award: Award, actor: User, note: str = "", amount: Decimal | None = None) -> Award:
    """Approve an award, never taking its programme past its budget, however many managers approve at once."""
    with transaction.atomic():
        programme = lock(FundingProgramme, award.programme_id)
        award = lock(Award, award.pk)
        amount = award.amount_requested if amount is None else Decimal(amount)
        if amount <= 0:
            raise ValidationError({"amount": "The amount awarded must be more than £0."})
        if amount > award.amount_requested:
            raise ValidationError(
                {
                    "amount": f"The amount awarded ({money(amount)}) cannot be more than "
                    f"the {money(award.amount_requested)} requested."
                }
            )
        refusal = transition_refusal(award, "approve", actor, note)
        if refusal is not None:
            raise refusal
        committed = programme.committed_total()
        remaining = programme.budget - committed
        if amount > remaining:
            raise TransitionRefused(
                f"Approving {money(amount)} would take {programme} past its budget of {money(programme.budget)}: "
                f"{money(committed)} is already committed, leaving {money(remaining)}."
            )
        old = award.amount_awarded
        apply_transition(award, "approve", actor=actor, note=note, amount=amount, at=clock.now())
        log_money_change(award, field="amount_awarded", old=old, new=amount, actor=actor, note=note)
        _add_to_totals(award.programme_id, committed=amount)
        return award


def award_archive(*, award: Award, actor: User, note: str = "") -> Award:
    with transaction.atomic():
        award = lock(Award, award.pk)
        return archive(award, actor=actor, note=note, allowed=roles.of(actor).manages_programme(award.programme))


def award_change_amount(*, award: Award, amount: Decimal, actor: User, note: str) -> Award:
    """Vary the amount awarded after approval: recorded as a variation, requested and approved at once
    (grants/money/services.py), within budget and above what is scheduled."""
    from .money.services import award_vary_amount

    return award_vary_amount(award=award, amount=amount, actor=actor, note=note)


# Payments ------------------------------------------------------------------------------------


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


def _check_gate(award: Award, update):
    if update is not None and update.award_id != award.pk:
        raise ValidationError(
            {"gated_on_update": "A payment can be held only on a progress update for the same award."}
        )


def payment_schedule(
    *, award: Award, due_on: date, amount: Decimal, actor: User, gated_on_update=None, reference: str = ""
) -> Payment:
    with transaction.atomic():
        award = lock(Award, award.pk)
        refusal = payment_schedule_refusal(award, actor)
        if refusal is not None:
            raise refusal
        amount = Decimal(amount)
        _check_schedule_fits(award, amount)
        _check_gate(award, gated_on_update)
        payment = Payment(
            award=award, due_on=due_on, amount=amount, gated_on_update=gated_on_update, reference=reference
        )
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
            payment.due_on = due_on
        if gated_on_update is not ...:
            _check_gate(award, gated_on_update)
            payment.gated_on_update = gated_on_update
        payment.full_clean(exclude=["state"])
        payment.save()
        log_money_change(payment, field="amount", old=old_amount, new=payment.amount, actor=actor, note=note)
        return payment


def payment_transition(*, payment: Payment, name: str, actor: User, note: str = "", **params) -> Payment:
    with transaction.atomic():
        lock(Award, payment.award_id)
        locked = lock(Payment, payment.pk)
        if name == "release":
            params.setdefault("paid_on", clock.today())
            if params["paid_on"] > clock.today():
                when = f"{params['paid_on']:%d %B %Y}"
                raise ValidationError(
                    {"paid_on": f"A payment cannot be recorded as paid on {when}, a day still to come."}
                )
        payment = apply_transition(locked, name, actor=actor, note=note, **params)
        if name == "release":  # a co-funded award's payment counts on each programme by its share
            from .money.cofunding.services import move_totals, paid_moves

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


# Programme and award details (the web forms) --------------------------------------------------

PROGRAMME_FIELDS = (
    "name",
    "partnership",
    "opens_on",
    "closes_on",
    "description",
    "identifier_prefix",
    "currency",
    "line_tolerance",
)
AWARD_FIELDS = (
    "title",
    "description",
    "amount_requested",
    "planned_start",
    "planned_end",
    "reporting_frequency",
    "project",
    "partnership",
)
AWARD_MANAGER_EDITABLE = (Award.State.DRAFT, Award.State.SUBMITTED, Award.State.IN_ASSESSMENT)


def programme_create(*, actor: User, funder, managed_by, budget: Decimal, **fields) -> FundingProgramme:
    r = roles.of(actor)
    if not (r.is_admin or managed_by.pk in r.manager_orgs):
        raise PermissionRefused("You can set up programmes only for an organisation whose programmes you manage.")
    partnership = fields.get("partnership")
    if partnership is not None and not r.manages_partnership(partnership):
        raise PermissionRefused(f"Only the programme managers of {partnership} can add programmes to it.")
    with transaction.atomic():
        programme = FundingProgramme(funder=funder, managed_by=managed_by, budget=Decimal(budget))
        set_fields(programme, fields, PROGRAMME_FIELDS)
        programme.full_clean()
        programme.save()
        log_money_change(
            programme, field="budget", old=None, new=programme.budget, actor=actor, note="Programme set up"
        )
        return programme


def programme_update(
    *, programme: FundingProgramme, actor: User, budget: Decimal | None = None, note: str = "", **fields
):
    """Change a programme's details; a new budget goes through programme_set_budget (never below commitments)."""
    with transaction.atomic():
        programme = lock(FundingProgramme, programme.pk)
        _require_programme_manager(programme, actor, "change its details")
        partnership = fields.get("partnership")
        if partnership is not None and partnership.pk != programme.partnership_id:
            if not roles.of(actor).manages_partnership(partnership):
                raise PermissionRefused(f"Only the programme managers of {partnership} can add programmes to it.")
        if "identifier_prefix" in fields and fields["identifier_prefix"] != programme.identifier_prefix:
            if programme.awards.exists():
                raise TransitionRefused(
                    "The identifier prefix cannot change once awards are numbered under it: "
                    "their public identifiers must stay stable."
                )
        set_fields(programme, fields, PROGRAMME_FIELDS)
        programme.full_clean()
        programme.save()
        if budget is not None and Decimal(budget) != programme.budget:
            programme = programme_set_budget(programme=programme, budget=Decimal(budget), actor=actor, note=note)
        return programme


def award_edit_refusal(award: Award, actor: User) -> TransitionRefused | None:
    """Why `actor` may not change the application's details now, or None if they may."""
    r = roles.of(actor)
    state = award.get_state_display().lower()
    if r.manages_programme(award.programme):
        if award.state not in AWARD_MANAGER_EDITABLE:
            return TransitionRefused(
                f"This award is {state}; its application can no longer change (vary the amount awarded instead)."
            )
        return None
    if r.is_partner_of(award.recipient_id):
        if award.state != Award.State.DRAFT:
            return TransitionRefused(f"This application is {state}; only drafts can be changed by the applicant.")
        return None
    return PermissionRefused("Only the applicant and the programme's managers can change an application.")


def payment_edit_refusal(payment: Payment, actor: User) -> TransitionRefused | None:
    if not roles.of(actor).manages_programme(payment.award.programme):
        return PermissionRefused(f"Only the programme managers of {payment.award.programme} can change payments.")
    if payment.state != Payment.State.SCHEDULED:
        return TransitionRefused(
            f"This payment is {payment.get_state_display().lower()}; only scheduled payments can be changed."
        )
    return None


def award_update(*, award: Award, actor: User, note: str = "", **fields) -> Award:
    """Change an application's details: the applicant while it is a draft, a manager until it is decided."""
    with transaction.atomic():
        award = Award.objects.select_for_update().select_related("programme").get(pk=award.pk)
        refusal = award_edit_refusal(award, actor)
        if refusal is not None:
            raise refusal
        old = award.amount_requested
        set_fields(award, fields, AWARD_FIELDS)
        award.full_clean(exclude=["state"])
        award.save()
        log_money_change(award, field="amount_requested", old=old, new=award.amount_requested, actor=actor, note=note)
        return award


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
