"""An assessor's own pages: declaring, scoring and submitting; a manager reopening scores."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from workflow.errors import TransitionRefused
from workflow.views import get_visible_or_404, refusal_into_form, refused

from .. import forms, selectors, services
from ..models import Assignment
from ..scopes import shows_applicant
from .common import _form_errors


def _own_assignment(request, pk) -> Assignment:
    return get_visible_or_404(selectors.assignment_task_list(user=request.user), pk=pk)


@login_required
def assessment_detail(request, pk):
    assignment = _own_assignment(request, pk)
    application = assignment.application
    back = reverse("assessment:assessment_detail", args=[assignment.pk])
    context = {"assignment": assignment, "call": application.call}
    if assignment.state == Assignment.State.ASSIGNED:
        context["declare_form"] = forms.DeclareForm()
        context["show_applicant"] = shows_applicant(request.user, application)
        context["award"] = application.award
        return render(request, "assessment/declare.html", context)
    if assignment.state == Assignment.State.STOOD_ASIDE:
        return render(request, "assessment/stood_aside.html", context)
    # Open or submitted: the application itself, through the one scope (a conflict found since shuts it).
    opened = get_visible_or_404(selectors.application_list(user=request.user), pk=application.pk)
    criteria = list(opened.call.criteria.all())
    mine = get_visible_or_404(selectors.assessment_list(user=request.user), pk=assignment.pk)
    initial = {"recommendation": mine.recommendation, "comment": mine.comment}
    for s in mine.scores.all():
        initial[f"score_{s.criterion_id}"] = s.score
        initial[f"comment_{s.criterion_id}"] = s.comment
    form = forms.ScoresForm(request.POST or None, criteria=criteria, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.scores_save(
                assignment=assignment,
                actor=request.user,
                scores=form.scores(),
                recommendation=form.cleaned_data["recommendation"],
                comment=form.cleaned_data["comment"],
            )
            if "submit" in request.POST:
                services.assessment_submit(assignment=assignment, actor=request.user)
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(
                request, "Your scores are submitted." if "submit" in request.POST else "Your scores are saved."
            )
            return redirect(back)
    context.update(
        {
            "application": opened,
            "award": opened.award,
            "form": form,
            "mine": mine,
            "weighted": selectors.assessor_score_of(mine),
            "show_applicant": shows_applicant(request.user, opened),
            "editable": assignment.state == Assignment.State.OPEN,
        }
    )
    return render(request, "assessment/score.html", context)


@login_required
@require_POST
def assessment_declare(request, pk):
    assignment = _own_assignment(request, pk)
    back = reverse("assessment:assessment_detail", args=[assignment.pk])
    form = forms.DeclareForm(request.POST)
    if not form.is_valid():
        return refused(request, ValidationError(_form_errors(form)), back)
    try:
        assignment = services.assessment_declare(assignment=assignment, actor=request.user, **form.cleaned_data)
    except (TransitionRefused, ValidationError) as error:
        return refused(request, error, back)
    if assignment.state == Assignment.State.STOOD_ASIDE:
        messages.success(request, "You have stood aside from this application. Thank you for declaring it.")
    else:
        messages.success(request, "Thank you. The application is open for you to assess.")
    return redirect(back)


@login_required
@require_POST
def assessment_reopen(request, pk):
    assignment = get_visible_or_404(selectors.assessment_list(user=request.user), pk=pk)
    back = reverse("assessment:application_detail", args=[assignment.application_id])
    try:
        services.assessment_reopen(assignment=assignment, actor=request.user, note=request.POST.get("note", ""))
    except (TransitionRefused, ValidationError) as error:
        return refused(request, error, back)
    messages.success(request, f"{assignment.assessor}'s scores are open again.")
    return redirect(back)
