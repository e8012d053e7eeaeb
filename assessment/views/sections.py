"""Writing an application section by section: each section's form saves on its own (no JavaScript
needed), a small static script saves as the person types (assessment/static/assessment/autosave.js,
allowed by the CSP as our own file), and coming back opens the section the person last saved."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from workflow.errors import PermissionRefused, TransitionRefused
from workflow.views import reason_of, refusal_into_form, refused

from .. import forms, services
from ..rules import when
from ..sections import fields_of, is_filled, section_named, sections_for
from .common import _application


def saved_at(application) -> str:
    return f"{timezone.localtime(application.updated_at):%H:%M}"


@login_required
def application_edit(request, pk):
    """Back to where the person was: the section they last saved, else the first."""
    application = _application(request, pk)
    refusal = services.application_edit_refusal(application, request.user)
    if refusal is not None:
        return refused(request, refusal, reverse("assessment:application_detail", args=[application.pk]))
    slug = services.editing_place(application=application, user=request.user)
    section = section_named(application, slug or "") or sections_for(application)[0]
    return redirect("assessment:application_section", pk=application.pk, section=section.slug)


def _autosave_answer(form, error=None):
    if error is not None:
        status = 403 if isinstance(error, PermissionRefused) else 409 if isinstance(error, TransitionRefused) else 400
        return JsonResponse({"saved": False, "error": reason_of(error)}, status=status)
    errors = {name: " ".join(messages_) for name, messages_ in form.errors.items()}
    return JsonResponse({"saved": False, "error": " ".join(errors.values()), "errors": errors}, status=400)


@login_required
def application_section(request, pk, section):
    application = _application(request, pk)
    back = reverse("assessment:application_detail", args=[application.pk])
    current = section_named(application, section)
    if current is None:
        raise Http404("No such section.")
    autosave = request.method == "POST" and request.POST.get("autosave") == "1"
    refusal = services.application_edit_refusal(application, request.user)
    if refusal is not None:
        return _autosave_answer(None, refusal) if autosave else refused(request, refusal, back)
    award, eoi = application.award, application.stage == "eoi"
    names = fields_of(application, current)
    initial = {name: getattr(award if name in services.AWARD_FIELDS else application, name) for name in names}
    form = forms.SectionForm(request.POST or None, initial=initial, section=current, eoi=eoi)
    if request.method == "POST":
        if not form.is_valid():
            if autosave:
                return _autosave_answer(form)
        else:
            try:
                application = services.section_save(
                    application=application, actor=request.user, section=current, **form.cleaned_data
                )
            except (TransitionRefused, ValidationError) as error:
                if autosave:
                    return _autosave_answer(form, error)
                refusal_into_form(form, error)
            else:
                if autosave:
                    return JsonResponse({"saved": True, "saved_at": saved_at(application)})
                messages.success(request, f"Saved at {saved_at(application)}.")
                return redirect(_after_save(request, application, current, back))
    sections = sections_for(application)
    return render(
        request,
        "assessment/section.html",
        {
            "application": application,
            "award": award,
            "call": application.call,
            "form": form,
            "section": current,
            "sections": [(s, is_filled(application, s)) for s in sections],
            "saved_at": saved_at(application) if application.updated_at else "",
            "back": back,
            "closes": when(application.call.closes_for(application)),
        },
        status=400 if form.errors else 200,
    )


def _after_save(request, application, current, back) -> str:
    if "continue" not in request.POST:
        return back
    sections = sections_for(application)
    following = sections[sections.index(current) + 1 :]
    if not following:
        return back
    return reverse("assessment:application_section", args=[application.pk, following[0].slug])
