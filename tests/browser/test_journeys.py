"""End to end in headless Chromium: people working through the real pages, services and database."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from grants.models import Award, Payment
from partnerships.models import PartnershipMember, Project
from tests import factories as f
from tests.helpers import force_state
from workflow.models import TransitionLog

from .conftest import fill_date, screenshot, sign_in, take_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_partner_proposes_and_manager_approves_then_schedules_payments(browser_page, world):
    page = browser_page
    PartnershipMember.objects.create(partnership=world.partnership, organisation=world.partner_org)
    receiver = f.OrganisationFactory(name="Greenfield Primary")
    PartnershipMember.objects.create(partnership=world.partnership, organisation=receiver)  # partners are members

    # The partner proposes a project for its own trust, with a giver and a receiver of support.
    sign_in(page, "partner")
    page.get_by_role("button", name="Propose a project").first.click()
    page.get_by_label("Partnership").select_option(label=world.partnership.name)
    page.get_by_label("Lead organisation").select_option(label=world.partner_org.name)
    page.get_by_label("Title").fill("Reading for pleasure across Sandwell")
    page.get_by_label("Theme").select_option(label="Curriculum")
    page.get_by_label("Summary").fill("Four primaries run reading clubs together.")
    page.get_by_label("Schools and settings reached").fill("4")
    page.get_by_label("Children reached").fill("600")
    fill_date(page, "Planned start", "2026-09-01")
    fill_date(page, "Planned end", "2027-07-16")
    page.locator("#id_form-0-organisation").select_option(label=world.partner_org.name)
    page.locator("#id_form-0-gives_support").check()
    page.get_by_role("button", name="Add another partner").click()  # the page again, with one more row
    expect(page.locator("#id_title")).to_have_value("Reading for pleasure across Sandwell")
    page.locator("#id_form-1-organisation").select_option(label=receiver.name)
    page.locator("#id_form-1-receives_support").check()
    # Enter in a box saves, though "Show this partnership's members" is the first button on the page.
    page.get_by_label("Title").press("Enter")
    assert "is saved as a draft" in page.locator(".govuk-notification-banner").inner_text()
    take_step(page, "Propose")
    expect(page.locator(".govuk-tag", has_text="Proposed")).to_be_visible()
    screenshot(page, "journey-1-partner-proposed")
    project = Project.objects.get(title="Reading for pleasure across Sandwell")
    assert project.state == Project.State.PROPOSED
    assert project.partners.get(organisation=receiver).receives_support

    # The manager sees it on the dashboard, reviews and approves it.
    sign_in(page, "manager")
    page.get_by_role("link", name="Projects", exact=True).click()
    page.get_by_label("Stage").select_option(label="Proposed")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("link", name="Reading for pleasure across Sandwell").click()
    take_step(page, "Start review")
    take_step(page, "Approve", note="A clear plan with named schools.")
    expect(page.locator(".govuk-tag", has_text="Approved").first).to_be_visible()
    assert "A clear plan with named schools." in page.locator(".exchange-timeline").inner_text()
    screenshot(page, "journey-2-manager-approved-project")
    project.refresh_from_db()
    assert project.state == Project.State.APPROVED
    assert TransitionLog.objects.filter(object_id=project.pk, transition="approve", actor=world.manager).exists()

    # The award for it: assessed, approved and put into delivery.
    award = force_state(
        f.AwardFactory(
            programme=world.programme,
            recipient=world.partner_org,
            project=project,
            title="Reading clubs grant",
            amount_requested=Decimal("24000.00"),
        ),
        Award.State.SUBMITTED,
    )
    page.goto(page.base + f"/awards/{award.pk}/")
    take_step(page, "Start assessment")
    take_step(page, "Approve")
    take_step(page, "Start delivery")
    expect(page.locator(".govuk-tag", has_text="Active (in delivery)")).to_be_visible()

    # Payments: two tranches, then one that would exceed the award is refused with the reason.
    page.get_by_role("button", name="Schedule a payment").click()
    fill_date(page, "Due on", "2026-10-01")
    page.get_by_label("Amount (£)").fill("12000")
    page.get_by_role("button", name="Schedule and add another").click()
    assert "is scheduled for 1 October 2026" in page.locator(".govuk-notification-banner").inner_text()
    fill_date(page, "Due on", "2027-04-01")
    page.get_by_label("Amount (£)").fill("14000")
    page.get_by_role("button", name="Schedule payment", exact=True).click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "£12,000.00 left to schedule" in summary.inner_text()
    assert page.get_by_label("Amount (£)").input_value() == "14000"
    screenshot(page, "journey-3-payment-refused")
    page.get_by_label("Amount (£)").fill("12000")
    page.get_by_role("button", name="Schedule payment", exact=True).click()
    assert page.locator("h1").inner_text() == "Reading clubs grant"
    screenshot(page, "journey-4-payments-scheduled")
    amounts = sorted(award.payments.values_list("amount", flat=True))
    assert amounts == [Decimal("12000.00"), Decimal("12000.00")]

    # The first tranche is approved and released from its own page.
    page.get_by_role("link", name="1 Oct 2026").click()
    take_step(page, "Approve for payment")
    take_step(page, "Release (mark paid)", note="BACS run 14")
    expect(page.locator(".govuk-tag", has_text="Paid")).to_be_visible()
    first = award.payments.get(due_on=dt.date(2026, 10, 1))
    assert first.state == Payment.State.PAID


def test_core_flow_works_without_javascript(chromium, live_server, world):
    project = force_state(
        f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org, title="Peer review"),
        "under_review",
    )
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.base = live_server.url
    try:
        sign_in(page, "manager")
        page.goto(page.base + f"/projects/{project.pk}/")
        take_step(page, "Request changes", note="Please name the receiving schools.")
        assert f"Request changes — {project} is now “Changes requested”." in page.inner_text("main")
        project.refresh_from_db()
        assert project.state == Project.State.CHANGES_REQUESTED
        # A refusal comes back with its reason, without JavaScript too.
        page.goto(page.base + f"/projects/{project.pk}/")
        sign_in(page, "partner")
        Project.objects.filter(pk=project.pk).update(summary="")
        page.goto(page.base + f"/projects/{project.pk}/")
        take_step(page, "Resubmit")
        assert "needs a summary" in page.locator(".govuk-error-summary").inner_text()
    finally:
        context.close()


def test_funder_follows_an_award_and_downloads_the_reports(browser_page, world):
    page = browser_page
    award = force_state(
        f.AwardFactory(
            programme=world.programme,
            recipient=world.partner_org,
            title="Attendance mentors in Walsall",
            amount_requested=Decimal("30000"),
            amount_awarded=Decimal("30000"),
        ),
        Award.State.ACTIVE,
    )
    f.PaymentFactory(award=award, amount=Decimal("7500"))
    Payment.objects.filter(award=award).update(state=Payment.State.PAID, paid_on=dt.date.today())
    force_state(f.AwardFactory(programme=world.programme_b, title="Another funder's award"), Award.State.ACTIVE)

    sign_in(page, "funder")
    main = page.locator("main")
    assert "£30,000" in main.inner_text() and "£7,500" in main.inner_text()
    assert "Attendance mentors in Walsall" in main.inner_text()
    assert "Another funder's award" not in main.inner_text()
    screenshot(page, "journey-5-funder-portfolio")

    with page.expect_download() as portfolio:
        page.get_by_role("link", name=f"Download the portfolio report for {world.funder_org.name} (PDF)").click()
    assert portfolio.value.suggested_filename.endswith(".pdf")
    with open(portfolio.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    page.get_by_role("link", name="Attendance mentors in Walsall").click()
    assert page.locator(".exchange-transitions").count() == 0  # read-only: no steps for a funder
    with page.expect_download() as one:
        page.get_by_role("link", name="Download the impact report (PDF)").click()
    with open(one.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_update_is_submitted_sent_back_resubmitted_and_accepted(browser_page, world):
    from reporting.models import ProgressUpdate

    page = browser_page
    award = force_state(
        f.AwardFactory(
            programme=world.programme, recipient=world.partner_org, amount_awarded=Decimal("20000"), title="Oracy"
        ),
        Award.State.ACTIVE,
    )
    update = f.ProgressUpdateFactory(award=award, progress="", due_on=dt.date.today() + dt.timedelta(days=7))
    link = f"Progress update for {award.identifier}, Spring term 2026"  # its period as the schedule names it

    # The partner writes the update from the dashboard's "what is due" list and submits it.
    sign_in(page, "partner")
    page.get_by_role("link", name=link).click()
    page.get_by_role("link", name="Edit update").click()
    page.get_by_label("Progress made").fill("Eight oracy sessions in four schools.")
    page.get_by_role("button", name="Save", exact=True).click()
    take_step(page, "Submit")
    screenshot(page, "journey-6-partner-submitted-update")

    # The manager reviews it from the dashboard and asks for changes.
    sign_in(page, "manager")
    page.locator("a.exchange-figure", has_text="awaiting review").click()
    page.get_by_role("link", name=f"{award.identifier}, {update.period_label}").click()
    take_step(page, "Request changes", note="Please add the number of children in each session.")
    update.refresh_from_db()
    assert update.state == ProgressUpdate.State.CHANGES_REQUESTED

    # The partner sees the request, corrects the update and resubmits.
    sign_in(page, "partner")
    page.get_by_role("link", name=link).click()
    assert "Please add the number of children in each session." in page.inner_text("main")
    page.get_by_role("link", name="Edit update").click()
    page.get_by_label("Progress made").fill("Eight oracy sessions in four schools, 30 children in each.")
    page.get_by_role("button", name="Save", exact=True).click()
    take_step(page, "Resubmit")

    # The manager accepts it.
    sign_in(page, "manager")
    page.locator("a.exchange-figure", has_text="awaiting review").click()
    page.get_by_role("link", name=f"{award.identifier}, {update.period_label}").click()
    take_step(page, "Accept")
    screenshot(page, "journey-7-manager-accepted-update")
    update.refresh_from_db()
    assert update.state == ProgressUpdate.State.ACCEPTED
    assert update.progress == "Eight oracy sessions in four schools, 30 children in each."
    steps = list(
        TransitionLog.objects.filter(object_id=update.pk, content_type__model="progressupdate")
        .order_by("at", "id")
        .values_list("transition", "actor__username")
    )
    assert steps == [
        ("submit", "partner"),
        ("request_changes", "manager"),
        ("resubmit", "partner"),
        ("accept", "manager"),
    ]
