"""Every write on co-funding shares, and the moves of the programmes' running totals they cause.

Locks in the same order as grants.services: the programmes (in id order), then the award, so setting
shares, approving an award and deciding a variation over one programme queue behind each other.
"""

from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import roles
from workflow import clock
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import lock, log_money_change
from workflow.text import NOTE

from ...models import Award, FundingProgramme, money
from ..models import OPEN_TO_VARIATION
from ..pennies import PENNY
from .models import ZERO, AwardShare
from .selectors import paid_split, split_of


def move_totals(
    *,
    committed_before: dict[int, Decimal],
    committed_after: dict[int, Decimal],
    paid_before: dict[int, Decimal] | None = None,
    paid_after: dict[int, Decimal] | None = None,
) -> None:
    """Move each programme's running totals by the difference: the rows locked in id order, the new totals
    worked out in Decimal and written as they are (SQLite adds decimals as floating point, which can leave
    a programme a fraction of a penny short of what it paid), committed and paid in one UPDATE, so a
    programme's constraints judge its end state."""
    paid_before, paid_after = paid_before or {}, paid_after or {}
    ids = sorted(set(committed_before) | set(committed_after) | set(paid_before) | set(paid_after))
    for pk in ids:
        committed = committed_after.get(pk, ZERO) - committed_before.get(pk, ZERO)
        paid = paid_after.get(pk, ZERO) - paid_before.get(pk, ZERO)
        if committed or paid:
            programme = lock(FundingProgramme, pk)
            FundingProgramme.objects.filter(pk=pk).update(
                committed_amount=(programme.committed_amount + committed).quantize(PENNY),
                paid_amount=(programme.paid_amount + paid).quantize(PENNY),
            )


def programmes_of(award: Award) -> list[int]:
    """The ids of every programme with money in `award` (its own and its co-funders'), in lock order."""
    return sorted({award.programme_id, *AwardShare.objects.filter(award=award).values_list("programme_id", flat=True)})


def paid_moves(award: Award, amount: Decimal) -> dict[int, Decimal]:
    """{programme id: part of `amount`} when a payment of `amount` on `award` has just been released:
    each programme's part of the paid total after, less its part before (they add up to `amount`)."""
    split = split_of(award)
    paid = award.paid_total()
    before, after = paid_split(paid - amount, split), paid_split(paid, split)
    return {pk: after[pk] - before[pk] for pk in sorted(split) if after[pk] != before[pk]}


def award_shares_refusal(award: Award, actor: User) -> TransitionRefused | None:
    """Why `actor` may not set the shares of `award` now, or None if they may (the page and the service)."""
    if not roles.of(actor).manages_programme(award.programme):
        return PermissionRefused(f"Only the programme managers of {award.programme} can share an award out.")
    if award.state not in OPEN_TO_VARIATION:
        return TransitionRefused(
            "Shares are set once the award is approved and while it runs; "
            f"this award is {award.get_state_display().lower()}."
        )
    return None


def _clean_shares(award: Award, shares) -> dict[int, tuple[FundingProgramme, Decimal]]:
    """{programme id: (programme, amount)} from (programme, amount) pairs, every problem at once; the lead
    programme takes what is left when it is not given."""
    errors: list[str] = []
    cleaned: dict[int, tuple[FundingProgramme, Decimal]] = {}
    for programme, amount in shares:
        amount = Decimal(amount)
        if programme.pk in cleaned:
            errors.append(f"{programme} is given twice: give each programme one share.")
        elif amount < 0 or amount != amount.quantize(Decimal("0.01")):
            errors.append(f"{programme}: a share is pounds and pence, £0.00 or more.")
        elif programme.currency != award.currency:
            errors.append(f"{programme} pays in {programme.currency}; this award is in {award.currency}.")
        else:
            cleaned[programme.pk] = (programme, amount)
    if errors:
        raise ValidationError({"shares": errors})
    awarded = award.amount_awarded or ZERO
    others = sum((a for pk, (_, a) in cleaned.items() if pk != award.programme_id), ZERO)
    if award.programme_id not in cleaned:
        if others > awarded:
            raise ValidationError(
                {
                    "shares": [
                        f"The co-funders' shares add up to {money(others)}, more than the {money(awarded)} awarded."
                    ]
                }
            )
        cleaned[award.programme_id] = (award.programme, awarded - others)
    total = sum((a for _, a in cleaned.values()), ZERO)
    if total != awarded:
        raise ValidationError(
            {"shares": [f"The shares add up to {money(total)}; they must add up to the {money(awarded)} awarded."]}
        )
    return cleaned


def _check_managers(programmes: dict[int, FundingProgramme], before, after, actor: User) -> None:
    """A programme's money is committed (or given back) only by its own managers."""
    r = roles.of(actor)
    changed = [programmes[pk] for pk in sorted(set(before) | set(after)) if before.get(pk) != after.get(pk)]
    others = [str(p) for p in changed if not r.manages_programme(p)]
    if others:
        raise PermissionRefused(
            f"Only the programme managers of {', '.join(others)} can commit its budget to this award "
            "or change its share."
        )


