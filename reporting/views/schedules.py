"""Pages for managers' reporting schedules and the overdue list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render

from accounts import roles
from grants import due as payment_due
from grants.selectors import programme_list
from partnerships import downloads
from partnerships.selectors import partnership_list
from workflow.errors import TransitionRefused
from workflow.views import paginate, refusal_into_form

from .. import selectors, services
from ..forms import AdHocDueDateForm, ExtendForm, ScheduleForm
from ..selectors import due_rows
from ..selectors.due_rows import OUTSTANDING
from .lookups import chosen, subject_or_404
from .updates import PER_PAGE, PERIOD_COLUMNS

TABS = {"overdue": "Overdue", "awaiting_review": "Awaiting review", "due_soon": "Due soon"}


@login_required
def overdue(request):
    """What needs chasing: overdue, awaiting review and due soon, one paginated list each (a manager: the
    work they manage, as their dashboard counts it), read from the kept due periods."""
    user, today = request.user, payment_due.today()
    programmes = programme_list(user=user)
    partnerships = partnership_list(user=user)
    programme = chosen(programmes, request.GET.get("programme"))
    partnership = chosen(partnerships, request.GET.get("partnership"))
    which = {"user": user, "today": today, "programme": programme, "partnership": partnership}
    which["managed_only"] = roles.of(user).is_manager  # what they chase: the figures on their dashboard
    if downloads.requested(request):
        # Every outstanding period of the filtered list, in the page's order, up to the download limit.
        periods: list = []
        for urgency in OUTSTANDING:
            room = downloads.max_rows() + 1 - len(periods)
            periods += due_rows.read(due_rows.rows(urgency=urgency, **which)[:room], user=user, today=today)
        return downloads.download(request, periods, PERIOD_COLUMNS, name="updates-outstanding")
    counts = due_rows.counts(**which)
    show = request.GET.get("show") if request.GET.get("show") in TABS else "overdue"
    found = due_rows.rows(urgency=show, **which)
    page = paginate(request, found, per_page=PER_PAGE, count=counts[show])
    page.object_list = due_rows.read(page.object_list, user=user, today=today)
    context = {
        "page": page,
        "periods": page.object_list,
        "tabs": [{"key": key, "label": label, "count": counts[key]} for key, label in TABS.items()],
        "show": show,
        "programmes": programmes,
        "partnerships": partnerships,
        "programme": programme,
        "partnership": partnership,
        "counts": counts,
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
