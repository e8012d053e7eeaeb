"""Findings 8 and 9: every bad number is a 400 or a form error in words, on the web as in the API (one rule,
workflow.figures), and JSON nested deeply is a 400."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from grants.models import Award
from reporting.models import IndicatorResult
from tests import factories as f
from tests.helpers import force_state
from workflow.figures import FigureError, parse_money

from .conftest import start

BAD_MONEY = ["NaN", "sNaN", "-NaN", "Infinity", "-inf", "1E+999999999", "0.004", "1E-9", "99.999", "12abc"]


@pytest.mark.parametrize("text", BAD_MONEY)
def test_the_one_rule_refuses_in_words(text):
    with pytest.raises(FigureError) as refused:
        parse_money(text)
    assert text[:10] in refused.value.messages[0]


@pytest.mark.parametrize(
    "text,value", [("12,500.50", "12500.50"), ("£1,000", "1000"), ("99.990", "99.99"), ("0.01", "0.01")]
)
def test_the_one_rule_reads_what_people_write(text, value):
    assert parse_money(text) == Decimal(value)


@pytest.fixture
def in_assessment(world):
    award = f.AwardFactory(programme=world.programme, recipient=world.partner_org, amount_requested=Decimal("20000"))
    return force_state(award, "in_assessment")


@pytest.mark.parametrize("amount", BAD_MONEY)
def test_approving_on_the_web_with_a_bad_amount_is_refused_in_words(client, world, in_assessment, amount):
    client.force_login(world.manager)
    url = reverse("grants:award_transition", args=[in_assessment.pk, "approve"])
    response = client.post(url, {"amount": amount}, follow=True)
    assert response.status_code == 200
    assert "The amount to award" in response.content.decode()
    in_assessment.refresh_from_db()
    assert in_assessment.state == Award.State.IN_ASSESSMENT and in_assessment.amount_awarded is None


@pytest.mark.parametrize("amount", BAD_MONEY)
def test_approving_by_the_api_with_a_bad_amount_is_a_400(api, world, in_assessment, amount):
    response = api(world.manager).post(f"/api/v1/awards/{in_assessment.pk}/approve/", {"amount": amount}, format="json")
    assert response.status_code == 400, response.content
    in_assessment.refresh_from_db()
    assert in_assessment.state == Award.State.IN_ASSESSMENT


@pytest.mark.parametrize("figure", ["1E+999999999", "NaN", "sNaN", "Infinity", "0.004"])
def test_a_bad_indicator_figure_is_a_form_error_and_a_400(client, api, world, award, figure):
    update = start(award, world, dt.date(2026, 1, 5), dt.date(2026, 3, 31))
    indicator = award.indicators.first()
    client.force_login(world.partner)
    response = client.post(
        reverse("reporting:update_edit", args=[update.pk]), {"progress": "Spring.", f"result_{indicator.pk}": figure}
    )
    assert response.status_code == 400 and "govuk-error-summary" in response.content.decode()
    answer = api(world.partner).patch(
        f"/api/v1/updates/{update.pk}/", {"results": [{"indicator": indicator.pk, "value": figure}]}, format="json"
    )
    assert answer.status_code == 400, answer.content
    assert not IndicatorResult.objects.filter(update=update).exists()


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [1000, 100_000])
def test_json_nested_deeply_is_a_400_even_for_the_anonymous_token_request(api, world, depth):
    response = api(None).post("/api/v1/auth/token/", _nested(depth), content_type="application/json")
    assert response.status_code == 400 and "nested too deeply" in response.json()["detail"]
    body = '{"note": ' + _nested(depth) + "}"
    award = f.AwardFactory(programme=world.programme, recipient=world.partner_org)
    response = api(world.partner).post(f"/api/v1/awards/{award.pk}/submit/", body, content_type="application/json")
    assert response.status_code == 400


def test_ordinary_json_still_parses(api, world):
    response = api(None).post(
        "/api/v1/auth/token/", {"username": world.manager.username, "password": "exchange-test"}, format="json"
    )
    assert response.status_code == 200 and response.json()["token"]
