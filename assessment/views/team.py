"""A co-applicant's answer to the lead's invitation, on the application's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from workflow.errors import TransitionRefused
from workflow.views import refused

from .. import forms, selectors, services
from .common import _application, _form_errors


@login_required
@require_POST
def application_invitation(request, pk):
    application = _application(request, pk)
    back = reverse("assessment:application_detail", args=[application.pk])
    form = forms.InvitationForm(request.POST)
    if not form.is_valid():
        return refused(request, ValidationError(_form_errors(form)), back)
    waiting = {o.organisation_id: o for o in selectors.invitations_for(user=request.user, application=application)}
    entry = waiting.get(form.cleaned_data["organisation"])
    if entry is None:
        return refused(request, TransitionRefused("There is no invitation waiting for your answer here."), back)
    accept = form.cleaned_data["answer"] == "accept"
    try:
        services.invitation_answer(entry=entry, actor=request.user, accept=accept)
    except (TransitionRefused, ValidationError) as error:
        return refused(request, error, back)
    if accept:
        messages.success(request, f"{entry.organisation} is a co-applicant: you can now edit the application.")
    else:
        messages.success(request, f"{entry.organisation} has declined the invitation. The lead applicant can see this.")
        return redirect("assessment:call_list")  # the bid is no longer open to a declined organisation
    return redirect(back)
