"""The managers' pages: need and capacity (intelligence), an organisation's history of support, and the
partnership's matching settings and list of areas."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from accounts import roles
from partnerships.selectors import organisation_list
from workflow.errors import TransitionRefused
from workflow.views import (
    get_visible_or_404,
    refusal_into_form,
    require_role,
)

from .. import selectors, services
from ..forms import AreaForm, SettingsForm
from ..models import MatchingSettings


@login_required
def intelligence(request):
    require_role(
        request, roles.of(request.user).is_manager, "programme managers can see the partnership's intelligence"
    )
    figures = selectors.need_and_capacity(user=request.user)
    return render(
        request,
        "support/intelligence.html",
        {
            "figures": figures,
            "area_chart": selectors.need_and_capacity_chart(
                "by-area", "Days a term needed and offered, by area", figures["areas"]
            ),
            "sub_region_chart": selectors.need_and_capacity_chart(
                "by-sub-region", "Days a term needed and offered, by sub-region", figures["sub_regions"]
            ),
            "results": selectors.match_results(user=request.user),
            "managed": selectors.managed_partnership_list(user=request.user),
        },
    )


@login_required
def organisation_history(request, pk):
    organisation = get_visible_or_404(organisation_list(user=request.user), pk=pk)
    return render(
        request,
        "support/organisation_history.html",
        {
            "organisation": organisation,
            "years": selectors.organisation_history(user=request.user, organisation=organisation),
            "needs": selectors.need_list(user=request.user).filter(organisation=organisation),
            "offers": selectors.offer_list(user=request.user).filter(organisation=organisation),
        },
    )


@login_required
def partnership_settings(request, pk):
    partnership = get_visible_or_404(selectors.managed_partnership_list(user=request.user), pk=pk)
    current = MatchingSettings.objects.filter(partnership=partnership).first() or MatchingSettings(
        partnership=partnership
    )
    form = SettingsForm(request.POST if "weights" in request.POST else None, instance=current)
    area_form = AreaForm(request.POST if "area" in request.POST else None)
    if request.method == "POST":
        try:
            if "weights" in request.POST and form.is_valid():
                services.matching_settings_save(partnership=partnership, actor=request.user, **form.cleaned_data)
                messages.success(request, "The matching settings are saved.")
                return redirect("support:partnership_settings", pk=partnership.pk)
            if "area" in request.POST and area_form.is_valid():
                area = services.area_add(
                    partnership=partnership, actor=request.user, name=area_form.cleaned_data["name"]
                )
                messages.success(request, f"“{area.name}” is added to the list.")
                return redirect("support:partnership_settings", pk=partnership.pk)
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(area_form if "area" in request.POST else form, error)
    return render(
        request,
        "support/settings.html",
        {"partnership": partnership, "form": form, "area_form": area_form, "areas": partnership.support_areas.all()},
    )
