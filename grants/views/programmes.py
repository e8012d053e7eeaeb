"""Pages for funding programmes: the list, a programme, setting one up and changing it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import roles
from partnerships import downloads
from partnerships.selectors import (
    managed_organisation_list,
    organisation_list,
    partnership_list,
)
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.views import get_visible_or_404, paginate, refusal_into_form, refused, require_role

from .. import selectors, services
from ..forms import ProgrammeForm
from .columns import PROGRAMME_COLUMNS


@login_required
def programme_list(request):
    qs = selectors.programme_money_list(user=request.user).order_by("name", "pk")
    if downloads.requested(request):
        return downloads.download(request, qs, PROGRAMME_COLUMNS, name="programmes")
    return render(
        request,
        "grants/programme_list.html",
        {"page": paginate(request, qs), "can_create": roles.of(request.user).is_manager},
    )


@login_required
def programme_detail(request, pk):
    programme = get_visible_or_404(selectors.programme_money_list(user=request.user), pk=pk)
    awards = selectors.award_list(user=request.user).filter(programme=programme)
    return render(
        request,
        "grants/programme_detail.html",
        {
            "programme": programme,
            "awards": awards[:100],
            "remaining": programme.budget - programme.committed,
            "can_manage": roles.of(request.user).manages_programme(programme),
            "can_apply": roles.of(request.user).is_manager or roles.of(request.user).is_partner,
        },
    )


def _programme_form(request, **kwargs):
    return ProgrammeForm(
        request.POST or None,
        funders=organisation_list(user=request.user),
        managers=managed_organisation_list(user=request.user),
        partnerships=partnership_list(user=request.user),
        **kwargs,
    )


@login_required
def programme_create(request):
    require_role(request, roles.of(request.user).is_manager, "programme managers can set up programmes")
    form = _programme_form(request)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            programme = services.programme_create(actor=request.user, **data)
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, f"{programme} is set up.")
            return redirect("grants:programme_detail", pk=programme.pk)
    return render(
        request,
        "includes/form_page.html",
        {
            "form": form,
            "title": "Set up a funding programme",
            "cancel_url": reverse("grants:programme_list"),
            "submit_label": "Save programme",
        },
    )


@login_required
def programme_edit(request, pk):
    programme = get_visible_or_404(selectors.programme_list(user=request.user), pk=pk)
    if not roles.of(request.user).manages_programme(programme):
        refusal = PermissionRefused(f"Only the programme managers of {programme} can change it.")
        return refused(request, refusal, reverse("grants:programme_detail", args=[programme.pk]))
    initial = {f: getattr(programme, f) for f in (*services.PROGRAMME_FIELDS, "budget")}
    form = _programme_form(request, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("currency", None)
        try:
            services.programme_update(programme=programme, actor=request.user, **data)
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, "The programme's details are saved.")
            return redirect("grants:programme_detail", pk=programme.pk)
    return render(
        request,
        "includes/form_page.html",
        {
            "form": form,
            "title": f"Change {programme}",
            "cancel_url": reverse("grants:programme_detail", args=[programme.pk]),
            "submit_label": "Save changes",
        },
    )
