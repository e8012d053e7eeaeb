"""Every write on budget lines, spend by line, variations and payment runs.

Locks in the same order as grants.services (programme, then award, then the row itself), so a variation
and an approval over one programme queue behind each other instead of spending the same pound twice.
"""

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from accounts import roles
from partnerships.models import Organisation
from workflow import clock
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import apply_transition, lock, log_money_change, log_transition, transition_refusal

from ..models import Award, FundingProgramme, Payment, money
from ..services import _add_to_totals, award_edit_refusal
from .exports import FORMATS
from .models import (
    MAX_YEARS,
    OPEN_TO_VARIATION,
    ZERO,
    BudgetCategory,
    BudgetLine,
    MatchFunding,
    PaymentRun,
    PaymentRunItem,
    SpendLine,
    Variation,
    VariationLine,
)
from .pennies import share_out

# Payment runs ---------------------------------------------------------------------------------


def payment_run_refusal(*, actor: User, organisation: Organisation) -> PermissionRefused | None:
    if not (roles.of(actor).is_admin or organisation.pk in roles.of(actor).manager_orgs):
        return PermissionRefused(f"Only the programme managers of {organisation} can send its payments to finance.")
    return None


def payment_run_due(*, organisation: Organisation, due_by: date):
    """Approved payments of the organisation's programmes due by `due_by` that no run has sent yet."""
    return Payment.objects.filter(
        state=Payment.State.APPROVED,
        due_on__lte=due_by,
        award__programme__managed_by=organisation,
        run_item__isnull=True,
    )


