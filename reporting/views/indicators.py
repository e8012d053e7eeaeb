"""Pages for setting up an award's or project's indicators: the partner proposes them with the application
or proposal, a programme manager adds, edits and confirms them (reporting.services.indicators)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from grants.subjects import Subject
from workflow.errors import TransitionRefused
from workflow.services import history
from workflow.views import refusal_into_form

from .. import selectors, services
from ..forms import IndicatorForm
from ..models import Indicator
from .lookups import get_or_404, subject_or_404

DETAIL_VIEWS = {"award": "grants:award_detail", "project": "partnerships:project_detail"}


def _list_url(subject: Subject) -> str:
    return reverse("reporting:indicators", args=[subject.kind.name, subject.pk])


@login_required
def indicators(request, kind, pk):
    """The work's own indicators, each with its state, and a form to add one (or propose one)."""
    subject = subject_or_404(request.user, kind, pk)
    refusal = services.indicator_add_refusal(subject, request.user)
    form = IndicatorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if refusal is not None:
            form.add_error(None, refusal.reason)
        elif form.is_valid():
            try:
                added = services.indicator_add(actor=request.user, **subject.kwargs(), **form.service_kwargs())
            except (ValidationError, TransitionRefused) as error:
                refusal_into_form(form, error)
            else:
                proposed = added.state == Indicator.State.PROPOSED
                messages.success(
                    request,
                    f"“{added.name}” proposed: a programme manager will confirm it."
                    if proposed
                    else f"“{added.name}” added to {subject.reference}.",
                )
                return redirect(_list_url(subject))
    own = Indicator.objects.filter(**subject.lookup()).select_related("proposed_by").order_by("name", "id")
    rows = [
        {
            "indicator": indicator,
            "can_edit": services.indicator_edit_refusal(indicator, request.user) is None,
            "can_confirm": indicator.state == Indicator.State.PROPOSED and subject.manages(request.user),
        }
        for indicator in own
    ]
    context = {
        "subject": subject,
        "rows": rows,
        "form": form,
        "can_add": refusal is None,
        "proposing": refusal is None and not subject.manages(request.user),
        "back": reverse(DETAIL_VIEWS[subject.kind.name], args=[subject.pk]),
    }
    return render(request, "reporting/indicators.html", context, status=400 if form.errors else 200)


@login_required
def indicator_edit(request, pk):
    indicator = get_or_404(selectors.indicator_list(user=request.user).get, pk=pk)
    subject = Subject.of(indicator)
    refusal = services.indicator_edit_refusal(indicator, request.user)
    if refusal is not None:
        messages.error(request, refusal.reason)
        return redirect(_list_url(subject))
    confirming = indicator.state == Indicator.State.PROPOSED and subject.manages(request.user)
    if request.method == "POST":
        form = IndicatorForm(request.POST)
        if form.is_valid():
            fields = form.service_kwargs()
            confirm = confirming and "confirm" in request.POST
            try:
                if confirm:
                    services.indicator_confirm(indicator=indicator, actor=request.user, **fields)
                else:
                    services.indicator_update(indicator=indicator, actor=request.user, **fields)
            except (ValidationError, TransitionRefused) as error:
                refusal_into_form(form, error)
            else:
                done = "confirmed" if confirm else "saved"
                messages.success(request, f"“{fields['name'].strip()}” {done}.")
                return redirect(_list_url(subject))
    else:
        form = IndicatorForm(initial=IndicatorForm.initial_of(indicator))
    context = {
        "subject": subject,
        "indicator": indicator,
        "form": form,
        "confirming": confirming,
        "history": history(indicator),
        "back": _list_url(subject),
    }
    return render(request, "reporting/indicator_edit.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def indicator_confirm(request, pk):
    """Confirm a proposed indicator as it stands (the list's button)."""
    indicator = get_or_404(selectors.indicator_list(user=request.user).get, pk=pk)
    try:
        services.indicator_confirm(indicator=indicator, actor=request.user)
    except TransitionRefused as refusal:
        messages.error(request, refusal.reason)
    else:
        messages.success(request, f"“{indicator.name}” confirmed.")
    return redirect(_list_url(Subject.of(indicator)))
