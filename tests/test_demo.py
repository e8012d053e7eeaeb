"""`manage.py load_demo`: believable, complete, within budget, and safe to run twice."""

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db.models import Sum

from accounts.models import OrganisationMembership
from grants.models import Award, FundingProgramme, Payment
from partnerships.models import (
    LocalAuthority,
    Organisation,
    Partnership,
    PartnershipMember,
    Project,
    ProjectPartner,
    Region,
    SubRegion,
)
from reporting.models import Evaluation, Indicator, IndicatorResult, ProgressUpdate
from workflow.models import MoneyChange, TransitionLog

MODELS = [
    Region,
    SubRegion,
    LocalAuthority,
    Organisation,
    get_user_model(),
    OrganisationMembership,
    Partnership,
    PartnershipMember,
    FundingProgramme,
    Project,
    ProjectPartner,
    Award,
    Payment,
    Indicator,
    ProgressUpdate,
    IndicatorResult,
    Evaluation,
    TransitionLog,
    MoneyChange,
]

LOGINS = ["admin", "manager", "manager2", "funder", "funder2", "partner", "partner2"]


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.mark.django_db
def test_load_demo_twice_creates_nothing_new():
    load()
    first = counts()
    output = load()
    assert counts() == first
    assert "exchange-demo" in output
    for username in ("admin", "manager", "funder", "partner"):
        assert username in output


@pytest.mark.django_db
def test_demo_data_is_complete_and_within_budget(settings):
    load()

    assert Region.objects.filter(code__in=["E12000005", "E12000004"]).count() == 2
    assert sorted(SubRegion.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert LocalAuthority.objects.get(gss_code="E08000025").dfe_code == "330"
    assert LocalAuthority.objects.get(name="Birmingham").sub_region.number == 6
    assert Organisation.objects.count() >= 30
    assert Project.objects.count() >= 10
    assert Award.objects.count() >= 15
    assert FundingProgramme.objects.count() >= 3
    assert Partnership.objects.filter(
        name="The Education Exchange West Midlands", lead_organisation__name="Summit Learning Trust"
    ).exists()
    assert Partnership.objects.filter(
        name="West Midlands Collaboration Partnership", lead_organisation__name="Fair Education Alliance"
    ).exists()
    assert set(PartnershipMember.objects.values_list("role", flat=True)) == set(PartnershipMember.Role.values)

    bands = {mat.size_band for mat in Organisation.objects.filter(kind="mat")}
    assert {"Starter trust", "Established trust"} <= bands

    assert set(Project.objects.values_list("state", flat=True)) == set(Project.State.values)
    assert set(Award.objects.values_list("state", flat=True)) == set(Award.State.values)
    assert set(Payment.objects.values_list("state", flat=True)) == set(Payment.State.values)
    assert set(ProgressUpdate.objects.values_list("state", flat=True)) == set(ProgressUpdate.State.values)
    assert Payment.objects.filter(gated_on_update__isnull=False).exists()
    assert Indicator.objects.filter(project__isnull=False).exists()
    assert Indicator.objects.filter(award__isnull=False).exists()
    assert IndicatorResult.objects.exists()

    # Completed and closed work have completed evaluations with lessons for other schools.
    for evaluation in [
        Evaluation.objects.get(project__state="completed"),
        Evaluation.objects.get(award__state="closed", completed_at__isnull=False),
    ]:
        assert evaluation.completed_at is not None
        assert evaluation.lessons.strip()
        assert evaluation.stage_reached in Evaluation.Stage.values

    # Every state change went through the services: logged, with an actor.
    assert TransitionLog.objects.exists()
    assert not TransitionLog.objects.filter(actor__isnull=True).exists()
    assert MoneyChange.objects.filter(field="amount_awarded").exists()

    for programme in FundingProgramme.objects.all():
        assert programme.committed_total() <= programme.budget, programme
    for award in Award.objects.all():
        paid_or_due = award.payments.exclude(state=Payment.State.CANCELLED).aggregate(total=Sum("amount"))["total"]
        assert (paid_or_due or Decimal("0")) <= (award.amount_awarded or Decimal("0")), award

    for username in LOGINS:
        assert authenticate(username=username, password=settings.DEMO_PASSWORD) is not None, username
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    manager = get_user_model().objects.get(username="manager")
    assert manager.is_staff
    managed = set(manager.memberships.filter(role="manager").values_list("organisation__name", flat=True))
    assert {"Summit Learning Trust", "Fair Education Alliance"} <= managed
    assert (
        get_user_model()
        .objects.get(username="funder")
        .memberships.filter(role="funder", organisation__name="Bloomberg Philanthropies")
        .exists()
    )
    partner_org = get_user_model().objects.get(username="partner").memberships.get(role="partner").organisation
    assert partner_org.kind == "mat"
    assert partner_org.awards_received.count() >= 2
    assert partner_org.led_projects.exists()
