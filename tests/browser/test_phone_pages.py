"""The pages added lately, each role's at phone width (390 px): one heading, no scrolling sideways, axe-core
finding nothing serious; and the steps that matter taken there (a payment released with its paid-on date,
an over-long co-funding note refused, an indicator proposed and confirmed, a bid scored)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from grants.models import Payment
from partnerships.models import Organisation, PartnershipMember
from reporting import services as reporting
from support import services as support
from support.models import SupportArea
from tests import factories as f
from tests.assessment.builders import open_assignment, open_call, submitted_application
from tests.conftest import Role, member
from tests.grants.cofunding_helpers import co_programme
from tests.grants.money_helpers import approved_award, paid_ready

from .conftest import assert_fits_a_phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def recent(world):
    """One of each thing the recent pages show: an approved award with a payment ready to release, a
    co-funding programme, a proposed indicator, a call with a submitted and assigned bid, a need and an offer."""
    PartnershipMember.objects.create(partnership=world.partnership, organisation=world.partner_org)
    award = approved_award(world, amount=Decimal("10000.00"))
    co_programme(world)
    payment = paid_ready(world, award, due_on=dt.date(2026, 5, 1), amount="2000.00")
    bid = f.AwardFactory(programme=world.programme, recipient=world.partner_org, partnership=world.partnership)
    indicator = reporting.indicator_add(
        actor=world.partner,
        award=bid,
        name="Pupils reading at the expected standard",
        unit="pupils",
        target=Decimal("1450"),
        baseline=Decimal("1200"),
        breakdowns="Disadvantaged pupils, SEND, EAL",
    )
    call = open_call(world.manager, world.programme, title="Peer review round 1")
    assessor = member(Role.PARTNER, f.OrganisationFactory(name="Elsewhere Trust"), username="assessor")
    application = submitted_application(call, world.partner, world.partner_org, title="Black Country peer reviews")
    assignment = open_assignment(application, world.manager, assessor)
    areas = [SupportArea.objects.create(partnership=world.partnership, name=n) for n in ("Attendance", "SEND")]
    giver = f.OrganisationFactory(name="Oak Academy", kind=Organisation.Kind.SCHOOL)
    PartnershipMember.objects.create(partnership=world.partnership, organisation=giver)
    offer = support.offer_create(
        actor=world.manager,
        partnership=world.partnership,
        organisation=giver,
        areas=areas,
        title="An attendance hub with families",
        capacity_days=6,
        available_until=timezone.localdate() + dt.timedelta(days=300),
        phases=["repair"],
    )
    need = support.need_create(
        actor=world.manager,
        partnership=world.partnership,
        organisation=world.partner_org,
        areas=areas[:1],
        title="Attendance of pupils with SEND",
        phase="repair",
        days_wanted=4,
        shared=True,
    )
    return {
        "award": award,
        "bid": bid, "payment": payment, "indicator": indicator, "call": call, "application": application,
        "assignment": assignment, "offer": offer, "need": need, "giver": giver,
    }  # fmt: skip


def visit_all(page, pages: dict):
    """Every page checked, and every problem reported together."""
    problems = []
    for name, path in pages.items():
        page.goto(page.base + path)
        try:
            assert_fits_a_phone(page, f"phone-{name}")
        except AssertionError as problem:
            problems.append(str(problem))
    assert not problems, "\n".join(problems)


def test_manager_pages_and_steps_at_phone_width(phone, world, recent):
    page = phone
    sign_in(page, "manager")
    award, call, application = recent["award"], recent["call"], recent["application"]
    visit_all(
        page,
        {
            "manager-inbox": "/inbox/",
            "manager-account": "/accounts/me/",
            "manager-indicators": f"/updates/indicators/award/{recent['bid'].pk}/",
            "manager-indicator-check": f"/updates/indicators/{recent['indicator'].pk}/edit/",
            "manager-calls": "/calls/",
            "manager-call": f"/calls/{call.pk}/",
            "manager-application": f"/calls/applications/{application.pk}/",
            "manager-panel": f"/calls/{call.pk}/panel/",
            "manager-needs": "/support/",
            "manager-need-ranked-offers": f"/support/needs/{recent['need'].pk}/",
            "manager-need-form": "/support/needs/new/",
            "manager-offers": "/support/offers/",
            "manager-offer": f"/support/offers/{recent['offer'].pk}/",
            "manager-offer-form": "/support/offers/new/",
            "manager-intelligence": "/support/intelligence/",
            "manager-history": f"/support/organisations/{recent['giver'].pk}/",
            "manager-matching-settings": f"/support/partnerships/{world.partnership.pk}/settings/",
        },
    )

    # The indicator confirmed, on the phone.
    page.goto(page.base + f"/updates/indicators/{recent['indicator'].pk}/edit/")
    page.get_by_label("Target").fill("1,500")
    page.get_by_role("button", name="Save and confirm").click()
    expect(page.get_by_text("confirmed.")).to_be_visible()

    # The co-funding page refuses a note longer than a note may be, in words, keeping what was typed.
    page.goto(page.base + f"/awards/{award.pk}/co-funding/")
    assert_fits_a_phone(page, "phone-manager-cofunding")
    page.get_by_label("Combined Authority Fund (Paul Hamlyn Foundation), £").fill("2,500")
    note = "Agreed at the March panel. " * 40
    page.get_by_label("Why (kept in the history)").fill(note)
    page.get_by_role("button", name="Save the shares").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("characters long: keep it to 1,000")
    expect(page.get_by_label("Why (kept in the history)")).to_have_value(note)
    assert_fits_a_phone(page, "phone-manager-cofunding-note-too-long")

    # A payment released with its paid-on date and reference.
    page.goto(page.base + f"/payments/{recent['payment'].pk}/")
    assert_fits_a_phone(page, "phone-manager-payment-release")
    page.locator("#release-paid-on-day").fill("2")
    page.locator("#release-paid-on-month").fill("5")
    page.locator("#release-paid-on-year").fill("2026")
    page.locator("#release-reference").fill("BACS-2231")
    page.get_by_role("button", name="Release (mark paid)").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    assert_fits_a_phone(page, "phone-manager-payment-released")
    payment = Payment.objects.get(pk=recent["payment"].pk)
    assert (payment.state, payment.paid_on, payment.reference) == ("paid", dt.date(2026, 5, 2), "BACS-2231")


def test_partner_pages_and_steps_at_phone_width(phone, world, recent):
    page = phone
    sign_in(page, "partner")
    application = recent["application"]
    visit_all(
        page,
        {
            "partner-inbox": "/inbox/",
            "partner-account": "/accounts/me/",
            "partner-notifications": "/account/notifications/",
            "partner-calls": "/calls/",
            "partner-call": f"/calls/{recent['call'].pk}/",
            "partner-application": f"/calls/applications/{application.pk}/",
            "partner-needs": "/support/",
            "partner-need": f"/support/needs/{recent['need'].pk}/",
            "partner-offers": "/support/offers/",
            "partner-project-form": "/projects/new/",
        },
    )
    # An indicator proposed on the phone; the page keeps to the screen with a row in its table.
    page.goto(page.base + f"/updates/indicators/award/{recent['bid'].pk}/")
    assert_fits_a_phone(page, "phone-partner-indicators")
    page.get_by_label("What is measured").fill("Families at the attendance hub")
    page.get_by_label("Unit").fill("families")
    page.get_by_label("Target").fill("40")
    page.get_by_role("button", name="Propose indicator").click()
    expect(page.get_by_text("proposed: a programme manager will confirm it")).to_be_visible()
    assert_fits_a_phone(page, "phone-partner-indicator-proposed")
    # Reminder choices saved on the phone.
    page.goto(page.base + "/account/notifications/")
    page.get_by_role("group", name="Overdue (to partner)").get_by_label("One email a day").check()
    page.get_by_role("button", name="Save choices").click()
    expect(page.get_by_text("Your reminder choices are saved.")).to_be_visible()
    assert_fits_a_phone(page, "phone-partner-account-saved")


def test_assessor_scores_a_bid_at_phone_width(phone, world, recent):
    page = phone
    sign_in(page, "assessor")
    assignment = recent["assignment"]
    page.goto(page.base + f"/calls/assessments/{assignment.pk}/")
    assert_fits_a_phone(page, "phone-assessor-scoring")
    for criterion, score in zip(recent["call"].criteria.order_by("position"), ("4", "3", "7"), strict=True):
        page.get_by_label(f"{criterion.title}: score (0 to {criterion.scale_max})").select_option(score)
    page.get_by_label("Recommendation").select_option(label="Fund")
    page.get_by_role("button", name="Submit my scores (final)").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your scores are submitted")
    assert_fits_a_phone(page, "phone-assessor-scored")


def test_funder_pages_at_phone_width(phone, world, recent):
    page = phone
    sign_in(page, "funder")
    visit_all(
        page,
        {
            "funder-inbox": "/inbox/",
            "funder-account": "/accounts/me/",
            "funder-award": f"/awards/{recent['award'].pk}/",
            "funder-payment": f"/payments/{recent['payment'].pk}/",
            "funder-indicators": f"/updates/indicators/award/{recent['award'].pk}/",
        },
    )
