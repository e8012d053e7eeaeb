"""Writes on funding programmes: setting one up, its details and budget, and its running totals.

The programme is locked before any budget check, so two managers acting at once cannot both spend
the same pound; the running totals move in the caller's transaction."""

from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F

from accounts import roles
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import lock, log_money_change, set_fields

from ..models import FundingProgramme, money


def _require_programme_manager(programme, actor: User, what: str):
    if not roles.of(actor).manages_programme(programme):
        raise PermissionRefused(f"Only the programme managers of {programme} can {what}.")


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
