"""Support matching in headless Chromium: a partner records a need and shares it, a programme manager
reads the ranked offers with their reasons and accepts one, and lands on the draft project it started.
axe-core checks each page on the way."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partnerships.models import Organisation, PartnershipMember, Project
from support import services
from support.models import Need, Offer, SupportArea
from tests import factories as f

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def offer(world):
    partnership = world.partnership
    for name in ("Attendance", "SEND", "Curriculum"):
        SupportArea.objects.create(partnership=partnership, name=name)
    giver = f.OrganisationFactory(name="Oak Academy", kind=Organisation.Kind.SCHOOL)
    for org in (world.partner_org, giver):
        PartnershipMember.objects.create(partnership=partnership, organisation=org)
    lesson_project = f.ProjectFactory(partnership=partnership, lead_organisation=giver, title="Attendance hubs")
    evaluation = f.EvaluationFactory(project=lesson_project, rating="exceeded", completed_at=timezone.now())
    return services.offer_create(
        actor=world.manager,
        partnership=partnership,
        organisation=giver,
        areas=list(SupportArea.objects.filter(name__in=["Attendance", "SEND"])),
        evaluations=[evaluation],
        title="An attendance hub with families",
        capacity_days=6,
        available_until=dt.date.today() + dt.timedelta(days=300),
        phases=["repair"],
    )


def test_from_a_need_to_a_draft_project(browser_page, world, offer):
    page = browser_page

    # A partner records its school's need, shared with offering organisations.
    sign_in(page, "partner")
    page.goto(page.base + "/support/")
    assert_accessible(page, "support-1-needs")
    page.get_by_role("button", name="Record a need").click()
    page.get_by_role("button", name="Record the need").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, "support-2-need-form-errors")
    page.get_by_label("Partnership").select_option(label=world.partnership.name)
    page.get_by_label("Organisation", exact=True).select_option(label=world.partner_org.name)
    page.get_by_label("What the support is for").fill("Attendance of pupils with SEND")
    page.get_by_label("Attendance", exact=True).check()
    page.get_by_label("Phase of improvement").select_option(label="Repair")
    page.get_by_label("Urgency", exact=True).select_option(label="Urgent: this term")
    page.get_by_label("Context (optional)").fill("Persistent absence is 24%, and 31% for pupils with SEND.")
    page.get_by_label("Days of support a term").fill("4")
    page.get_by_label("Share this need with offering organisations").check()
    page.get_by_role("button", name="Record the need").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The need is recorded.")
    need = Need.objects.get(title="Attendance of pupils with SEND")
    assert need.shared and need.organisation == world.partner_org
    expect(page.get_by_role("button", name="Ask Oak Academy for this support")).to_be_visible()
    assert_accessible(page, "support-3-need-as-partner")

    # The manager reads the ranked offers with their reasons and accepts one.
    sign_in(page, "manager")
    page.get_by_role("link", name="Support", exact=True).click()
    page.get_by_role("link", name="Attendance of pupils with SEND").click()
    proposal = page.locator(".exchange-proposal").first
    expect(proposal).to_contain_text("Oak Academy")
    expect(proposal).to_contain_text("Strong in the area needed: Attendance.")
    expect(proposal).to_contain_text("“Attendance hubs” exceeded its aims")
    expect(proposal).to_contain_text("6 days a term left")
    expect(proposal).to_contain_text("Suits schools in the repair phase.")
    assert_accessible(page, "support-4-need-ranked-offers")
    proposal.get_by_label("Days a term").fill("4")
    proposal.get_by_role("button", name="Accept this match").click()

    # The draft project: the offering school gives support, the needing trust receives it.
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Match accepted")
    expect(page.locator(".govuk-tag", has_text="Draft").first).to_be_visible()
    project = Project.objects.get(support_match__isnull=False)
    assert project.state == Project.State.DRAFT
    partners = {p.organisation.name: (p.gives_support, p.receives_support) for p in project.partners.all()}
    assert partners == {"Oak Academy": (True, False), world.partner_org.name: (False, True)}
    assert_accessible(page, "support-5-draft-project")
    offer.refresh_from_db()
    assert offer.days_left == 2

    for name, url in (
        ("support-6-offer", f"/support/offers/{offer.pk}/"),
        ("support-7-offers", "/support/offers/"),
        ("support-8-intelligence", "/support/intelligence/"),
        ("support-9-history", f"/support/organisations/{offer.organisation_id}/"),
        ("support-10-settings", f"/support/partnerships/{world.partnership.pk}/settings/"),
        ("support-11-offer-form", "/support/offers/new/"),
    ):
        page.goto(page.base + url)
        assert_accessible(page, name)
    assert Offer.objects.count() == 1
