"""Match funding recorded on an application (cash or in kind, from the applicant or others)."""

from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from workflow.services import log_money_change

from ...models import Award
from ...services import award_edit_refusal
from ..models import (
    ZERO,
    MatchFunding,
)

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
