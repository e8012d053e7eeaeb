"""The award page's co-funding section, and the page where a manager shares an award out."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import roles
from workflow.errors import TransitionRefused
from workflow.figures import FigureError, parse_money
from workflow.figures import message as figure_message
from workflow.text import NOTE
from workflow.views import get_visible_or_404, reason_of, refused

from ... import selectors as grant_selectors
from .models import ZERO
from .selectors import award_shares
from .services import award_shares_refusal, award_shares_set


def cofunding_context(award, user) -> dict:
    """What the award page shows of co-funding: the shares the person may see (one query)."""
    shares = award_shares(award=award, user=user)
    r = roles.of(user)
    own = [s for s in shares if s.programme.funder_id in r.funder_orgs]
    return {
        "shares": shares,
        "shares_total": sum((s.amount for s in shares), ZERO),
        "own_share": sum((s.amount for s in own), ZERO) if own else None,
        "can_share": award_shares_refusal(award, user) is None,
    }


def _choices(award, user):
    """Programmes the person manages that may co-fund the award (same currency), the award's own first."""
    others = grant_selectors.programme_list(user=user).filter(currency=award.currency).exclude(pk=award.programme_id)
    return [award.programme, *(p for p in others if roles.of(user).manages_programme(p))]


def _problems_of(error) -> tuple[list[str], str]:
    """A refusal's words for the page's summary; the note's own apart, for its field."""
    if isinstance(error, ValidationError) and "note" in getattr(error, "error_dict", {}):
        return [], " ".join(error.message_dict["note"])
    return [reason_of(error)], ""


@login_required
def award_shares_edit(request, pk):
    award = get_visible_or_404(grant_selectors.award_list(user=request.user, include_archived=True), pk=pk)
    back = reverse("grants:award_detail", args=[award.pk])
    refusal = award_shares_refusal(award, request.user)
    if refusal is not None:
        return refused(request, refusal, back)
    current = {s.programme_id: s.amount for s in award_shares(award=award, user=request.user)}
    programmes = _choices(award, request.user)
    rows = [{"programme": p, "name": f"share-{p.pk}", "value": current.get(p.pk, "")} for p in programmes[1:]]
    problems: list[str] = []
    note, note_error = "", ""
    if request.method == "POST":
        note = request.POST.get("note", "")
        pairs = []
        for row in rows:
            raw = request.POST.get(row["name"], "").strip()
            row["value"] = raw
            if not raw:
                continue
            try:
                pairs.append((row["programme"], parse_money(raw)))
            except FigureError as error:
                problems.append(f"{row['programme']}: {figure_message(error)}")
        if not problems:
            try:
                award_shares_set(award=award, actor=request.user, shares=pairs, note=note)
            except (TransitionRefused, ValidationError) as error:
                problems, note_error = _problems_of(error)
            else:
                messages.success(request, "The shares are saved.")
                return redirect(back)
    return render(
        request,
        "grants/money/award_shares_form.html",
        {
            "award": award,
            "lead": programmes[0],
            "rows": rows,
            "awarded": award.amount_awarded or Decimal("0.00"),
            "problems": problems,
            "note": note,
            "note_error": note_error,
            "note_limit": f"{NOTE:,}",
            "cancel_url": back,
        },
    )
