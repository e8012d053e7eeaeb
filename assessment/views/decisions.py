"""A manager's steps on an application: assessors, the panel's decision, feedback, the first stage's outcome."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.urls import reverse

from workflow.views import refused

from .. import forms, selectors, services
from ..models import Assignment
from .common import _application, _form_errors, _post_service


@login_required
def application_assign(request, pk):
    application = _application(request, pk)
    form = forms.AssignForm(request.POST or None, assessors=selectors.assessor_choices(application=application))
    if request.method == "POST" and not form.is_valid():
        return refused(
            request, ValidationError(_form_errors(form)), reverse("assessment:application_detail", args=[pk])
        )

    def run():
        assignment = services.assessor_assign(
            application=application, actor=request.user, assessor=form.cleaned_data["assessor"]
        )
        if assignment.state == Assignment.State.STOOD_ASIDE:
            messages.warning(
                request, f"Exchange found a conflict of interest: {assignment.conflict.reason} They stand aside."
            )

    return _post_service(request, application, run, "The assessor is assigned.")


def _form_step(request, pk, form_class, service, done: str):
    """A form posted from the application page, handed to a service that takes its fields."""
    application = _application(request, pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and not form.is_valid():
        return refused(
            request, ValidationError(_form_errors(form)), reverse("assessment:application_detail", args=[pk])
        )
    return _post_service(
        request,
        application,
        lambda: service(application=application, actor=request.user, **form.cleaned_data),
        done,
    )


@login_required
def application_decide(request, pk):
    return _form_step(request, pk, forms.DecisionForm, services.panel_decide, "The panel's decision is recorded.")


@login_required
def application_feedback(request, pk):
    return _form_step(request, pk, forms.FeedbackForm, services.feedback_share, "The feedback is saved.")


@login_required
def application_interest(request, pk):
    return _form_step(
        request, pk, forms.InterestForm, services.interest_decide, "The expression of interest is decided."
    )
