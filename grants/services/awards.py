"""Writes on awards: applying, changing the application, the steps (approval within the budget), archiving.

Approval locks the programme, then the award, so two approvals at once cannot both spend the same pound."""

from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import roles
from workflow import clock
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import apply_transition, archive, lock, log_money_change, set_fields, transition_refusal

from ..models import Award, FundingProgramme, money
from .programmes import _add_to_totals


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
    from ..money.services import award_vary_amount

    return award_vary_amount(award=award, amount=amount, actor=actor, note=note)


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
