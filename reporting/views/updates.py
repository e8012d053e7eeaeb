"""Pages for progress updates: what is due, starting, editing, evidence, each review step, the review queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from partnerships import downloads
from workflow import clock
from workflow.errors import TransitionRefused
from workflow.request_limits import body_limit
from workflow.services import available_transitions, history
from workflow.views import paginate, refusal_into_form, take_transition

from .. import selectors, services
from ..forms import UpdateForm
from ..selectors import due_rows
from .lookups import get_or_404, parse_date, subject_or_404

PER_PAGE = 50
DUE_TABS = {"to_do": "with_partner", "awaiting_review": "awaiting_review", "done": "done"}
PERIOD_COLUMNS = [
    downloads.Column("Work", lambda p: p.subject_reference),
    downloads.Column("Title", lambda p: p.work.title),
    downloads.Column("Organisation", lambda p: p.owner.name),
    downloads.Column("Period", lambda p: p.label),
    downloads.Column("Period starts", lambda p: p.period_start),
    downloads.Column("Period ends", lambda p: p.period_end),
    downloads.Column("Final", lambda p: "Yes" if p.is_final else "No"),
    downloads.Column("Due on", lambda p: p.due_on),
    downloads.Column("Status", lambda p: p.state_label),
    downloads.Column("Days late", lambda p: p.days_late),
]


@login_required
def due(request):
    """Every report owed on the work the person writes for, manages or funds: what is still with the
    partner ("To do"), awaiting review (?show=awaiting_review) or accepted (?show=done); a page at a time,
    each list one turn (an index walk in due order), from the kept due periods."""
    user, today = request.user, clock.today()
    if downloads.requested(request):
        rows = due_rows.rows(user=user, today=today, urgency="all")[: downloads.max_rows() + 1]
        return downloads.download(
            request, due_rows.read(rows, user=user, today=today), PERIOD_COLUMNS, name="updates-due"
        )
    show = request.GET.get("show") if request.GET.get("show") in DUE_TABS else "to_do"
    found = due_rows.rows(user=user, today=today, urgency=DUE_TABS[show])
    page = paginate(request, found, per_page=PER_PAGE)
    periods = due_rows.read(page.object_list, user=user, today=today)
    for period in periods:
        period.can_start = period.update is None and period.work.is_owned_by(user) and period.period_start <= today
        period.can_manage = period.work.manages(user)
    page.object_list = periods
    context = {"page": page, "periods": periods, "show": show, "today": today}
    context[show] = periods
    return render(request, "reporting/due.html", context)


@login_required
@require_POST
def update_start(request):
    subject = subject_or_404(request.user, request.POST.get("kind", ""), request.POST.get("subject", "0"))
    try:
        update = services.update_start(
            actor=request.user,
            period_start=parse_date(request.POST.get("period_start")),
            period_end=parse_date(request.POST.get("period_end")),
            **subject.kwargs(),
        )
    except TransitionRefused as refusal:
        messages.error(request, refusal.reason)
        return redirect("reporting:due")
    messages.success(request, f"Update for {update.period_label} started. Save it as often as you like.")
    return redirect("reporting:update_edit", pk=update.pk)


@login_required
def update_detail(request, pk):
    update = get_or_404(selectors.update_get, user=request.user, pk=pk)
    indicators = {i.pk: i for i in selectors.indicators_for_update(update)}
    results = {r.indicator_id: r for r in update.results.all()}
    rows = [{"indicator": i, "result": results.get(i.pk)} for i in indicators.values()]
    context = {
        "update": update,
        "rows": rows,
        "reach": update.reach.select_related("local_authority"),
        "evidence": update.evidence.all(),
        "can_edit": services.update_edit_refusal(update, request.user) is None,
        "transitions": available_transitions(update, request.user),
        "transition_url": reverse("reporting:update_transition", args=[update.pk, "__name__"]),
        "history": history(update),
    }
    return render(request, "reporting/update_detail.html", context)


@login_required
def update_transition(request, pk, name):
    update = get_or_404(selectors.update_get, user=request.user, pk=pk)

    def run(obj, step, actor, note):
        return services.update_transition(update=obj, name=step, actor=actor, note=note)

    return take_transition(
        request, obj=update, name=name, run=run, next_url=reverse("reporting:update_detail", args=[update.pk])
    )


@body_limit("EVIDENCE_MAX_BYTES")  # the form carries an evidence file
@login_required
def update_edit(request, pk):
    update = get_or_404(selectors.update_get, user=request.user, pk=pk)
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
                refusal_into_form(form, error)
            except TransitionRefused as refusal:
                refusal_into_form(form, refusal)
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
    evidence = get_or_404(selectors.evidence_get, user=request.user, pk=pk)
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
    evidence = get_or_404(selectors.evidence_get, user=request.user, pk=pk)
    try:
        services.evidence_remove(evidence=evidence, actor=request.user)
    except TransitionRefused as refusal:
        messages.error(request, refusal.reason)
    else:
        messages.success(request, f"“{evidence.original_name}” removed.")
    return redirect("reporting:update_edit", pk=evidence.update_id)


@login_required
def review_queue(request):
    updates = selectors.review_queue(user=request.user)
    return render(request, "reporting/review_queue.html", {"updates": updates})
