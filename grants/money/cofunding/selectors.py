"""Reads of co-funding shares, scoped to what a person may see, and the programme totals they make."""

from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from accounts import roles
from partnerships.selectors import NOTHING, _p, scoped
from workflow.lookups import in_subquery

from ...models import Award, FundingProgramme, Payment
from ...selectors import award_scope
from ..pennies import share_out
from .models import ZERO, AwardShare


def share_scope(user, prefix: str = "") -> Q | None:
    """A share is seen by whoever sees its award (the one award scope) and also: manages or funds the
    award's lead programme, is its recipient, or manages or funds the share's own programme. So a
    co-funder sees the award and its own share, not the other funders'."""
    r = roles.of(user)
    if r.is_admin:
        return None
    q = NOTHING
    if r.manager_orgs:
        q |= _p(prefix, award__programme__managed_by_id__in=r.manager_orgs)
        q |= _p(prefix, programme__managed_by_id__in=r.manager_orgs)
    if r.funder_orgs:
        q |= _p(prefix, award__programme__funder_id__in=r.funder_orgs)
        q |= _p(prefix, programme__funder_id__in=r.funder_orgs)
    if r.partner_orgs:
        q |= _p(prefix, award__recipient_id__in=r.partner_orgs)
    seen = award_scope(user, prefix + "award__")
    return q if seen is None else q & seen


def share_list(*, user) -> QuerySet:
    return scoped(
        AwardShare.objects.select_related("award__programme", "programme__funder", "set_by"), share_scope(user)
    )


def award_shares(*, award: Award, user) -> list[AwardShare]:
    """The shares of `award` the person may see, lead programme first (one query)."""
    shares = list(share_list(user=user).filter(award=award))
    return sorted(shares, key=lambda s: (not s.is_lead, s.programme.name))


def is_co_funded() -> Exists:
    """An award annotation: True when the award has shares (costs no extra query on a list)."""
    return Exists(AwardShare.objects.filter(award=OuterRef("pk")))


# The money each programme carries --------------------------------------------------------------


def split_of(award: Award) -> dict[int, Decimal]:
    """{programme id: amount} the award commits: its shares, or all of it on its own programme."""
    shares = {s.programme_id: s.amount for s in AwardShare.objects.filter(award=award)}
    return shares or {award.programme_id: award.amount_awarded or ZERO}


def paid_split(paid: Decimal, split: dict[int, Decimal]) -> dict[int, Decimal]:
    """Money paid on an award counted against each programme in proportion to its share, to the penny."""
    ids = sorted(split)
    return dict(zip(ids, share_out(paid, [split[i] for i in ids]), strict=True))


def _paid_on(award_ids) -> dict[int, Decimal]:
    rows = (
        Payment.objects.filter(award_id__in=award_ids, state=Payment.State.PAID)
        .order_by()
        .values_list("award_id")
        .annotate(total=Sum("amount"))
    )
    return dict(rows)


def programme_committed(programme: FundingProgramme) -> Decimal:
    """Committed on a programme: the amount awarded of its approved awards that have no shares, and its
    shares of approved awards (its own and others')."""
    shared = AwardShare.objects.filter(award=OuterRef("pk"))
    own = programme.awards.filter(state__in=Award.COMMITTED_STATES).exclude(Exists(shared))
    whole = own.aggregate(total=Coalesce(Sum("amount_awarded"), ZERO))["total"]
    shares = AwardShare.objects.filter(programme=programme, award__state__in=Award.COMMITTED_STATES)
    return whole + shares.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]


def programme_paid(programme: FundingProgramme) -> Decimal:
    """Paid from a programme: payments on its awards without shares, and its part of what was paid on
    every co-funded award it has a share in."""
    shared = AwardShare.objects.filter(award=OuterRef("award_id"))
    whole = (
        Payment.objects.filter(award__programme=programme, state=Payment.State.PAID)
        .exclude(Exists(shared))
        .aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]
    )
    award_ids = list(AwardShare.objects.filter(programme=programme).values_list("award_id", flat=True))
    if not award_ids:
        return whole
    splits: dict[int, dict[int, Decimal]] = {}
    for share in AwardShare.objects.filter(award_id__in=award_ids):
        splits.setdefault(share.award_id, {})[share.programme_id] = share.amount
    for award_id, paid in _paid_on(award_ids).items():
        whole += paid_split(Decimal(paid), splits[award_id]).get(programme.pk, ZERO)
    return whole


# Reports --------------------------------------------------------------------------------------


def share_rows(*, user, award_ids) -> list[dict]:
    """The shares of `award_ids` the person may see, as plain values (a report's data is fingerprinted)."""
    rows = share_list(user=user).filter(award_id__in=award_ids).order_by("award__identifier", "programme__name")
    return [
        {
            "award": s.award.identifier,
            "award_id": s.award_id,
            "programme": s.programme.name,
            "funder_id": s.programme.funder_id,
            "funder": s.programme.funder.name,
            "amount": s.amount,
            "lead": s.is_lead,
        }
        for s in rows
    ]


def co_funded(**programme) -> Q:
    """Awards co-funded by the programmes matching `programme` (`programme_id=…`, `programme__funder=…`), as
    a condition PostgreSQL answers by index inside an OR (workflow.lookups.in_subquery)."""
    return in_subquery("id", AwardShare.objects.filter(**programme).values("award_id"))


def funder_share(*, funder_id: int, awards: list[Award], shares: list[dict]) -> Decimal:
    """What one funder's programmes fund of the committed `awards`, from the awards and their `share_rows`
    (no query): the whole of those without shares that its programmes made, its shares of the others. The
    reader of a funder's portfolio sees every share of the awards its programmes lead (share_scope)."""
    shared = {s["award_id"] for s in shares}
    committed = {a.pk for a in awards if a.is_committed}
    whole = sum(
        (
            a.amount_awarded or ZERO
            for a in awards
            if a.pk in committed and a.pk not in shared and a.programme.funder_id == funder_id
        ),
        ZERO,
    )
    return whole + sum(
        (s["amount"] for s in shares if s["award_id"] in committed and s["funder_id"] == funder_id), ZERO
    )


def with_visible_shares(awards: QuerySet, *, user) -> QuerySet:
    """`awards` with `visible_shares` on each: the shares the person may see (one more query in all)."""
    seen = share_list(user=user).order_by("programme__name")
    return awards.prefetch_related(Prefetch("shares", queryset=seen, to_attr="visible_shares"))


def shares_text(award) -> str:
    """An award's visible shares in a cell of a download: "WM Fund 6666.67; Combined Authority Fund 3333.33"."""
    return "; ".join(f"{s.programme.name} {s.amount:.2f}" for s in getattr(award, "visible_shares", []))
