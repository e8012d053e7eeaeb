"""Co-funding on every door: a co-funder sees the award and only its own share (page, API, admin, PDF,
download, 360Giving); a funder with no money in it sees nothing; lists cost the same with shares."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from grants.money.cofunding.services import award_shares_set
from reporting import reports
from tests.exchange_formats.test_giving360 import package_validator
from tests.grants.cofunding_helpers import co_programme, stranger_funder
from tests.grants.money_helpers import approved_award
from tests.reports.conftest import pdf_text


@pytest.fixture
def api():
    def make(user):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
        return client

    return make


@pytest.fixture
def shared(world):
    """A £10,000 WM Fund award, £3,000 of it from the Combined Authority Fund (world.funder_b's funder)."""
    co = co_programme(world)
    award = approved_award(world, amount=Decimal("10000.00"))
    award_shares_set(award=award, actor=world.manager, shares=[(co, Decimal("3000.00"))], note="Agreed at panel")
    return {"award": award, "co": co, "stranger": stranger_funder()}


def test_before_sharing_the_other_funder_cannot_see_the_award(client, world):
    award = approved_award(world, amount=Decimal("10000.00"))
    client.force_login(world.funder_b)
    assert client.get(f"/awards/{award.pk}/").status_code == 404


def test_the_award_page_shows_a_co_funder_its_own_share_only(client, world, shared):
    award = shared["award"]
    client.force_login(world.funder_b)
    page = client.get(f"/awards/{award.pk}/").content.decode()
    assert "Your share: <strong>£3,000</strong> of the £10,000 awarded" in page
    assert "Combined Authority Fund" in page and "£7,000" not in page
    client.force_login(world.funder)  # the lead funder sees every share
    page = client.get(f"/awards/{award.pk}/").content.decode()
    assert ">£7,000<" in page and ">£3,000<" in page and "Combined Authority Fund" in page
    client.force_login(shared["stranger"])
    assert client.get(f"/awards/{award.pk}/").status_code == 404


def test_the_manager_shares_an_award_out_on_its_page(client, world):
    co = co_programme(world)
    award = approved_award(world, amount=Decimal("10000.00"))
    client.force_login(world.manager)
    assert "Share this award with another programme" in client.get(f"/awards/{award.pk}/").content.decode()
    url = f"/awards/{award.pk}/co-funding/"
    bad = client.post(url, {f"share-{co.pk}": "10,000.01"})
    assert bad.status_code == 200 and "more than the £10,000.00 awarded" in bad.content.decode()
    words = client.post(url, {f"share-{co.pk}": "lots"})
    assert words.status_code == 200 and "There is a problem" in words.content.decode()
    done = client.post(url, {f"share-{co.pk}": "2,500.50", "note": "Panel"})
    assert done.status_code == 302
    assert co.award_shares.get(award=award).amount == Decimal("2500.50")
    client.force_login(world.funder_b)  # a funder reads the form's page as a refusal, never a form
    assert client.get(url).status_code == 302


def test_the_api_shows_a_co_funder_the_award_and_its_share_only(api, world, shared):
    award, co = shared["award"], shared["co"]
    record = api(world.funder_b).get(f"/api/v1/awards/{award.pk}/").json()
    assert record["co_funded"] is True
    assert [(s["programme"], s["amount"], s["lead"]) for s in record["shares"]] == [(co.pk, "3000.00", False)]
    listed = api(world.funder_b).get("/api/v1/awards/").json()["results"]
    assert [(a["id"], a["co_funded"], a["shares"]) for a in listed] == [(award.pk, True, None)]
    shares = api(world.funder_b).get("/api/v1/award-shares/").json()["results"]
    assert [(s["programme_name"], s["amount"]) for s in shares] == [("Combined Authority Fund", "3000.00")]
    lead = api(world.funder).get("/api/v1/award-shares/").json()["results"]
    assert sorted(s["amount"] for s in lead) == ["3000.00", "7000.00"]
    stranger = api(shared["stranger"])
    assert stranger.get(f"/api/v1/awards/{award.pk}/").status_code == 404
    assert stranger.get("/api/v1/award-shares/").json()["results"] == []
    assert stranger.get(f"/api/v1/award-shares/{co.award_shares.get().pk}/").status_code == 404


def test_the_api_sets_shares_for_managers_and_refuses_funders(api, world, shared):
    award, co = shared["award"], shared["co"]
    body = {"award": award.pk, "shares": [{"programme": co.pk, "amount": "4000.00"}], "note": "Re-set"}
    assert api(world.funder_b).post("/api/v1/award-shares/", body, format="json").status_code == 403
    response = api(world.manager).post("/api/v1/award-shares/", body, format="json")
    assert response.status_code == 201, response.content
    assert sorted(s["amount"] for s in response.json()) == ["4000.00", "6000.00"]
    short = {"award": award.pk, "shares": [{"programme": co.pk, "amount": "60000.01"}]}
    refused = api(world.manager).post("/api/v1/award-shares/", short, format="json")
    assert refused.status_code == 400 and "more than the £10,000.00 awarded" in refused.content.decode()
    other = {"award": award.pk, "shares": [{"programme": world.programme_b.pk, "amount": "1.00"}]}
    assert api(world.manager).post("/api/v1/award-shares/", other, format="json").status_code == 400  # not theirs


def test_the_pdf_reports_show_a_co_funder_its_share_and_its_portfolio_counts_it(world, shared):
    award = shared["award"]
    text = pdf_text(reports.pdf_bytes(reports.award_report(user=world.funder_b, pk=award.pk)))
    assert "Co-funding" in text and "Combined Authority Fund Paul Hamlyn Foundation £3,000.00" in text
    assert "£7,000.00" not in text and "Paul Hamlyn Foundation" in text
    portfolio = reports.portfolio_report(user=world.funder_b, identifier=world.funder_org_b.identifier)
    assert [a["label"] for a in portfolio.data["awards"]] == [award.identifier]
    text = pdf_text(reports.pdf_bytes(portfolio))
    assert "Paul Hamlyn Foundation's programmes fund £3,000.00" in text
    with pytest.raises(reports.ReportNotFound):
        reports.award_report(user=shared["stranger"], pk=award.pk)


def test_the_award_download_shows_each_person_the_shares_they_may_see(client, world, shared):
    award = shared["award"]

    def rows(user):
        client.force_login(user)
        response = client.get("/awards/?download=csv")
        return {r["Identifier"]: r for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}

    assert rows(world.funder_b)[award.identifier]["Co-funding shares (£)"] == "Combined Authority Fund 3000.00"
    assert rows(world.manager)[award.identifier]["Co-funding shares (£)"] == (
        "Combined Authority Fund 3000.00; WM Fund 7000.00"
    )
    assert award.identifier not in rows(shared["stranger"])


def test_a_co_funded_award_validates_in_360giving_with_each_funder(world, shared, tmp_path):
    path = tmp_path / "grants.json"
    call_command("export_360giving", "-o", str(path))
    data = json.loads(path.read_text())
    assert sorted(package_validator().iter_errors(data), key=str) == []
    (grant,) = [g for g in data["grants"] if g["id"] == shared["award"].identifier]
    assert [o["name"] for o in grant["fundingOrganization"]] == ["Bloomberg Philanthropies", "Paul Hamlyn Foundation"]
    assert [p["title"] for p in grant["grantProgramme"]] == ["WM Fund", "Combined Authority Fund"]
    assert grant["amountAwarded"] == 10000


def test_award_lists_cost_the_same_with_co_funded_awards(api, client, world, django_assert_num_queries):
    co = co_programme(world)
    awards = [approved_award(world, amount=Decimal("1000.00")) for _ in range(4)]
    award_shares_set(award=awards[0], actor=world.manager, shares=[(co, Decimal("100.00"))])
    client.force_login(world.funder_b)
    for _ in range(2):  # warm the session and the person's roles
        api(world.funder_b).get("/api/v1/awards/")
        client.get("/awards/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert len(api(world.funder_b).get("/api/v1/awards/").json()["results"]) == 1
        client.get("/awards/")
    for award in awards[1:]:
        award_shares_set(award=award, actor=world.manager, shares=[(co, Decimal("100.00"))])
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(api(world.funder_b).get("/api/v1/awards/").json()["results"]) == 4
        client.get("/awards/")


def test_a_co_funders_budget_against_actual_counts_the_award_it_co_funds_as_its_portfolio_does(
    client, api, world, shared
):
    """The funder's and its programme's budget against actual, on the page and the API, hold the award its
    programme co-funds (whole: the lines are the award's), as the funder's portfolio report does; a funder
    with no money in it still has nothing."""
    award = shared["award"]  # £10,000 awarded, no budget lines: all of it "Not budgeted by line"
    client.force_login(world.funder_b)
    for kind, pk in (("funder", world.funder_org_b.pk), ("programme", shared["co"].pk)):
        page = client.get(reverse("grants:budget_against_actual", args=[kind, pk]))
        assert page.status_code == 200, kind
        text = " ".join(page.content.decode().split())
        assert "Approved budgets of 1 approved award by line" in text, kind
        assert "co-funds with others are counted whole" in text
        body = api(world.funder_b).get(f"/api/v1/budget-lines/against-actual/?{kind}={pk}").json()
        assert body["approved"] == "10000.00", (kind, body)
    portfolio = reports.portfolio_report(user=world.funder_b, identifier=world.funder_org_b.identifier)
    assert [a["label"] for a in portfolio.data["awards"]] == [award.identifier]
    # The lead funder's figures are unchanged, and a stranger funder still sees nothing of it.
    lead = api(world.funder).get(f"/api/v1/budget-lines/against-actual/?funder={world.funder_org.pk}").json()
    assert lead["approved"] == "10000.00"
    assert (
        api(shared["stranger"]).get(f"/api/v1/budget-lines/against-actual/?funder={world.funder_org_b.pk}").status_code
        == 404
    )
