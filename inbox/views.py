"""The work inbox (/inbox/), the dashboard with the inbox first, the calendar feed's renewal (its
address is shown on the one account page, /accounts/me/), and the feed itself (/calendar/<token>.ics:
the token is the only key, so a calendar app can read it without signing in)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from reporting import services as reporting_services
from reporting.models import Delivery, SentReminder
from reporting.models.notifications import REQUIRED
from reporting.views.dashboards import dashboard_context
from workflow.views import refusal_into_form

from . import calendar, selectors, services


@login_required
def inbox(request):
    return render(request, "inbox/inbox.html", {"inbox": selectors.inbox_for(user=request.user)})


@login_required
def home(request):
    """The dashboard, with what is waiting for the person first."""
    context = dashboard_context(request)
    manager = context.get("manager")
    context["inbox"] = selectors.inbox_for(
        user=request.user, today=context["today"], managed_counts=manager["updates"] if manager else None
    )
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


class NotificationsForm(forms.Form):
    """One choice per kind of reminder; a kind the grant requires offers no "off"."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in SentReminder.Kind.choices:
            choices = [(value, words) for value, words in Delivery.choices if not (kind in REQUIRED and value == "off")]
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=choices,
                initial=current[kind],
                widget=forms.RadioSelect,
                help_text="Required by the grant: it can go into the daily digest, not be switched off."
                if kind in REQUIRED
                else "",
            )


@login_required
def notifications(request):
    """How the person gets each kind of reminder: straight away, in a daily digest, or in the inbox only."""
    current = reporting_services.notification_preferences_of(request.user)
    form = NotificationsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            reporting_services.notification_preferences_set(user=request.user, choices=form.cleaned_data)
        except ValidationError as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, "Your reminder choices are saved.")
            return redirect(reverse("accounts:account") + "#notifications")
    return render(request, "inbox/notifications.html", {"form": form}, status=400 if form.errors else 200)
