"""Calls: the list, opening and changing one, its page, and starting an application to it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import roles
from grants.selectors import programme_list
from partnerships.models import SubRegion
from partnerships.selectors import local_authority_list
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.views import get_visible_or_404, refusal_into_form, refused, require_role

from .. import forms, selectors, services
from ..rules import closed_refusal, eligibility_refusal, when
from ..scopes import shows_applicant


@login_required
def call_list(request):
    r = roles.of(request.user)
    tasks = list(selectors.assignment_task_list(user=request.user).order_by("state", "-created_at")[:200])
    return render(
        request,
        "assessment/call_list.html",
        {"rows": selectors.call_rows(user=request.user), "tasks": tasks, "can_create": r.is_manager},
    )


def _managed_programmes(user):
    r = roles.of(user)
    qs = programme_list(user=user)
    return qs if r.is_admin else qs.filter(managed_by_id__in=r.manager_orgs)


@login_required
def call_create(request):
    require_role(request, roles.of(request.user).is_manager, "programme managers can open calls")
    form = forms.CallForm(
        request.POST or None,
        programmes=_managed_programmes(request.user),
        sub_regions=SubRegion.objects.all(),
        local_authorities=local_authority_list(),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        programme = data.pop("programme")
        try:
            call = services.call_create(
                actor=request.user,
                programme=programme,
                sub_regions=data.pop("eligible_sub_regions"),
                local_authorities=data.pop("eligible_local_authorities"),
                **data,
            )
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, f"The call “{call.title}” is set up. Add the criteria bids are judged on.")
            return redirect("assessment:call_detail", pk=call.pk)
    return render(
        request,
        "includes/form_page.html",
        {
            "form": form,
            "title": "Open a call for applications",
            "cancel_url": reverse("assessment:call_list"),
            "submit_label": "Save call",
        },
    )


@login_required
def call_edit(request, pk):
    call = get_visible_or_404(selectors.call_list(user=request.user), pk=pk)
    back = reverse("assessment:call_detail", args=[call.pk])
    if not roles.of(request.user).manages_programme(call.programme):
        return refused(
            request, PermissionRefused(f"Only the programme managers of {call.programme} can change it."), back
        )
    initial = {name: getattr(call, name) for name in services.CALL_FIELDS}
    initial["eligible_sub_regions"] = list(call.eligible_sub_regions.all())
    initial["eligible_local_authorities"] = list(call.eligible_local_authorities.all())
    form = forms.CallForm(
        request.POST or None,
        initial=initial,
        programmes=None,
        sub_regions=SubRegion.objects.all(),
        local_authorities=local_authority_list(),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.call_update(
                call=call,
                actor=request.user,
                sub_regions=data.pop("eligible_sub_regions"),
                local_authorities=data.pop("eligible_local_authorities"),
                **data,
            )
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, "The call is saved.")
            return redirect(back)
    return render(
        request,
        "includes/form_page.html",
        {"form": form, "title": f"Change {call.title}", "cancel_url": back, "submit_label": "Save call"},
    )


@login_required
def call_detail(request, pk):
    call = get_visible_or_404(selectors.call_list(user=request.user), pk=pk)
    r = roles.of(request.user)
    manages = r.manages_programme(call.programme)
    organisations = selectors.applying_organisations(user=request.user) if r.partner_orgs else []
    eligible = [o for o in organisations if eligibility_refusal(call, o) is None]
    reasons = [eligibility_refusal(call, o) for o in organisations if o not in eligible]
    applications = list(selectors.application_list(user=request.user).filter(call=call).order_by("-created_at")[:200])
    for application in applications:
        application.show_applicant = shows_applicant(request.user, application)
    return render(
        request,
        "assessment/call_detail.html",
        {
            "call": call,
            "manages": manages,
            "closed": closed_refusal(call),
            "opens": when(call.opens_at),
            "closes": when(call.closes_at),
            "full_closes": when(call.full_closes_at) if call.full_closes_at else "",
            "apply_form": forms.ApplyForm(organisations=selectors.applying_organisations_qs(eligible))
            if eligible
            else None,
            "reasons": reasons,
            "applications": applications,
            "criterion_form": forms.CriterionForm() if manages else None,
            "criteria_refusal": services.criteria_change_refusal(call) if manages else None,
            "criteria": list(call.criteria.all()),
            "total_weight": sum(c.weight for c in call.criteria.all()),
        },
    )


@login_required
def call_apply(request, pk):
    call = get_visible_or_404(selectors.call_list(user=request.user), pk=pk)
    organisations = selectors.applying_organisations(user=request.user)
    form = forms.ApplyForm(request.POST or None, organisations=selectors.applying_organisations_qs(organisations))
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_start(call=call, actor=request.user, **form.cleaned_data)
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(
                request, "Your application is started. It is saved as you go: come back to it at any time."
            )
            return redirect("assessment:application_edit", pk=application.pk)
    return render(
        request,
        "includes/form_page.html",
        {
            "form": form,
            "title": f"Apply to {call.title}",
            "intro": f"The call closes at {when(call.closes_at)}.",
            "cancel_url": reverse("assessment:call_detail", args=[call.pk]),
            "submit_label": "Start the application",
        },
    )
