"""Budget categories, an application's budget by line and year, the approved budget fixed at approval,
and spend by line on a partner's progress update."""

from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from accounts import roles
from workflow.errors import PermissionRefused
from workflow.services import lock, log_money_change

from ...models import Award, FundingProgramme
from ...services import award_edit_refusal
from ..models import (
    MAX_YEARS,
    ZERO,
    BudgetCategory,
    BudgetLine,
    SpendLine,
)
from ..pennies import share_out

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
