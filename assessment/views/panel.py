"""The panel of a call: ranked weighted scores on the page and as a spreadsheet."""

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from accounts import roles
from workflow.views import get_visible_or_404, require_role

from .. import selectors


@login_required
def call_panel(request, pk):
    call = get_visible_or_404(selectors.call_list(user=request.user), pk=pk)
    require_role(
        request, roles.of(request.user).manages_programme(call.programme), "the programme's managers sit on the panel"
    )
    rows = selectors.panel(user=request.user, call=call)
    return render(
        request,
        "assessment/panel.html",
        {
            "call": call,
            "rows": rows,
            "remaining": selectors.programme_remaining(call),
            "criteria": list(call.criteria.all()),
        },
    )


@login_required
def call_export(request, pk):
    """The panel as a spreadsheet (CSV): the same rows, through the same scope, as the page."""
    call = get_visible_or_404(selectors.call_list(user=request.user), pk=pk)
    require_role(request, roles.of(request.user).manages_programme(call.programme), "the programme's managers")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="panel-call-{call.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["Rank", "Award", "Applicant", "Asked", "Weighted score", "Spread", "Assessors", "Flag", "Decision", "Scores"]
    )
    for row in selectors.panel(user=request.user, call=call):
        award = row.application.award
        detail = (
            "hidden (your conflict of interest)"
            if row.hidden
            else "; ".join(f"{a.assessor.username}: {s}" for a, s in row.assessor_scores)
        )
        writer.writerow(
            [
                row.rank or "",
                award.identifier,
                _safe(award.recipient.name),
                award.amount_requested,
                row.moderation.score if row.moderation.score is not None else "",
                row.moderation.spread if row.moderation.spread is not None else "",
                row.moderation.assessors,
                "assessors disagree" if row.moderation.disagree else "",
                row.application.get_decision_display(),
                _safe(detail),
            ]
        )
    return response


def _safe(text: str) -> str:
    """A cell a spreadsheet never runs as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
