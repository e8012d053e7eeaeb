"""The work inbox (/inbox/), the dashboard with the inbox first, the account page with the calendar
feed's URL, and the feed itself (/calendar/<token>.ics: the token is the only key, so a calendar app
can read it without signing in)."""

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
    context["inbox"] = selectors.inbox_for(user=request.user, today=context["today"])
    return render(request, "dashboard/home.html", context)


@login_required
def account(request):
    memberships = request.user.memberships.select_related("organisation").order_by("organisation__name")
    return render(request, "inbox/account.html", {"memberships": memberships})


@login_required
@require_POST
def calendar_renew(request):
    services.calendar_feed_renew(user=request.user)
    messages.success(request, "Your calendar feed has a new address. The old address no longer works.")
    return redirect(reverse("inbox:account") + "#calendar")


def calendar_feed(request, token: str):
    user = selectors.calendar_feed_owner(token=token)
    if user is None:
        raise Http404("No calendar feed has this address (it may have been renewed).")
    response = HttpResponse(calendar.feed_for(user=user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="exchange-due-dates.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
