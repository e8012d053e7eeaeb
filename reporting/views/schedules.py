"""Pages for managers' reporting schedules and the overdue list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render

from accounts import roles
from grants.selectors import programme_list
from partnerships import downloads
from partnerships.selectors import partnership_list
from workflow.errors import TransitionRefused
from workflow.views import refusal_into_form

from .. import selectors, services
from ..forms import AdHocDueDateForm, ExtendForm, ScheduleForm
from ..selectors.due import due_figures
from ..selectors.schedules import outstanding
from .lookups import chosen, subject_or_404
from .updates import PERIOD_COLUMNS


@login_required
def overdue(request):
    programmes = programme_list(user=request.user)
    partnerships = partnership_list(user=request.user)
    programme = chosen(programmes, request.GET.get("programme"))
    partnership = chosen(partnerships, request.GET.get("partnership"))
    figures = due_figures(user=request.user, programme=programme, partnership=partnership)
    if roles.of(request.user).is_manager:
        figures = figures.managed_by(request.user)  # what they chase: the overdue figure on their dashboard
    periods = outstanding(figures.periods)
    if downloads.requested(request):
        return downloads.download(request, periods, PERIOD_COLUMNS, name="updates-outstanding")
    context = {
        "periods": periods,
        "programmes": programmes,
        "partnerships": partnerships,
        "programme": programme,
        "partnership": partnership,
        "counts": figures.counts,
    }
    return render(request, "reporting/overdue.html", context)


@login_required
def schedule(request, kind, pk):
    subject = subject_or_404(request.user, kind, pk)
    kwargs = subject.kwargs()
    current = selectors.schedule_for(subject.obj)
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
                refusal_into_form(form, error)
            except TransitionRefused as refusal:
                refusal_into_form(form, refusal)
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
        "subject": subject.obj,
        "kind": kind,
        "schedule": current,
        "periods": periods,
        "schedule_form": schedule_form,
        "adhoc_form": adhoc_form,
        "extend_form": extend_form,
        "can_manage": services.subject_manage_refusal(subject, request.user, "manage its schedule") is None,
    }
    bad = any(f.errors for f in (schedule_form, adhoc_form, extend_form))
    return render(request, "reporting/schedule.html", context, status=400 if bad else 200)
