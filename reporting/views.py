"""Pages for progress updates, schedules, evaluations and the "what works" library.

Thin: every read comes from reporting.selectors (scoped to the person), every write goes through
reporting.services; a refusal comes back as a message or onto the form's fields."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from grants.selectors import award_list, programme_list
from partnerships import roles
from partnerships.selectors import partnership_list, project_list
from workflow.errors import TransitionRefused
from workflow.request_limits import body_limit
from workflow.services import available_transitions, history
from workflow.views import take_transition

from . import selectors, services
from .forms import AdHocDueDateForm, EvaluationForm, ExtendForm, ScheduleForm, UpdateForm
from .models import Evaluation


def _get_or_404(fn, **kwargs):
    try:
        return fn(**kwargs)
    except (ObjectDoesNotExist, LookupError, ValueError) as error:
        raise Http404("Not found, or not yours to see.") from error


def _subject_or_404(user, kind: str, pk: int):
    if kind == "award":
        return _get_or_404(award_list(user=user).get, pk=pk)
    if kind == "project":
        return _get_or_404(project_list(user=user).get, pk=pk)
    raise Http404("Unknown kind of work.")


def _subject_kwargs(subject) -> dict:
    return {"award": subject} if subject.__class__.__name__ == "Award" else {"project": subject}


def _parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError) as error:
        raise Http404("Not a date.") from error


# Partners: what is due, updates -------------------------------------------------------------------


@login_required
def due(request):
    periods = selectors.due_period_list(user=request.user)
    r = roles.of(request.user)
    for period in periods:
        period.can_start = period.update is None and r.is_partner_of(period.owner_organisation_id)
        period.can_manage = r.is_admin or (
            r.manages_programme(period.subject.programme)
            if period.is_award
            else r.manages_partnership(period.subject.partnership)
        )
    to_do = [p for p in periods if p.with_partner]
    done = [p for p in periods if not p.with_partner]
    return render(request, "reporting/due.html", {"to_do": to_do, "done": done})


@login_required
@require_POST
def update_start(request):
    subject = _subject_or_404(request.user, request.POST.get("kind", ""), request.POST.get("subject", "0"))
    try:
        update = services.update_start(
            actor=request.user,
            period_start=_parse_date(request.POST.get("period_start")),
            period_end=_parse_date(request.POST.get("period_end")),
            **_subject_kwargs(subject),
        )
    except TransitionRefused as refusal:
        messages.error(request, refusal.reason)
        return redirect("reporting:due")
    messages.success(request, f"Update for {update.period_label} started. Save it as often as you like.")
    return redirect("reporting:update_edit", pk=update.pk)


@login_required
def update_detail(request, pk):
    update = _get_or_404(selectors.update_get, user=request.user, pk=pk)
    indicators = {i.pk: i for i in selectors.indicators_for_update(update)}
    results = {r.indicator_id: r for r in update.results.all()}
    rows = [{"indicator": i, "result": results.get(i.pk)} for i in indicators.values()]
    r = roles.of(request.user)
    context = {
        "update": update,
        "rows": rows,
        "reach": update.reach.select_related("local_authority"),
        "evidence": update.evidence.all(),
        "can_edit": update.state in services.EDITABLE_STATES and r.is_partner_of(update.organisation_id),
        "transitions": available_transitions(update, request.user),
        "transition_url": reverse("reporting:update_transition", args=[update.pk, "__name__"]),
        "history": history(update),
    }
    return render(request, "reporting/update_detail.html", context)


@login_required
def update_transition(request, pk, name):
    update = _get_or_404(selectors.update_get, user=request.user, pk=pk)

    def run(obj, step, actor, note):
        return services.update_transition(update=obj, name=step, actor=actor, note=note)

    return take_transition(
        request, obj=update, name=name, run=run, next_url=reverse("reporting:update_detail", args=[update.pk])
    )


@body_limit("EVIDENCE_MAX_BYTES")  # the form carries an evidence file
@login_required
def update_edit(request, pk):
    update = _get_or_404(selectors.update_get, user=request.user, pk=pk)
    detail = reverse("reporting:update_detail", args=[update.pk])
    try:
        services.require_update_editable(update, request.user)
    except TransitionRefused as refusal:
        messages.error(request, refusal.reason)
        return redirect(detail)
    indicators = selectors.indicators_for_update(update)
    if request.method == "POST":
        form = UpdateForm(request.POST, request.FILES, update=update, indicators=indicators)
        if form.is_valid():
            try:
                with transaction.atomic():  # a refused file leaves the rest unsaved too, as the page shows it
                    services.update_edit(update=update, actor=request.user, **form.service_kwargs())
                    if form.cleaned_data.get("evidence"):
                        services.evidence_add(update=update, actor=request.user, upload=form.cleaned_data["evidence"])
            except ValidationError as error:
                form.add_service_errors(error)
            except TransitionRefused as refusal:
                form.add_error(None, refusal.reason)
            else:
                messages.success(request, "Your update is saved.")
                if "save_and_continue" in request.POST:
                    return redirect("reporting:update_edit", pk=update.pk)
                return redirect(detail)
    else:
        form = UpdateForm(update=update, indicators=indicators)
    context = {"update": update, "form": form, "evidence": update.evidence.all()}
    return render(request, "reporting/update_edit.html", context, status=400 if form.errors else 200)


@login_required
def evidence_download(request, pk):
    evidence = _get_or_404(selectors.evidence_get, user=request.user, pk=pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The file is missing from storage.") from error
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def evidence_remove(request, pk):
    evidence = _get_or_404(selectors.evidence_get, user=request.user, pk=pk)
    try:
        services.evidence_remove(evidence=evidence, actor=request.user)
    except TransitionRefused as refusal:
        messages.error(request, refusal.reason)
    else:
        messages.success(request, f"“{evidence.original_name}” removed.")
    return redirect("reporting:update_edit", pk=evidence.update_id)


# Managers: review, overdue, schedules -------------------------------------------------------------


@login_required
def review_queue(request):
    updates = selectors.review_queue(user=request.user)
    return render(request, "reporting/review_queue.html", {"updates": updates})


def _chosen(qs, value):
    if not value:
        return None
    try:
        return qs.get(pk=int(value))
    except (ValueError, ObjectDoesNotExist) as error:
        raise Http404("Not found, or not yours to see.") from error


@login_required
def overdue(request):
    programmes = programme_list(user=request.user)
    partnerships = partnership_list(user=request.user)
    programme = _chosen(programmes, request.GET.get("programme"))
    partnership = _chosen(partnerships, request.GET.get("partnership"))
    periods = selectors.outstanding_list(user=request.user, programme=programme, partnership=partnership)
    context = {
        "periods": periods,
        "programmes": programmes,
        "partnerships": partnerships,
        "programme": programme,
        "partnership": partnership,
        "counts": {
            kind: sum(1 for p in periods if p.urgency == kind) for kind in ("overdue", "awaiting_review", "due_soon")
        },
    }
    return render(request, "reporting/overdue.html", context)


@login_required
def schedule(request, kind, pk):
    subject = _subject_or_404(request.user, kind, pk)
    kwargs = _subject_kwargs(subject)
    current = selectors.schedule_for(subject)
    schedule_form = ScheduleForm(
        initial={"frequency": current.frequency, "starts_on": current.starts_on, "ends_on": current.ends_on}
        if current
        else {}
    )
    adhoc_form, extend_form = AdHocDueDateForm(), ExtendForm()
    if request.method == "POST":
        action = request.POST.get("action")
        forms_by_action = {
            "schedule": (ScheduleForm, services.schedule_save, "Reporting schedule saved."),
            "adhoc": (AdHocDueDateForm, services.due_date_add, "Extra report added."),
            "extend": (ExtendForm, services.due_date_extend, "Due date extended."),
        }
        if action not in forms_by_action:
            return HttpResponseNotAllowed(["POST"])
        form_class, service, done = forms_by_action[action]
        form = form_class(request.POST)
        if form.is_valid():
            try:
                service(actor=request.user, **kwargs, **form.cleaned_data)
            except ValidationError as error:
                form.add_service_errors(error)
            except TransitionRefused as refusal:
                form.add_error(None, refusal.reason)
            else:
                messages.success(request, done)
                return redirect(request.path)
        schedule_form, adhoc_form, extend_form = (
            form if action == "schedule" else schedule_form,
            form if action == "adhoc" else adhoc_form,
            form if action == "extend" else extend_form,
        )
    periods = selectors.due_period_list(user=request.user, **kwargs) if current else []
    context = {
        "subject": subject,
        "kind": kind,
        "schedule": current,
        "periods": periods,
        "schedule_form": schedule_form,
        "adhoc_form": adhoc_form,
        "extend_form": extend_form,
        "can_manage": services.manages_subject(request.user, subject),
    }
    bad = any(f.errors for f in (schedule_form, adhoc_form, extend_form))
    return render(request, "reporting/schedule.html", context, status=400 if bad else 200)


# Evaluations and what works -----------------------------------------------------------------------


@login_required
def evaluation_edit(request, kind, pk):
    subject = _subject_or_404(request.user, kind, pk)
    kwargs = _subject_kwargs(subject)
    evaluation = selectors.evaluation_list(user=request.user).filter(**kwargs).order_by("-created_at", "-id").first()
    form = EvaluationForm(instance=evaluation) if evaluation else None
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "open" or evaluation is None:
                services.evaluation_open(actor=request.user, **kwargs)
                messages.success(request, "Evaluation started, with the outcomes filled in from the indicators.")
                return redirect(request.path)
            form = EvaluationForm(request.POST, instance=Evaluation.objects.get(pk=evaluation.pk))
            if form.is_valid():
                fields = {name: form.cleaned_data[name] for name in services.EVALUATION_FIELDS}
                services.evaluation_edit(evaluation=evaluation, actor=request.user, **fields)
                if action == "complete":
                    services.evaluation_complete(evaluation=evaluation, actor=request.user)
                    messages.success(request, "Evaluation complete: its lessons are now in the “what works” library.")
                else:
                    messages.success(request, "Evaluation saved.")
                return redirect(request.path)
        except ValidationError as error:
            form.add_service_errors(error)
        except TransitionRefused as refusal:
            if form is None:
                messages.error(request, refusal.reason)
                return redirect(request.path)
            form.add_error(None, refusal.reason)
    context = {
        "subject": subject,
        "kind": kind,
        "evaluation": evaluation,
        "form": form,
        "can_manage": services.manages_subject(request.user, subject),
    }
    return render(request, "reporting/evaluation_edit.html", context, status=400 if form and form.errors else 200)


@login_required
def what_works(request):
    search = request.GET.get("q", "").strip()[:200]
    lessons = selectors.lesson_list(user=request.user, search=search)[:100]
    return render(request, "reporting/what_works.html", {"lessons": lessons, "search": search})
