"""Match funding: recorded on the application (cash or in kind, from the applicant or others) and reported."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from grants.models import Award, MatchFunding
from grants.money import selectors
from grants.money import services as money
from tests import factories as f
from tests.grants.money_helpers import approved_award
from workflow.errors import TransitionRefused
from workflow.models import MoneyChange


def test_the_applicant_records_match_funding_on_the_application_and_it_is_reported(world, client):
    award = f.AwardFactory(programme=world.programme, recipient=world.partner_org)
    client.force_login(world.partner)
    url = reverse("grants:match_funding_edit", args=[award.pk])
    assert client.get(url).status_code == 200
    data = {
        "match-TOTAL_FORMS": "2",
        "match-INITIAL_FORMS": "0",
        "match-0-source": "Summit Learning Trust",
        "match-0-provider": "recipient",
        "match-0-kind": "in_kind",
        "match-0-amount": "4,000",
        "match-0-description": "Staff time",
        "match-1-source": "Sandwell Council",
        "match-1-provider": "other",
        "match-1-kind": "cash",
        "match-1-amount": "lots",
    }
    wrong = client.post(url, data)
    assert wrong.status_code == 200 and "“lots” is not a number" in wrong.content.decode()
    assert not MatchFunding.objects.exists()
    data["match-1-amount"] = "2500.50"
    assert client.post(url, data).status_code == 302
    assert MatchFunding.objects.filter(award=award).count() == 2
    assert MoneyChange.objects.filter(field="match_funding", new_amount=Decimal("6500.50")).exists()
    page = client.get(reverse("grants:award_detail", args=[award.pk])).content.decode()
    assert "Sandwell Council" in page and "£6,500.50" in page

    totals = selectors.match_funding_totals(awards=Award.objects.filter(pk=award.pk))
    assert totals == {
        "cash": Decimal("2500.50"),
        "in_kind": Decimal("4000.00"),
        "recipient": Decimal("4000.00"),
        "other": Decimal("2500.50"),
        "total": Decimal("6500.50"),
    }
    client.force_login(world.partner_b)
    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/match-funding/?award={award.pk}").json()["count"] == 0


def test_match_funding_is_fixed_once_the_application_is_decided(world):
    award = approved_award(world)
    with pytest.raises(TransitionRefused):
        money.match_funding_set(award=award, actor=world.manager, rows=[("Council", "other", "cash", "10", "")])


def test_a_row_without_an_amount_or_a_source_is_refused(world):
    award = f.AwardFactory(programme=world.programme, recipient=world.partner_org)
    with pytest.raises(ValidationError, match="must be more than £0"):
        money.match_funding_set(award=award, actor=world.partner, rows=[("Council", "other", "cash", "0", "")])
    with pytest.raises(ValidationError, match="say who gives it"):
        money.match_funding_set(award=award, actor=world.partner, rows=[("", "other", "cash", "10", "")])


def test_the_match_funding_api_replaces_an_applications_list(world, client):
    award = f.AwardFactory(programme=world.programme, recipient=world.partner_org)
    client.force_login(world.partner)
    body = {"award": award.pk, "rows": [{"source": "Employer", "provider": "other", "kind": "cash", "amount": "750"}]}
    response = client.post("/api/v1/match-funding/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()[0]["amount"] == "750.00"
    assert client.get(f"/api/v1/match-funding/?award={award.pk}").json()["count"] == 1
