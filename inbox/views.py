"""The work inbox (/inbox/), the dashboard with the inbox first, the calendar feed's renewal (its
address is shown on the one account page, /accounts/me/), and the feed itself (/calendar/<token>.ics:
the token is the only key, so a calendar app can read it without signing in)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from reporting.views.dashboards import dashboard_context

from . import calendar, selectors, services


@login_required
def inbox(request):
    return render(request, "inbox/inbox.html", {"inbox": selectors.inbox_for(user=request.user)})


@login_required
def home(request):
    """The dashboard, with what is waiting for the person first."""
    context = dashboard_context(request)
    context["inbox"] = selectors.inbox_for(user=request.user, today=context["today"], figures=context["due_figures"])
    return render(request, "dashboard/home.html", context)


def account(request):
    """The old address of the account page: there is one account page, accounts' /accounts/me/, which
    shows the calendar feed through this app's tag library (inbox.templatetags.inbox_calendar)."""
    return redirect(reverse("accounts:account"), permanent=True)


@login_required
@require_POST
def calendar_renew(request):
    services.calendar_feed_renew(user=request.user)
    messages.success(request, "Your calendar feed has a new address. The old address no longer works.")
    return redirect(reverse("accounts:account") + "#calendar")


def calendar_feed(request, token: str):
    user = selectors.calendar_feed_owner(token=token)
    if user is None:
        raise Http404("No calendar feed has this address (it may have been renewed).")
    response = HttpResponse(calendar.feed_for(user=user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="exchange-due-dates.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
