"""The criteria a call is judged on: managers add, change and remove them before scoring begins."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import roles
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.views import get_visible_or_404, refusal_into_form, refused

from .. import forms, selectors, services


@login_required
def criterion_add(request, pk):
    call = get_visible_or_404(selectors.call_list(user=request.user), pk=pk)
    if not roles.of(request.user).manages_programme(call.programme):
        refusal = PermissionRefused(f"Only the programme managers of {call.programme} can set the criteria.")
        return refused(request, refusal, reverse("assessment:call_detail", args=[call.pk]))
    form = forms.CriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_add(call=call, actor=request.user, **form.cleaned_data)
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, "The criterion is added.")
            return redirect("assessment:call_detail", pk=call.pk)
    return render(
        request,
        "includes/form_page.html",
        {
            "form": form,
            "title": f"Add a criterion to {call.title}",
            "cancel_url": reverse("assessment:call_detail", args=[call.pk]),
            "submit_label": "Add criterion",
        },
    )


def _managed_criterion(request, pk):
    criterion = get_visible_or_404(selectors.criterion_list(user=request.user), pk=pk)
    back = reverse("assessment:call_detail", args=[criterion.call_id])
    if not roles.of(request.user).manages_programme(criterion.call.programme):
        programme = criterion.call.programme
        return criterion, back, PermissionRefused(f"Only the programme managers of {programme} can set the criteria.")
    return criterion, back, services.criteria_change_refusal(criterion.call)


@login_required
def criterion_edit(request, pk):
    criterion, back, refusal = _managed_criterion(request, pk)
    if refusal is not None:
        return refused(request, refusal, back)
    initial = {name: getattr(criterion, name) for name in services.CRITERION_FIELDS}
    form = forms.CriterionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_update(criterion=criterion, actor=request.user, **form.cleaned_data)
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, f"“{form.cleaned_data['title']}” is saved.")
            return redirect(back)
    return render(
        request,
        "includes/form_page.html",
        {"form": form, "title": f"Change “{criterion.title}”", "cancel_url": back, "submit_label": "Save criterion"},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def criterion_remove(request, pk):
    criterion, back, refusal = _managed_criterion(request, pk)
    if refusal is not None:
        return refused(request, refusal, back)
    try:
        services.criterion_remove(criterion=criterion, actor=request.user)
    except (TransitionRefused, ValidationError) as error:
        return refused(request, error, back)
    messages.success(request, f"“{criterion.title}” is removed.")
    return redirect(back)
