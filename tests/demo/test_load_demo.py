"""`manage.py load_demo`: the scenario reaches every state through the services, reads alive on any day,
is marked as demo data, and a second run changes nothing.

These tests assert properties of what was loaded; they do not restate the scenario."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from demo.models import DemoScenario
from grants.models import Award, FundingProgramme, Payment
from partnerships.models import Organisation, PartnershipMember, Project
from reporting.models import Evaluation, IndicatorResult, ProgressUpdate
from reporting.selectors import due_period_list
from workflow.models import MoneyChange, TransitionLog

LOGINS = ["admin", "manager", "manager2", "funder", "funder2", "partner", "partner2"]
APPS = ["partnerships", "grants", "reporting", "workflow", "demo"]


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load(today: dt.date | None = None) -> str:
    out = StringIO()
    args = ["--today", today.isoformat()] if today else []
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Every row count of the apps, and the states, amounts and dates that a second run must not touch."""
    counts = {
        model._meta.label: model.objects.count() for label in APPS for model in apps.get_app_config(label).get_models()
    }
    counts["users"] = get_user_model().objects.count()
    return {
        "counts": counts,
        "awards": list(
            Award.objects.order_by("pk").values_list("identifier", "state", "amount_awarded", "planned_start")
        ),
        "projects": list(Project.objects.order_by("pk").values_list("reference", "state", "planned_start")),
        "payments": list(Payment.objects.order_by("pk").values_list("state", "amount", "due_on", "paid_on")),
        "updates": list(ProgressUpdate.objects.order_by("pk").values_list("state", "due_on", "submitted_at")),
        "history": list(TransitionLog.objects.order_by("pk").values_list("pk", "at")),
        "money": list(MoneyChange.objects.order_by("pk").values_list("pk", "at", "new_amount")),
        "names": list(Organisation.objects.order_by("pk").values_list("name", flat=True)),
    }


@pytest.mark.django_db
def test_a_second_run_changes_nothing():
    output = load()
    first = snapshot()
    assert first["counts"]["grants.Award"] > 0
    assert load() and snapshot() == first
    assert "exchange-demo" in output
    for username in LOGINS:
        assert f"  {username} " in output


def assert_every_state_reached():
    for model in (Project, Award, Payment, ProgressUpdate):
        assert set(model.objects.values_list("state", flat=True)) == set(model.State.values), model.__name__
    assert set(PartnershipMember.objects.values_list("role", flat=True)) == set(PartnershipMember.Role.values)
    assert Payment.objects.filter(gated_on_update__isnull=False).exists()
    assert IndicatorResult.objects.exists()
    assert ProgressUpdate.objects.exclude(reach=None).exists()


@pytest.mark.django_db
def test_every_workflow_state_is_reached_through_the_services(settings):
    load()
    assert_every_state_reached()

    # Every state change went through the services: logged, with an actor who may take that step.
    assert not TransitionLog.objects.filter(actor__isnull=True).exists()
    assert not MoneyChange.objects.filter(actor__isnull=True).exists()
    assert MoneyChange.objects.filter(field="amount_awarded").exists()
    assert MoneyChange.objects.filter(field="budget").count() == FundingProgramme.objects.count()
    partner_steps = TransitionLog.objects.filter(content_type__model="progressupdate", transition="submit")
    assert set(partner_steps.values_list("actor__memberships__role", flat=True)) == {"partner"}
    reviews = TransitionLog.objects.filter(transition="accept").select_related("actor")
    assert reviews.exists()
    for review in reviews:  # separation of duties held: nobody accepted their own update
        assert ProgressUpdate.objects.get(pk=review.object_id).author_id != review.actor_id

    # Completed and closed work have completed evaluations with lessons for other schools.
    for evaluation in [
        Evaluation.objects.get(project__state="completed"),
        Evaluation.objects.get(award__state="closed"),
    ]:
        assert evaluation.completed_at is not None
        assert evaluation.lessons.strip()
        assert evaluation.stage_reached in Evaluation.Stage.values

    for programme in FundingProgramme.objects.all():
        assert programme.committed_total() <= programme.budget, programme
        assert programme.recount_totals() == (programme.committed_amount, programme.paid_amount), programme
    for award in Award.objects.all():
        scheduled = award.payments.exclude(state=Payment.State.CANCELLED).aggregate(total=Sum("amount"))["total"]
        assert (scheduled or Decimal("0")) <= (award.amount_awarded or Decimal("0")), award

    for username in LOGINS:
        assert authenticate(username=username, password=settings.DEMO_PASSWORD) is not None, username
    User = get_user_model()
    assert User.objects.get(username="admin").is_superuser
    managed = set(User.objects.get(username="manager").memberships.values_list("organisation__name", flat=True))
    assert "Summit Learning Trust" in managed
    funder = User.objects.get(username="funder").memberships.get(role="funder").organisation
    assert funder.funded_programmes.exists()
    partner_org = User.objects.get(username="partner").memberships.get(role="partner").organisation
    assert partner_org.kind == "mat" and partner_org.awards_received.count() >= 2 and partner_org.led_projects.exists()


