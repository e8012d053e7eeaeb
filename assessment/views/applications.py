"""An application: its page, its sections, the organisations in the bid, sending it, its PDF summary."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import roles
from grants.models import Award
from workflow.errors import TransitionRefused
from workflow.services import history
from workflow.views import get_visible_or_404, refused

from .. import forms, selectors, services
from ..models import Application, ApplicationOrganisation
from ..rules import checklist, closed_refusal, when
from ..scopes import detected_conflict, shows_applicant
from .common import _application, _form_errors, _post_service
from .sections import saved_at


@login_required
def application_detail(request, pk):
    application = _application(request, pk)
    call, award = application.call, application.award
    r = roles.of(request.user)
    manages = r.manages_programme(call.programme)
    roster = selectors.assignment_roster(user=request.user, application=application)
    own = application.assignments.filter(assessor=request.user).first()
    readable = list(selectors.assessment_list(user=request.user).filter(application=application))
    for assignment in readable:
        assignment.weighted = selectors.assessor_score_of(assignment)
    can_edit = services.application_edit_refusal(application, request.user) is None
    # Offered: the schools and partners a bid may name, the lead applicant apart (it is in the bid already).
    team_orgs = selectors.bid_organisation_list(user=request.user).exclude(pk=award.recipient_id) if can_edit else None
    return render(
        request,
        "assessment/application_detail.html",
        {
            "application": application,
            "call": call,
            "award": award,
            "manages": manages,
            "show_applicant": shows_applicant(request.user, application),
            "checklist": checklist(application) if can_edit else [],
            "can_edit": can_edit,
            "is_lead": r.is_partner_of(award.recipient_id),
            "closes": when(call.closes_for(application)),
            "closed": closed_refusal(call, application),
            "organisation_form": forms.OrganisationForm(organisations=team_orgs) if can_edit else None,
            "roster": roster,
            "own": own,
            "assessments": readable,
            "assign_form": forms.AssignForm(assessors=selectors.assessor_choices(application=application))
            if manages and award.state in (Award.State.SUBMITTED, Award.State.IN_ASSESSMENT)
            else None,
            "decision_form": forms.DecisionForm() if manages and not application.decision else None,
            "feedback_form": forms.FeedbackForm(
                initial={"feedback": application.feedback, "shared": application.feedback_shared}
            )
            if manages
            else None,
            "interest_form": forms.InterestForm()
            if manages and application.eoi_outcome == Application.EoiOutcome.SUBMITTED
            else None,
            "history": history(award) if manages or r.is_partner_of(award.recipient_id) else [],
            # Files through their own scope: a conflicted person, or a blind call's assessor, lists none.
            "attachments": list(selectors.attachment_list(user=request.user).filter(application=application)),
            "attachment_form": forms.AttachmentForm() if can_edit else None,
            "invitations": selectors.invitations_for(user=request.user, application=application),
            "saved_at": saved_at(application),
        },
    )


@login_required
@require_POST
def application_organisation_add(request, pk):
    application = _application(request, pk)
    back = reverse("assessment:application_detail", args=[application.pk])
    form = forms.OrganisationForm(request.POST, organisations=selectors.bid_organisation_list(user=request.user))
    if not form.is_valid():
        return refused(request, ValidationError(_form_errors(form)), back)
    try:
        entry = services.application_add_organisation(application=application, actor=request.user, **form.cleaned_data)
    except (TransitionRefused, ValidationError) as error:
        return refused(request, error, back)
    messages.success(request, f"{entry.organisation} is in the bid as {entry.get_role_display().lower()}.")
    return redirect(back)


@login_required
@require_POST
def application_organisation_remove(request, pk):
    entry = get_visible_or_404(
        ApplicationOrganisation.objects.filter(application__in=selectors.application_list(user=request.user)), pk=pk
    )
    back = reverse("assessment:application_detail", args=[entry.application_id])
    try:
        services.application_remove_organisation(entry=entry, actor=request.user)
    except (TransitionRefused, ValidationError) as error:
        return refused(request, error, back)
    messages.success(request, f"{entry.organisation} is no longer in the bid.")
    return redirect(back)


@login_required
def application_submit(request, pk):
    application = _application(request, pk)
    eoi = application.stage == Application.Stage.EOI
    return _post_service(
        request,
        application,
        lambda: services.application_submit(application=application, actor=request.user),
        "Your expression of interest is sent."
        if eoi
        else "Your application is submitted. The programme team will be in touch.",
    )


@login_required
def application_pdf(request, pk):
    """The assessment summary as a PDF: the bid and the scores the person may read (assessment.scopes)."""
    from weasyprint import HTML

    application = _application(request, pk)
    assessments = list(selectors.assessment_list(user=request.user).filter(application=application))
    for assignment in assessments:
        assignment.weighted = selectors.assessor_score_of(assignment)
    html = render_to_string(
        "assessment/summary_pdf.html",
        {
            "application": application,
            "assessments": assessments,
            "show_applicant": shows_applicant(request.user, application),
            "conflicted": detected_conflict(request.user, application) is not None,
        },
    )
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="assessment-{application.award.identifier}.pdf"'
    return response
