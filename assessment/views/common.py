"""What the application pages share: finding one through the scope, running a step, form errors in words."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse

from workflow.errors import TransitionRefused
from workflow.views import get_visible_or_404, refused

from .. import selectors
from ..models import Application


def _application(request, pk) -> Application:
    return get_visible_or_404(selectors.application_list(user=request.user), pk=pk)


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
