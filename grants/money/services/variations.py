"""Variations: changes to an approved award, requested and decided as their own record.

Locks in the same order as grants.services (programme, then award, then the row itself), so a variation
and an approval over one programme queue behind each other instead of spending the same pound twice.
"""

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from accounts import roles
from workflow import clock
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import apply_transition, lock, log_money_change, log_transition, transition_refusal

from ...models import Award, FundingProgramme, money
from ..cofunding.selectors import paid_split
from ..cofunding.services import lead_takes_change, move_totals, programmes_of
from ..models import (
    OPEN_TO_VARIATION,
    ZERO,
    BudgetLine,
    Variation,
    VariationLine,
)
from ..pennies import share_out
from .budgets import _clean_lines

# Variations ----------------------------------------------------------------------------------


def variation_request_refusal(award: Award, actor: User) -> TransitionRefused | None:
    r = roles.of(actor)
    if not (r.manages_programme(award.programme) or r.is_partner_of(award.recipient_id)):
        return PermissionRefused("Only the recipient and the programme's managers can ask for a variation.")
    if award.state not in OPEN_TO_VARIATION:
        return TransitionRefused(
            f"Only an approved award still running can be varied; this one is {award.get_state_display().lower()}."
        )
    return None


def variation_request(
    *,
    award: Award,
    actor: User,
    kind: str,
    reason: str,
    amount_change: Decimal = ZERO,
    new_planned_end: date | None = None,
    scope_change: str = "",
    lines=(),
) -> Variation:
    """Ask for a change to an approved award; a manager decides it (variation_transition)."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the variation is needed; the reason is kept with it."})
    with transaction.atomic():
        award = Award.objects.select_for_update().select_related("programme").get(pk=award.pk)
        refusal = variation_request_refusal(award, actor)
        if refusal is not None:
            raise refusal
        changes = _clean_lines(award, lines, signed=True)
        _check_variation_shape(award, kind, Decimal(amount_change or 0), new_planned_end, scope_change, changes)
        number = (award.variations.aggregate(top=Max("number"))["top"] or 0) + 1
        variation = Variation(
            award=award,
            number=number,
            kind=kind,
            reason=reason.strip(),
            amount_change=Decimal(amount_change or 0) if kind == Variation.Kind.AMOUNT else ZERO,
            new_planned_end=new_planned_end if kind == Variation.Kind.EXTENSION else None,
            scope_change=scope_change.strip() if kind == Variation.Kind.SCOPE else "",
            requested_by=actor,
            requested_at=clock.now(),
        )
        variation.full_clean(exclude=["state", "award"])
        variation.save()
        VariationLine.objects.bulk_create(
            VariationLine(variation=variation, category_id=c, year=y, change=ch)
            for (c, y), ch in sorted(changes.items())
            if ch
        )
        log_transition(variation, name="request", source="", actor=actor, note=variation.reason)
        return variation


def _check_variation_shape(award, kind, amount_change, new_end, scope_change, changes) -> None:
    has_lines = award.budget_lines.exists()
    moved = sum(changes.values(), ZERO)
    if kind == Variation.Kind.AMOUNT:
        if not amount_change:
            raise ValidationError({"amount_change": "Say how much more (or, with a minus sign, less) is needed."})
        if has_lines and moved != amount_change:
            raise ValidationError(
                {
                    "lines": [
                        f"The budget lines change by {money(moved)} in all, but the variation asks for "
                        f"{money(amount_change)}: say which lines the money comes from or goes to."
                    ]
                }
            )
    elif kind == Variation.Kind.REALLOCATION:
        if not has_lines:
            raise ValidationError({"kind": "This award has no budget lines to move money between."})
        if not changes:
            raise ValidationError({"lines": ["Say which lines the money moves from (minus) and to (plus)."]})
        if moved != 0:
            raise ValidationError(
                {
                    "lines": [
                        f"Money moved between lines must add up to £0.00; these changes add up to {money(moved)}. "
                        "To change the total, ask for more or less money."
                    ]
                }
            )
    elif kind == Variation.Kind.EXTENSION:
        if new_end is None:
            raise ValidationError({"new_planned_end": "Give the new planned end date."})
        if award.planned_end and new_end <= award.planned_end:
            raise ValidationError(
                {"new_planned_end": f"The new end must be after the current one, {award.planned_end:%d %B %Y}."}
            )
    elif kind == Variation.Kind.SCOPE:
        if not scope_change.strip():
            raise ValidationError({"scope_change": "Describe the change of scope."})
    else:
        raise ValidationError({"kind": f"“{kind}” is not a kind of variation."})
    if kind != Variation.Kind.AMOUNT and kind != Variation.Kind.REALLOCATION and changes:
        raise ValidationError({"lines": ["Only a change of money moves budget lines."]})


def variation_transition(*, variation: Variation, name: str, actor: User, note: str = "") -> Variation:
    """Decide a variation (approve, decline) or withdraw it. Approval applies it to the award within
    the programme's budget, however many managers decide at once."""
    with transaction.atomic():
        # Every programme with money in the award, in id order, then the award (co-funding moves their totals).
        programmes = {pk: lock(FundingProgramme, pk) for pk in programmes_of(variation.award)}
        programme = programmes[variation.award.programme_id]
        award = lock(Award, variation.award_id)
        locked = lock(Variation, variation.pk)
        locked.award = award
        award.programme = programme
        now = clock.now()
        if name != "approve":
            return apply_transition(locked, name, actor=actor, note=note, at=now, by=actor)
        refusal = transition_refusal(locked, "approve", actor, note)
        if refusal is not None:
            raise refusal
        _apply_variation(locked, award, programme, actor, note)
        locked.decision_note = note
        return apply_transition(locked, "approve", actor=actor, note=note, at=now, by=actor)