@pytest.mark.django_db
def test_real_bodies_given_invented_grants_are_marked_and_every_page_says_demo(client):
    page = client.get("/accounts/login/").content.decode()
    assert "Demo data" not in page
    load()
    funders = Organisation.objects.filter(kind="funder")
    assert funders and all(name.endswith(" (demo)") for name in funders.values_list("name", flat=True))
    assert Organisation.objects.get(kind="combined_authority").name.endswith(" (demo)")
    assert client.get("/accounts/login/").content.decode().count("Demo data") == 1
    client.force_login(get_user_model().objects.get(username="funder"))
    assert "Demo data" in client.get("/").content.decode()
    client.force_login(get_user_model().objects.get(username="admin"))
    assert "Demo data" in client.get("/admin/grants/award/").content.decode()
    assert DemoScenario.objects.get().loaded_on == timezone.localdate()


def assert_alive_on(day: dt.date):
    """What a person sees on `day` reads plausibly: nothing a year late, history in the past."""
    end_of_day = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))
    admin = get_user_model().objects.get(username="admin")

    # Reports: a few just due or just late, none long forgotten.
    periods = due_period_list(user=admin, today=day)
    urgencies = [p.urgency for p in periods]
    late = [p.days_late for p in periods if p.urgency == "overdue"]
    assert late and max(late) <= 7, [(str(p.subject), p.period_label, p.days_late) for p in periods if p.days_late]
    assert "awaiting_review" in urgencies and "due_soon" in urgencies

    # Money: what fell due is paid (or approved); what is scheduled is still to come.
    assert not Payment.objects.filter(state="scheduled", due_on__lt=day).exists()
    assert not Payment.objects.filter(paid_on__gt=day).exists()
    assert Payment.objects.filter(state="paid").exists() and Payment.objects.filter(state="scheduled").exists()

    # Work approved recently starts soon; applications waiting for a decision are recent.
    for model in (Project, Award):
        for obj in model.objects.filter(state="approved"):
            assert day < obj.planned_start <= day + dt.timedelta(days=200), obj
    waiting = Award.objects.filter(state__in=["submitted", "in_assessment"]).values_list("pk", flat=True)
    last_steps = TransitionLog.objects.filter(content_type__model="award", object_id__in=list(waiting))
    assert last_steps.aggregate(first=Min("at"))["first"] >= end_of_day - dt.timedelta(days=90)

    # History is stamped when the scenario says it happened: spread over the past, none after the day.
    for log in (TransitionLog, MoneyChange):
        span = log.objects.aggregate(first=Min("at"), last=Max("at"))
        assert span["last"] <= end_of_day and span["first"] < end_of_day - dt.timedelta(days=365)
        by_day = log.objects.annotate(day=TruncDate("at")).values("day").annotate(n=Count("id"))
        assert len(by_day) >= 25 and max(row["n"] for row in by_day) <= 12, log.__name__
    assert not ProgressUpdate.objects.filter(submitted_at__gt=end_of_day).exists()
    for obj_id, content_type in TransitionLog.objects.values_list("object_id", "content_type").distinct():
        stamps = list(
            TransitionLog.objects.filter(object_id=obj_id, content_type=content_type)
            .order_by("pk")
            .values_list("at", flat=True)
        )
        assert stamps == sorted(stamps), (content_type, obj_id)


@pytest.mark.django_db
@pytest.mark.parametrize("day", [dt.date(2026, 9, 3), dt.date(2027, 2, 20), dt.date(2027, 7, 30)])
def test_the_demo_reads_alive_whatever_day_it_is_loaded(day):
    output = load(day)
    assert day.strftime("%d %B %Y") in output
    assert DemoScenario.objects.get().loaded_on == day
    assert_every_state_reached()
    assert_alive_on(day)


@pytest.mark.django_db
def test_a_step_the_app_refuses_stops_the_load_and_names_it(monkeypatch):
    """The loader has no back door: a scenario awarding more than was asked for is refused by award_approve,
    as a manager's click would be, and nothing is kept."""
    import copy

    from demo import loader

    real_read = loader.read

    def greedy(name):
        data = real_read(name)
        if name != "awards":
            return data
        data = copy.deepcopy(data)
        approve = next(step for step in data["awards"][0]["steps"] if step["do"] == "approve")
        approve["amount"] = "9999999.00"
        return data

    monkeypatch.setattr(loader, "read", greedy)
    with pytest.raises(
        CommandError, match=r"360G-WMCP-00001 .*step 3 \(approve\) failed: The amount awarded .* cannot be more than"
    ):
        load()
    assert not Award.objects.exists() and not DemoScenario.objects.exists()


def test_a_today_that_is_not_a_date_is_refused():
    with pytest.raises(CommandError, match="--today must be a date like"):
        call_command("load_demo", "--today", "next tuesday")
