"""Pages under /calls/: calls, the applications teams write, assessors' declarations and scores, the panel.
Thin: reading through selectors (assessment.scopes underneath), writing through services."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import roles
from grants.models import Award
from grants.selectors import programme_list
from partnerships.models import SubRegion
from partnerships.selectors import local_authority_list, organisation_list
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import history
from workflow.views import get_visible_or_404, refusal_into_form, refused, require_role

from . import forms, selectors, services
from .models import Application, ApplicationOrganisation, Assignment
from .rules import checklist, closed_refusal, eligibility_refusal, when
from .scopes import detected_conflict, shows_applicant

# Calls -----------------------------------------------------------------------------------------


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
            "criteria": list(call.criteria.all()),
            "total_weight": sum(c.weight for c in call.criteria.all()),
        },
    )


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


# Applications ----------------------------------------------------------------------------------


def _application(request, pk) -> Application:
    return get_visible_or_404(selectors.application_list(user=request.user), pk=pk)


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
    team_orgs = organisation_list(user=request.user).order_by("name") if can_edit else None
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
        },
    )


@login_required
def application_edit(request, pk):
    application = _application(request, pk)
    refusal = services.application_edit_refusal(application, request.user)
    back = reverse("assessment:application_detail", args=[application.pk])
    if refusal is not None:
        return refused(request, refusal, back)
    award = application.award
    form_class = forms.EoiSectionsForm if application.stage == Application.Stage.EOI else forms.SectionsForm
    initial = {name: getattr(award, name) for name in services.AWARD_FIELDS}
    initial.update({name: getattr(application, name) for name in services.SECTION_FIELDS})
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(application=application, actor=request.user, **form.cleaned_data)
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, "Saved. Come back to it at any time; the checklist shows what is still missing.")
            return redirect(back)
    return render(
        request,
        "includes/form_page.html",
        {
            "form": form,
            "title": f"Your application to {application.call.title}",
            "caption": award.identifier,
            "intro": "Anyone in the applying organisations can edit this. "
            f"The call closes at {when(application.call.closes_for(application))}.",
            "cancel_url": back,
            "submit_label": "Save and return",
        },
    )


@login_required
@require_POST
def application_organisation_add(request, pk):
    application = _application(request, pk)
    back = reverse("assessment:application_detail", args=[application.pk])
    form = forms.OrganisationForm(request.POST, organisations=organisation_list(user=request.user))
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


def _form_errors(form) -> list[str]:
    return [
        f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errors)}".lstrip(": ")
        for name, errors in form.errors.items()
    ]


def _post_service(request, application, run, success: str):
    back = reverse("assessment:application_detail", args=[application.pk])
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        run()
    except (TransitionRefused, ValidationError) as error:
        return refused(request, error, back)
    messages.success(request, success)
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


@login_required
def application_decide(request, pk):
    application = _application(request, pk)
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and not form.is_valid():
        return refused(
            request, ValidationError(_form_errors(form)), reverse("assessment:application_detail", args=[pk])
        )
    return _post_service(
        request,
        application,
        lambda: services.panel_decide(application=application, actor=request.user, **form.cleaned_data),
        "The panel's decision is recorded.",
    )


@login_required
def application_feedback(request, pk):
    application = _application(request, pk)
    form = forms.FeedbackForm(request.POST or None)
    if request.method == "POST" and not form.is_valid():
        return refused(
            request, ValidationError(_form_errors(form)), reverse("assessment:application_detail", args=[pk])
        )
    return _post_service(
        request,
        application,
        lambda: services.feedback_share(application=application, actor=request.user, **form.cleaned_data),
        "The feedback is saved.",
    )


@login_required
def application_interest(request, pk):
    application = _application(request, pk)
    form = forms.InterestForm(request.POST or None)
    if request.method == "POST" and not form.is_valid():
        return refused(
            request, ValidationError(_form_errors(form)), reverse("assessment:application_detail", args=[pk])
        )
    return _post_service(
        request,
        application,
        lambda: services.interest_decide(application=application, actor=request.user, **form.cleaned_data),
        "The expression of interest is decided.",
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


# Assessments -----------------------------------------------------------------------------------


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
