"""Admin changelists as a programme manager: a constant number of queries whatever the number of rows
(the scoped filters included), and autocomplete suggestions from the same selector as the field."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from reporting.models import ReportingSchedule
from tests import factories as f


def _award(world):
    return f.AwardFactory(programme=world.programme, recipient=world.partner_org, partnership=world.partnership)


def _update(world):
    return f.ProgressUpdateFactory(award=_award(world), state="submitted")


def _schedule(world):
    return ReportingSchedule.objects.create(
        award=_award(world), frequency="termly", starts_on=dt.date(2026, 1, 5), ends_on=dt.date(2026, 12, 18)
    )


def _criterion(world):
    from assessment import services
    from assessment.models import Criterion
    from tests.assessment.builders import moment

    call = services.call_create(
        actor=world.manager, programme=world.programme, title="Round", opens_at=moment(5), closes_at=moment(9)
    )
    return Criterion.objects.create(call=call, title="Need", weight=10)


ROWS = {
    "grants_award": _award,
    "grants_payment": lambda w: f.PaymentFactory(award=_award(w), amount=Decimal("10")),
    "grants_fundingprogramme": lambda w: f.ProgrammeFactory(managed_by=w.central, partnership=w.partnership),
    "partnerships_project": lambda w: f.ProjectFactory(partnership=w.partnership, lead_organisation=w.partner_org),
    "partnerships_partnership": lambda w: f.PartnershipFactory(lead_organisation=w.central),
    "partnerships_organisation": lambda w: f.OrganisationFactory(trust=w.partner_org),
    "reporting_indicator": lambda w: f.IndicatorFactory(award=_award(w)),
    "reporting_progressupdate": _update,
    "reporting_indicatorresult": lambda w: f.IndicatorResultFactory(update=_update(w)),
    "reporting_evaluation": lambda w: f.EvaluationFactory(award=_award(w)),
    "reporting_reportingschedule": _schedule,
    "assessment_criterion": _criterion,
}


@pytest.mark.parametrize("model", sorted(ROWS))
def test_admin_changelists_cost_the_same_for_3_and_30_rows(client, world, model, django_assert_max_num_queries):
    client.force_login(world.manager)
    url = reverse(f"admin:{model}_changelist")
    for _ in range(3):
        ROWS[model](world)
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    for _ in range(27):
        ROWS[model](world)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["cl"].result_count >= 30


def _suggestions(client, source: str, field: str, term: str = "") -> list[str]:
    app_label, model_name = source.split(".")
    params = {"app_label": app_label, "model_name": model_name, "field_name": field, "term": term}
    response = client.get(reverse("admin:autocomplete"), params)
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_autocomplete_suggests_what_the_field_accepts(client, world):
    f.PartnershipMemberFactory(partnership=world.partnership_b, organisation=world.central, role="member")
    client.force_login(world.manager)
    # The partnership B is visible to a member, but only a partnership one manages may be picked for a programme
    # (programme_create refuses the rest); an award may name any visible partnership.
    assert _suggestions(client, "grants.award", "programme") == ["WM Fund"]
    assert "East Midlands Partnership" in _suggestions(client, "grants.award", "partnership")
    assert _suggestions(client, "grants.fundingprogramme", "managed_by") == ["Fair Education Alliance"]
    assert "Paul Hamlyn Foundation" in _suggestions(client, "grants.fundingprogramme", "funder")  # the directory


def test_autocomplete_for_a_field_nobody_scoped_suggests_nothing(client, world):
    client.force_login(world.manager)
    assert _suggestions(client, "reporting.evidencefile", "update") == []
