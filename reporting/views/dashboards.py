"""The signed-in person's dashboard (by role) and the reach page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from accounts import roles
from grants import due as payment_due
from grants.selectors import award_list
from partnerships.selectors import project_list

from ..selectors import dashboards as dashboard
from ..selectors import due_rows


def dashboard_context(request) -> dict:
    """One dashboard, with a section for each role the person holds (most people hold one). Every
    figure of what is due or overdue comes from the one due rule (reporting.periods), read from the kept
    due periods (reporting.selectors.due_rows; payments: grants.due)."""
    user, today = request.user, payment_due.today()
    r = roles.of(user)
    context = {"roles": r, "today": today}
    if r.is_manager:
        projects, awards = dashboard.project_pipeline(user=user), dashboard.award_pipeline(user=user)
        programmes = dashboard.programme_money(user=user)
        context["manager"] = {
            "projects": projects,
            "awards": awards,
            "project_chart": dashboard.stage_chart("chart-projects", "Projects by stage", projects),
            "award_chart": dashboard.stage_chart("chart-awards", "Awards by stage", awards),
            "programmes": programmes,
            "money_chart": dashboard.money_chart("chart-money", "Money committed against each budget", programmes),
            "payments": dashboard.payments_due(user=user, today=today),
            "updates": due_rows.managed_counts(user=user, today=today),
        }
    if r.is_partner and not r.is_manager:
        context["partner"] = {
            "projects": list(project_list(user=user)[:20]),
            "awards": list(award_list(user=user)[:20]),
            "payments": dashboard.payments_due(user=user, today=today, days=90),
            "updates": due_rows.owed_counts(user=user, today=today),
            "updates_due": due_rows.owed_periods(user=user, today=today, limit=10),
        }
    if r.is_funder and not r.is_manager:
        awards = dashboard.award_pipeline(user=user)
        programmes = dashboard.programme_money(user=user)
        context["funder"] = {
            "figures": dashboard.portfolio(user=user),
            "awards": awards,
            "award_chart": dashboard.stage_chart("chart-funder-awards", "Awards by stage", awards),
            "programmes": programmes,
            "money_chart": dashboard.money_chart("chart-funder-money", "Committed and paid by programme", programmes),
            "progress": dashboard.award_progress(user=user),
            "funders": sorted({p.funder for p in programmes if p.funder_id in r.funder_orgs}, key=lambda o: o.name),
        }
    return context


@login_required
def home(request):
    return render(request, "dashboard/home.html", dashboard_context(request))


@login_required
def reach(request):
    regions = dashboard.reach_regions()
    if not regions:
        return render(request, "dashboard/reach.html", {"regions": [], "table": None})
    chosen = request.GET.get("region")
    if chosen:
        region = next((x for x in regions if str(x.pk) == chosen), None)
        if region is None:
            raise Http404("No such region")
    else:
        region = next((x for x in regions if x.name == "West Midlands"), regions[0])
    return render(
        request,
        "dashboard/reach.html",
        {"regions": regions, "region": region, "table": dashboard.reach_table(user=request.user, region=region)},
    )