def _apply_variation(variation: Variation, award: Award, programme: FundingProgramme, actor: User, note: str):
    before = award.amount_awarded or ZERO
    change = variation.amount_change
    after = before + change
    if change > 0:
        remaining = programme.budget - programme.committed_amount
        if change > remaining:
            raise TransitionRefused(
                f"Adding {money(change)} would take {programme} past its budget of {money(programme.budget)}: "
                f"{money(programme.committed_amount)} is already committed, leaving {money(remaining)}."
            )
    if change < 0:
        scheduled = award.scheduled_total()
        if after < scheduled:
            raise TransitionRefused(
                f"The award cannot drop to {money(after)}: {money(scheduled)} is already in its payment schedule. "
                "Cancel or change payments first."
            )
    lines = {(line.category_id, line.year): line for line in award.budget_lines.select_for_update()}
    touched = []
    for vline in variation.lines.select_related("category"):
        line = lines.get((vline.category_id, vline.year))
        if line is None:
            line = BudgetLine(award=award, category_id=vline.category_id, year=vline.year, approved=ZERO)
            lines[(vline.category_id, vline.year)] = line
        new = (line.approved or ZERO) + vline.change
        if new < 0:
            raise TransitionRefused(
                f"{vline.category.name}, year {vline.year} has {money(line.approved)} approved: it cannot lose "
                f"{money(-vline.change)}."
            )
        line.approved = new
        touched.append(line)
    for line in touched:
        line.save()
    if variation.kind == Variation.Kind.EXTENSION and variation.new_planned_end:
        award.planned_end = variation.new_planned_end
        award.save(update_fields=["planned_end", "updated_at"])
    variation.amount_before = before
    variation.amount_after = after
    if change:
        # A co-funded award's lead programme takes the whole change (grants/money/cofunding/).
        split_before, split_after = lead_takes_change(award, change, actor=actor, note=f"variation {variation.number}")
        award.amount_awarded = after
        award.save(update_fields=["amount_awarded", "updated_at"])
        log_money_change(
            award,
            field="amount_awarded",
            old=before,
            new=after,
            actor=actor,
            note=f"Variation {variation.number}: {variation.reason}"[:2000],
        )
        paid = award.paid_total()
        move_totals(
            committed_before=split_before,
            committed_after=split_after,
            paid_before=paid_split(paid, split_before),
            paid_after=paid_split(paid, split_after),
        )
        programme.committed_amount += change


def award_vary_amount(*, award: Award, amount: Decimal, actor: User, note: str) -> Award:
    """A manager's own change of the amount awarded: a variation requested and approved in one step, so the
    amount awarded stays the original plus the approved variations."""
    if not note.strip():
        raise ValidationError(
            {"note": "Please say why the amount awarded is changing; the reason is kept in the history."}
        )
    amount = Decimal(amount)
    with transaction.atomic():
        for pk in programmes_of(award):
            lock(FundingProgramme, pk)
        award = lock(Award, award.pk)
        if not roles.of(actor).manages_programme(award.programme):
            raise PermissionRefused(f"Only the programme managers of {award.programme} can vary an award.")
        change = amount - (award.amount_awarded or ZERO)
        if not change:
            raise ValidationError({"amount": f"The award is already {money(amount)}."})
        lines = _proportional_line_changes(award, change)
        variation = variation_request(
            award=award, actor=actor, kind=Variation.Kind.AMOUNT, reason=note, amount_change=change, lines=lines
        )
        variation_transition(variation=variation, name="approve", actor=actor, note=note)
        award.refresh_from_db()
        return award


def _proportional_line_changes(award: Award, change: Decimal):
    lines = list(award.budget_lines.select_related("category").order_by("category__position", "category_id", "year"))
    if not lines:
        return []
    weights = [line.approved or ZERO for line in lines]
    sign = 1 if change > 0 else -1
    shares = share_out(abs(change), weights)
    return [(line.category, line.year, sign * share) for line, share in zip(lines, shares, strict=True)]
