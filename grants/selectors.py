"""Reads of programmes, awards and payments, scoped to what a person may see."""

from datetime import date
from decimal import Decimal
from typing import Literal, cast

from django.db.models import (
    Count,
    DecimalField,
    F,
    IntegerField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from accounts import roles
from partnerships.models import LocalAuthority, PartnershipMember
from partnerships.selectors import NOTHING, _p, scoped

from .models import ZERO, Award, AwardShare, AwardTally, FundingProgramme, Payment

MONEY_FIELD: "DecimalField[Decimal, Decimal]" = DecimalField(max_digits=14, decimal_places=2)


def programme_scope(user, prefix: str = "") -> Q | None:
    r = roles.of(user)
    if r.is_admin:
        return None
    q = NOTHING
    if r.manager_orgs:
        q |= _p(prefix, managed_by_id__in=r.manager_orgs)
    if r.funder_orgs:
        q |= _p(prefix, funder_id__in=r.funder_orgs)
    if r.partner_orgs:
        # Partners see the programmes they hold awards from, and those of the partnerships they belong to
        # (so they can apply); not other partnerships' programmes.
        q |= _p(prefix, pk__in=Award.objects.filter(recipient_id__in=r.partner_orgs).values("programme_id"))
        member_of = FundingProgramme.objects.filter(partnership__members__organisation_id__in=r.partner_orgs)
        q |= _p(prefix, pk__in=member_of.values("pk"))
    return q


def award_scope(user, prefix: str = "") -> Q | None:
    r = roles.of(user)
    if r.is_admin:
        return None
    q = NOTHING
    if r.manager_orgs:
        q |= _p(prefix, programme__managed_by_id__in=r.manager_orgs)
        q |= _p(prefix, pk__in=AwardShare.objects.filter(programme__managed_by_id__in=r.manager_orgs).values("award"))
    if r.funder_orgs:
        # A funder sees the awards its programmes fund (or co-fund: grants/money/cofunding/) once they were
        # submitted: never a draft, nor a draft its applicant withdrew before submitting it.
        co_funded = AwardShare.objects.filter(programme__funder_id__in=r.funder_orgs).values("award")
        q |= (
            (_p(prefix, programme__funder_id__in=r.funder_orgs) | _p(prefix, pk__in=co_funded))
            & ~_p(prefix, state=Award.State.DRAFT)
            & ~never_submitted(prefix)
        )
    if r.partner_orgs:
        q |= _p(prefix, recipient_id__in=r.partner_orgs)
    return q


def never_submitted(prefix: str = "") -> Q:
    """An application withdrawn while still a draft: it stays its applicant's (and the managers') alone."""
    return _p(prefix, state=Award.State.WITHDRAWN, submitted_at__isnull=True)


def programme_list(*, user) -> QuerySet:
    return scoped(FundingProgramme.objects.select_related("funder", "managed_by", "partnership"), programme_scope(user))


def award_list(*, user, include_archived: bool = False) -> QuerySet:
    """Awards the person may see; archived ones only when asked for (they are kept, never deleted).

    Each row comes with its programme and funder, recipient, project and partnership, the names every
    list shows. The recipient's place is left to `with_places`: PostgreSQL plans a join's order by trying
    the orders of its tables, and two tables more (the local authority and its sub-region, with the
    programme's manager that nothing reads from an award) took its planning of a page of awards from
    1.8 ms to 5.8 ms, more than reading the page."""
    qs = scoped(
        Award.objects.select_related("programme__funder", "recipient", "project", "partnership"),
        award_scope(user),
    )
    return qs if include_archived else qs.filter(archived_at__isnull=True)


def with_places(awards: QuerySet) -> QuerySet:
    """`awards` with each recipient's local authority and its sub-region, read in one more query for the
    whole list (the API and downloads show them)."""
    places = LocalAuthority.objects.select_related("sub_region")
    return awards.prefetch_related(Prefetch("recipient__local_authority", queryset=places))


def payment_list(*, user) -> QuerySet:
    return scoped(
        Payment.objects.select_related("award__programme", "award__recipient", "gated_on_update"),
        award_scope(user, "award__"),
    )


# The reporting periods a payment may be held on come from reporting, a layer above, which registers
# them (reporting/closing.py): `provider(award)` -> [(period_end, label), …], started or not.
_GATE_PERIODS: list = []


def register_gate_periods(provider) -> None:
    if provider not in _GATE_PERIODS:
        _GATE_PERIODS.append(provider)


def gate_period_choices(award: Award) -> list[tuple[date, str]]:
    """Every due period of `award`'s reporting schedule, as (period end, words), whether or not its
    update has been started: what a payment can be held on."""
    return [choice for provider in _GATE_PERIODS for choice in provider(award)]


def gate_update_for_period(award: Award, period_end: date):
    """The award's progress update for the period ending `period_end`, if it has been started."""
    updates = cast("type[Model]", Payment._meta.get_field("gated_on_update").related_model)
    return updates._default_manager.filter(award=award, period_end=period_end).order_by("period_start").first()


def programme_open_list(*, user) -> QuerySet:
    """Programmes a person may apply to: those they manage, and (for a partner) the programmes of the
    partnerships their organisation belongs to."""
    r = roles.of(user)
    if r.is_admin:
        return programme_list(user=user)
    q = NOTHING
    if r.manager_orgs:
        q |= Q(managed_by_id__in=r.manager_orgs)
    if r.partner_orgs:
        member_of = PartnershipMember.objects.filter(organisation_id__in=r.partner_orgs).values("partnership_id")
        q |= Q(partnership_id__in=member_of) | Q(
            pk__in=Award.objects.filter(recipient_id__in=r.partner_orgs).values("programme_id")
        )
    return FundingProgramme.objects.select_related("funder", "managed_by", "partnership").filter(q)


def _per_programme(qs: QuerySet, group_by: str, aggregate, output, empty):
    rows = qs.order_by().values(group_by).annotate(value=aggregate).values("value")
    return Coalesce(Subquery(rows, output_field=output), Value(empty))


def programme_money_list(*, user) -> QuerySet:
    """Programmes with `committed` (approved awards), `paid` and `award_count` (beyond draft), in one query.

    Committed and paid are the programme's running totals (kept by the services, reconciled in tests),
    and the count adds up the programme's stage tallies (kept by triggers, grants/tallies.py), so the
    page costs the same at 1,000,000 awards as at 100."""
    counted = AwardTally.objects.filter(programme=OuterRef("pk")).exclude(state=Award.State.DRAFT)
    return programme_list(user=user).annotate(
        committed=F("committed_amount"),
        paid=F("paid_amount"),
        award_count=_per_programme(counted, "programme_id", Sum("awards"), IntegerField(), 0),
    )


def award_tally_scope(user) -> Q | None | Literal[False]:
    """`award_scope` said in terms of a programme and a stage, for reading `AwardTally`; False when
    the person's scope cannot be (a partner sees awards by recipient, not by programme)."""
    r = roles.of(user)
    if r.is_admin:
        return None
    if r.partner_orgs:
        return False
    q = NOTHING
    if r.manager_orgs:
        q |= Q(programme__managed_by_id__in=r.manager_orgs)
    if r.funder_orgs:
        q |= Q(programme__funder_id__in=r.funder_orgs) & ~Q(state=Award.State.DRAFT)
    return q


def shared_only(user) -> QuerySet | None:
    """Awards the person sees only through a share of one of their programmes (grants/money/cofunding):
    co-funded or co-managed, not their own programmes' awards. The per-programme tallies count an award
    under its own programme only, so these are what a reading of the tallies adds (each award once, however
    many of the person's programmes share it). None when the tallies already say everything (an
    administrator) or are not read (a partner)."""
    r = roles.of(user)
    tallied = award_tally_scope(user)
    if tallied is None or tallied is False:
        return None
    shares = NOTHING
    if r.manager_orgs:
        shares |= Q(programme__managed_by_id__in=r.manager_orgs)
    if r.funder_orgs:
        shares |= Q(programme__funder_id__in=r.funder_orgs)
    awards = Award.objects.filter(
        pk__in=AwardShare.objects.filter(shares).values("award"), archived_at__isnull=True
    ).exclude(tallied)
    return scoped(awards, award_scope(user))


def award_stage_figures(*, user) -> dict[str, dict] | None:
    """{stage: {"n", "requested", "awarded", "awarded_n"}} over the awards the person may see (not
    archived), from the stage tallies, with the awards they co-fund or co-manage through a share counted
    beside them (`shared_only`): one query, of a few rows per programme and the person's shared awards.
    None when the scope is not by programme (the caller then counts the awards themselves)."""
    scope = award_tally_scope(user)
    if scope is False:
        return None
    rows = (
        scoped(AwardTally.objects.filter(archived=False), scope)
        .order_by()
        .values("state")
        .annotate(n=Sum("awards"), requested=Sum("requested"), awarded=Sum("awarded"), awarded_n=Sum("awarded_awards"))
    )
    shared = shared_only(user)
    if shared is not None:
        rows = rows.union(
            shared.order_by()
            .values("state")
            .annotate(
                n=Count("pk"),
                requested=Sum("amount_requested"),
                awarded=Coalesce(Sum("amount_awarded"), Value(ZERO)),
                awarded_n=Count("amount_awarded"),
            ),
            all=True,
        )
    figures: dict[str, dict] = {}
    for row in rows:
        found = figures.setdefault(
            row["state"], {"state": row["state"], "n": 0, "requested": ZERO, "awarded": ZERO, "awarded_n": 0}
        )
        for key in ("n", "requested", "awarded", "awarded_n"):
            found[key] += row[key] or 0
    return {state: r for state, r in figures.items() if r["n"]}


def payment_gate_list(*, user) -> QuerySet:
    """Progress updates a payment may be held on: those of awards the person may see (the service
    then insists on the payment's own award). By the model's name: reporting sits above grants."""
    from django.apps import apps

    updates = apps.get_model("reporting", "ProgressUpdate").objects.select_related("award", "project")
    return updates.filter(award__in=award_list(user=user, include_archived=True).values("pk"))
