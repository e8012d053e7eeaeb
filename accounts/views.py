"""Pages about a person's own account: what Exchange holds about them (and the download of it), their second
factor, and the public privacy notice and accessibility statement."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from . import personal_data
from .models import OrganisationMembership


@login_required
def account(request):
    return render(
        request,
        "accounts/account.html",
        {"memberships": OrganisationMembership.objects.filter(user=request.user).select_related("organisation")},
    )


@never_cache
@login_required
def my_data(request):
    """GET: what is held and how to get it; POST: the file itself (a POST, so only the person's own click
    makes an export and its audit entry)."""
    if request.method == "POST":
        text = personal_data.export_recorded(user=request.user, actor=request.user, request=request, how="web page")
        name = f"exchange-personal-data-{request.user.get_username()}-{timezone.localdate():%Y-%m-%d}.json"
        response = HttpResponse(text, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "accounts/my_data.html", {"retention": retention_settings()})


def retention_settings() -> dict:
    return {
        "draft_days": settings.EXCHANGE_RETENTION_DRAFT_DAYS,
        "idle_days": settings.EXCHANGE_RETENTION_IDLE_DAYS,
    }


def privacy(request):
    return render(request, "accounts/privacy.html", {"retention": retention_settings()})


def accessibility(request):
    return render(request, "accounts/accessibility.html")