def _check_budgets(programmes: dict[int, FundingProgramme], before, after) -> None:
    """Each programme whose share grows must have the difference left in its budget (every shortfall named)."""
    short = []
    for pk in sorted(after):
        more = after[pk] - before.get(pk, ZERO)
        programme = programmes[pk]
        remaining = programme.budget - programme.committed_amount
        if more > remaining:
            short.append(
                f"{programme}'s share of {money(after[pk])} would take it past its budget of "
                f"{money(programme.budget)}: {money(programme.committed_amount)} is already committed, "
                f"leaving {money(remaining)}."
            )
    if short:
        raise TransitionRefused("The shares cannot be set. " + " ".join(short))


def award_shares_set(*, award: Award, actor: User, shares, note: str = "") -> list[AwardShare]:
    """Share an approved award out between programmes: (programme, amount) pairs. The lead programme (the
    award's own) takes whatever the others do not; the shares add up to the amount awarded, to the penny.
    An empty list puts the whole award back on its own programme. Each change is logged on the award, with
    `note` (refused, never cut, when longer than a note may be)."""
    if len(note) > NOTE:
        raise ValidationError({"note": note_too_long(note)})
    with transaction.atomic():
        award = Award.objects.select_related("programme").get(pk=award.pk)
        wanted = _clean_shares(award, shares)
        current = set(AwardShare.objects.filter(award=award).values_list("programme_id", flat=True))
        ids = sorted(current | set(wanted) | {award.programme_id})
        programmes = {pk: lock(FundingProgramme, pk) for pk in ids}
        award = lock(Award, award.pk)
        award.programme = programmes[award.programme_id]
        refusal = award_shares_refusal(award, actor)
        if refusal is not None:
            raise refusal
        wanted = _clean_shares(award, [(programmes[pk], a) for pk, (_, a) in wanted.items()])
        before = split_of(award)
        after = {pk: a for pk, (_, a) in wanted.items()}
        if len(after) == 1:  # only the lead: the award is wholly its own programme's again
            after = {award.programme_id: award.amount_awarded or ZERO}
        _check_managers(programmes, before, after, actor)
        _check_budgets(programmes, before, after)
        paid = award.paid_total()
        move_totals(
            committed_before=before,
            committed_after=after,
            paid_before=paid_split(paid, before),
            paid_after=paid_split(paid, after),
        )
        return _write_shares(award, before, after if len(after) > 1 else {}, programmes, actor, note)


def note_too_long(note: str) -> str:
    return f"The note is {len(note):,} characters long: keep it to {NOTE:,}."


def _write_shares(award, before, after, programmes, actor, note) -> list[AwardShare]:
    """Write the share rows (kept in place, so each keeps who set it and when) and log each change on the
    award: from its old share (or nothing) to its new share (or nothing, when it stops co-funding)."""
    now = clock.now()
    existing = {s.programme_id: s for s in AwardShare.objects.filter(award=award)}
    kept: list[AwardShare] = []
    for pk in sorted(set(existing) | set(after)):
        share = existing.get(pk)
        old = share.amount if share is not None else None
        if share is not None and pk not in after:
            share.delete()
        elif share is None:
            kept.append(
                AwardShare.objects.create(award=award, programme_id=pk, amount=after[pk], set_by=actor, set_at=now)
            )
        else:
            if share.amount != after[pk]:
                share.amount, share.set_by, share.set_at = after[pk], actor, now
                share.save(update_fields=["amount", "set_by", "set_at"])
            kept.append(share)
        why = f"Share of {programmes[pk]} ({programmes[pk].funder})" + (f": {note}" if note else "")
        log_money_change(award, field="share", old=old, new=after.get(pk), actor=actor, note=why[:2000])
    return kept


def lead_takes_change(
    award: Award, change: Decimal, *, actor: User, note: str = ""
) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """A variation of `change` on the amount awarded, on a co-funded award: the lead programme's share takes
    it all (the budget guard checked is the lead programme's). Returns the split before and after; refuses
    when the lead's share would go below nothing (re-set the shares first). Call with the programme and the
    award locked."""
    before = split_of(award)
    shares = {s.programme_id: s for s in AwardShare.objects.select_for_update().filter(award=award)}
    if not shares:
        return before, {award.programme_id: before[award.programme_id] + change}
    lead = shares.get(award.programme_id)
    new = (lead.amount if lead else ZERO) + change
    if new < 0:
        raise TransitionRefused(
            f"{award.programme}'s share is {money(lead.amount if lead else ZERO)}: it cannot take a cut of "
            f"{money(-change)}. Re-set the co-funders' shares first, then vary the award."
        )
    if lead is None:
        lead = AwardShare(award=award, programme_id=award.programme_id, amount=ZERO)
    old = lead.amount if lead.pk else None
    lead.amount, lead.set_by, lead.set_at = new, actor, clock.now()
    lead.save()
    why = f"Share of {award.programme} (the lead programme takes the variation)" + (f": {note}" if note else "")
    log_money_change(award, field="share", old=old, new=new, actor=actor, note=why[:2000])
    return before, {**before, award.programme_id: new}
