"""axe-core in the page finds no serious or critical problem on each main page; a screenshot of each
is saved to test-artifacts/screenshots/."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from partnerships.models import PartnershipMember
from tests import factories as f
from tests.helpers import force_state

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def data(world):
    today = dt.date.today()
    la = f.LocalAuthorityFactory()
    PartnershipMember.objects.create(partnership=world.partnership, organisation=world.partner_org)
    project = force_state(
        f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org, children_reached=420),
        "under_review",
    )
    f.ProjectPartnerFactory(project=project, organisation=f.OrganisationFactory(local_authority=la), gives_support=True)
    award = force_state(
        f.AwardFactory(
            programme=world.programme,
            recipient=world.partner_org,
            project=project,
            amount_requested=Decimal("40000"),
            amount_awarded=Decimal("40000"),
        ),
        "active",
    )
    force_state(f.AwardFactory(programme=world.programme, recipient=world.partner_org), "submitted")
    payment = f.PaymentFactory(award=award, amount=Decimal("10000"), due_on=today + dt.timedelta(days=7))
    f.PaymentFactory(award=award, amount=Decimal("5000"), due_on=today - dt.timedelta(days=7))
    update = force_state(f.ProgressUpdateFactory(award=award, due_on=today, author=world.partner), "submitted")
    return {"project": project, "award": award, "payment": payment, "update": update}


def test_sign_in_page_is_accessible(browser_page, db):
    browser_page.goto(browser_page.base + "/accounts/login/")
    assert_accessible(browser_page, "sign-in")
    browser_page.get_by_role("button", name="Sign in").click()
    expect(browser_page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(browser_page, "sign-in-error")


def test_manager_pages_are_accessible(browser_page, world, data):
    page = browser_page
    sign_in(page, "manager")
    pages = {
        "manager-dashboard": "/",
        "programmes": "/programmes/",
        "programme": f"/programmes/{world.programme.pk}/",
        "partnerships": "/partnerships/",
        "partnership": f"/partnerships/{world.partnership.pk}/",
        "projects": "/projects/?state=under_review",
        "project": f"/projects/{data['project'].pk}/",
        "project-form": f"/projects/{data['project'].pk}/edit/",
        "awards": "/awards/",
        "award": f"/awards/{data['award'].pk}/",
        "payments": "/payments/",
        "payment": f"/payments/{data['payment'].pk}/",
        "payment-form": f"/awards/{data['award'].pk}/payments/new/",
        "programme-form": "/programmes/new/",
        "reach": "/reach/",
        "review-queue": "/updates/review/",
        "overdue-updates": "/updates/overdue/",
        "update": f"/updates/{data['update'].pk}/",
        "what-works": "/updates/what-works/",
    }
    for name, path in pages.items():
        page.goto(page.base + path)
        assert page.locator("h1").count() == 1, name
        assert_accessible(page, name)
    # A form with errors: the error summary and the fields in error are accessible too.
    page.goto(page.base + "/programmes/new/")
    page.get_by_role("button", name="Save programme").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, "programme-form-errors")


def test_partner_and_funder_dashboards_are_accessible(browser_page, world, data):
    page = browser_page
    sign_in(page, "partner")
    assert_accessible(page, "partner-dashboard")
    page.goto(page.base + "/projects/new/")
    assert_accessible(page, "project-proposal-form")
    page.goto(page.base + "/updates/")
    assert_accessible(page, "partner-updates-due")
    sign_in(page, "funder")
    assert_accessible(page, "funder-dashboard")