def payment_run_export(*, actor: User, organisation: Organisation, due_by: date, format: str = "xero") -> PaymentRun:
    """Put every approved payment due by `due_by` into one run and write its file, once.

    The payments are locked (in id order) before they are read again, so two runs made at the same
    moment cannot both take a payment: the second waits, then finds it taken. A payment's run item is
    one-to-one besides, so the database itself refuses a second."""
    refusal = payment_run_refusal(actor=actor, organisation=organisation)
    if refusal is not None:
        raise refusal
    exporter = FORMATS.get(format)
    if exporter is None:
        raise ValidationError({"format": f"“{format}” is not a format Exchange writes: use {', '.join(FORMATS)}."})
    with transaction.atomic():
        locked = list(
            payment_run_due(organisation=organisation, due_by=due_by)
            .select_for_update(of=("self",))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        # Read again after the locks: a run that committed while this one waited has taken its payments.
        payments = list(
            payment_run_due(organisation=organisation, due_by=due_by)
            .filter(pk__in=locked)
            .select_related("award__recipient", "award__programme")
            .prefetch_related("award__budget_lines__category")
            .order_by("due_on", "pk")
        )
        if not payments:
            raise TransitionRefused(
                f"No approved payment of {organisation}'s programmes is due by {due_by:%d %B %Y} that has not "
                "already gone to finance. Approve payments for payment first."
            )
        now = clock.now()
        run = PaymentRun.objects.create(
            managed_by=organisation,
            due_by=due_by,
            format=format,
            created_by=actor,
            created_at=now,
            payment_count=len(payments),
            total=sum((p.amount for p in payments), ZERO),
            filename=f"payment-run-{now:%Y%m%d-%H%M%S}.{exporter.extension}",
            content="",
        )
        try:
            with transaction.atomic():
                items = PaymentRunItem.objects.bulk_create(
                    PaymentRunItem(run=run, payment=p, amount=p.amount) for p in payments
                )
        except IntegrityError:
            raise TransitionRefused(
                "Another payment run took some of these payments at the same moment; nothing was exported. "
                "Try again: only payments not yet sent will be taken."
            ) from None
        for item, payment in zip(items, payments, strict=True):
            item.payment = payment
        run.content = exporter.render(run, items)
        run.save(update_fields=["content"])
        for payment in payments:
            log_transition(
                payment,
                name="export",
                source=payment.state,
                actor=actor,
                note=f"Sent to finance in payment run {run.pk} ({exporter.label})",
            )
        return run


def payment_run_record_paid(
    *, run: PaymentRun, actor: User, paid_on: date, reference: str = "", note: str = ""
) -> list[Payment]:
    """Finance has paid the run: release each of its payments still approved, with one paid-on date and
    remittance reference (each payment keeps its own reference if it has one)."""
    from ..services import payment_release

    refusal = payment_run_refusal(actor=actor, organisation=run.managed_by)
    if refusal is not None:
        raise refusal
    released = []
    with transaction.atomic():
        for item in run.items.select_related("payment").order_by("payment_id"):
            if item.payment.state == Payment.State.APPROVED:
                released.append(
                    payment_release(
                        payment=item.payment,
                        actor=actor,
                        note=note or f"Paid in payment run {run.pk}",
                        paid_on=paid_on,
                        reference=reference,
                    )
                )
    if not released:
        raise TransitionRefused("Every payment in this run is already paid or cancelled.")
    return released


# Budget categories ---------------------------------------------------------------------------


def budget_category_save(
    *,
    programme: FundingProgramme,
    actor: User,
    name: str,
    finance_code: str = "",
    position: int | None = None,
    category: BudgetCategory | None = None,
) -> BudgetCategory:
    if not roles.of(actor).manages_programme(programme):
        raise PermissionRefused(f"Only the programme managers of {programme} can set its budget lines.")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the budget line a name, for example “Supply cover”."})
    with transaction.atomic():
        lock(FundingProgramme, programme.pk)
        clash = BudgetCategory.objects.filter(programme=programme, name__iexact=name)
        if category is not None:
            clash = clash.exclude(pk=category.pk)
        if clash.exists():
            raise ValidationError({"name": f"{programme} already has a budget line called “{name}”."})
        if category is None:
            top = BudgetCategory.objects.filter(programme=programme).aggregate(top=Max("position"))["top"]
            category = BudgetCategory(programme=programme, position=(top or 0) + 1 if position is None else position)
        elif position is not None:
            category.position = position
        category.name = name
        category.finance_code = finance_code.strip()
        category.full_clean()
        category.save()
        return category


# Budget lines --------------------------------------------------------------------------------


def _clean_lines(award: Award, lines, *, signed: bool) -> dict[tuple[int, int], Decimal]:
    """{(category id, year): amount} from (category, year, amount) triples, every problem at once."""
    errors: list[str] = []
    cleaned: dict[tuple[int, int], Decimal] = {}
    for category, year, amount in lines:
        if category.programme_id != award.programme_id:
            errors.append(f"Budget line {category.pk} is not one of {award.programme}'s budget lines.")
            continue
        if not (1 <= int(year) <= MAX_YEARS):
            errors.append(f"Year {year} is not a year of the grant: use 1 to {MAX_YEARS}.")
            continue
        amount = Decimal(amount)
        if amount < 0 and not signed:
            errors.append(f"{category.name}, year {year}: an amount cannot be below £0.")
            continue
        key = (category.pk, int(year))
        cleaned[key] = cleaned.get(key, ZERO) + amount
    if errors:
        raise ValidationError({"lines": errors})
    return cleaned


def budget_lines_set(*, award: Award, actor: User, lines, note: str = "") -> list[BudgetLine]:
    """Replace the application's budget: (category, year, amount) for each line and year asked for.
    The amount requested becomes the lines' total (logged), so they always agree."""
    with transaction.atomic():
        award = Award.objects.select_for_update().select_related("programme").get(pk=award.pk)
        refusal = award_edit_refusal(award, actor)
        if refusal is not None:
            raise refusal
        cleaned = _clean_lines(award, lines, signed=False)
        total = sum(cleaned.values(), ZERO)
        if total <= 0:
            raise ValidationError({"lines": ["The budget needs at least one line above £0."]})
        award.budget_lines.all().delete()
        created = BudgetLine.objects.bulk_create(
            BudgetLine(award=award, category_id=c, year=y, requested=amount)
            for (c, y), amount in sorted(cleaned.items())
            if amount
        )
        if total != award.amount_requested:
            old = award.amount_requested
            award.amount_requested = total
            award.save(update_fields=["amount_requested", "updated_at"])
            log_money_change(
                award, field="amount_requested", old=old, new=total, actor=actor, note=note or "Budget lines total"
            )
        return created


def budget_fix_approved(award: Award, actor: User) -> None:
    """At approval: the approved budget by line, the requested lines scaled to the amount awarded, to the
    penny (they add up to it exactly). Registered as an after-transition hook of the award's approval."""
    lines = list(award.budget_lines.order_by("category__position", "category_id", "year"))
    if not lines:
        return
    shares = share_out(award.amount_awarded or ZERO, [line.requested for line in lines])
    for line, share in zip(lines, shares, strict=True):
        line.approved = share
    BudgetLine.objects.bulk_update(lines, ["approved"])


def budget_lines_match_request(award: Award) -> bool:
    lines = award.budget_lines.all()
    if not lines.exists():
        return True
    return sum((line.requested for line in lines), ZERO) == award.amount_requested


# Match funding ------------------------------------------------------------------------------


def match_funding_set(*, award: Award, actor: User, rows) -> list[MatchFunding]:
    """Replace the application's match funding: (source, provider, kind, amount, description) rows.
    The applicant while it is a draft, a manager until it is decided (the application's own rule)."""
    errors: list[str] = []
    cleaned = []
    for n, (source, provider, kind, amount, description) in enumerate(rows, start=1):
        source = (source or "").strip()
        if not source:
            errors.append(f"Row {n}: say who gives it.")
            continue
        if provider not in MatchFunding.Provider.values or kind not in MatchFunding.Kind.values:
            errors.append(f"Row {n}: choose who gives it and whether it is cash or in kind.")
            continue
        if amount is None or Decimal(amount) <= 0:
            errors.append(f"Row {n} ({source}): the amount must be more than £0.")
            continue
        cleaned.append(
            MatchFunding(
                source=source[:200],
                provider=provider,
                kind=kind,
                amount=Decimal(amount),
                description=(description or "").strip()[:300],
            )
        )
    if errors:
        raise ValidationError({"match_funding": errors})
    with transaction.atomic():
        award = Award.objects.select_for_update().select_related("programme").get(pk=award.pk)
        refusal = award_edit_refusal(award, actor)
        if refusal is not None:
            raise refusal
        before = sum((m.amount for m in award.match_funding.all()), ZERO)
        award.match_funding.all().delete()
        for row in cleaned:
            row.award = award
        created = MatchFunding.objects.bulk_create(cleaned)
        after = sum((m.amount for m in created), ZERO)
        log_money_change(award, field="match_funding", old=before, new=after, actor=actor, note="Match funding")
        return created


# Spend by line (a partner's progress update) -------------------------------------------------


def spend_lines_save(*, update, lines) -> Decimal:
    """Spend to date by budget line on an update the caller (reporting) has locked and checked may be
    edited: (category, amount) pairs. Returns their total, the update's spend to date."""
    award = update.award
    if award is None:
        raise ValidationError({"spend_lines": ["Spend by budget line is reported on awards only."]})
    errors = []
    cleaned: dict[int, Decimal] = {}
    for category, amount in lines:
        if category.programme_id != award.programme_id:
            errors.append(f"Budget line {category.pk} is not one of {award.programme}'s budget lines.")
            continue
        if amount is None:
            continue
        amount = Decimal(amount)
        if amount < 0:
            errors.append(f"{category.name}: spend cannot be below £0.")
            continue
        cleaned[category.pk] = cleaned.get(category.pk, ZERO) + amount
    if errors:
        raise ValidationError({"spend_lines": errors})
    SpendLine.objects.filter(update=update).delete()
    SpendLine.objects.bulk_create(
        SpendLine(update=update, category_id=c, amount=a) for c, a in sorted(cleaned.items()) if a
    )
    return sum(cleaned.values(), ZERO)


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
        programme = lock(FundingProgramme, variation.award.programme_id)
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
        _add_to_totals(programme.pk, committed=change)
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
        lock(FundingProgramme, award.programme_id)
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
