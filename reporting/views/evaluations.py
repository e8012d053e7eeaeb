"""Pages for evaluations and the "what works" library."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from workflow.errors import TransitionRefused
from workflow.views import refusal_into_form

from .. import selectors, services
from ..forms import EvaluationForm
from ..models import Evaluation
from .lookups import subject_or_404


@login_required
def evaluation_edit(request, kind, pk):
    subject = subject_or_404(request.user, kind, pk)
    kwargs = subject.kwargs()
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
            refusal_into_form(form, error)
        except TransitionRefused as refusal:
            if form is None:
                messages.error(request, refusal.reason)
                return redirect(request.path)
            refusal_into_form(form, refusal)
    context = {
        "subject": subject.obj,
        "kind": kind,
        "evaluation": evaluation,
        "form": form,
        "can_manage": services.evaluation_write_refusal(subject, request.user) is None,
    }
    return render(request, "reporting/evaluation_edit.html", context, status=400 if form and form.errors else 200)


@login_required
def what_works(request):
    search = request.GET.get("q", "").strip()[:200]
    lessons = selectors.lesson_list(user=request.user, search=search)[:100]
    return render(request, "reporting/what_works.html", {"lessons": lessons, "search": search})
