"""From an open call to a panel decision in headless Chromium, every page checked with axe-core."""

import pytest
from playwright.sync_api import expect

from assessment.models import Application, Assignment
from partnerships.models import PartnershipMember
from tests import factories as f
from tests.assessment.builders import open_call
from tests.conftest import Role, member

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_an_open_call_to_a_decision(browser_page, world):
    page = browser_page
    PartnershipMember.objects.create(partnership=world.partnership, organisation=world.partner_org)
    call = open_call(world.manager, world.programme, title="Peer review round 1")
    school = f.OrganisationFactory(name="Greenfield Primary", kind="school")
    member(Role.PARTNER, f.OrganisationFactory(name="Elsewhere Trust"), username="assessor")

    # The partner finds the open call it is eligible for and starts an application.
    sign_in(page, "partner")
    page.get_by_role("link", name="Calls", exact=True).click()
    assert_accessible(page, "assessment-1-calls")
    page.get_by_role("link", name="Peer review round 1").click()
    assert_accessible(page, "assessment-2-call")
    page.get_by_label("Applying organisation (the lead)").select_option(label=world.partner_org.name)
    page.get_by_label("Project title").fill("Black Country peer reviews")
    page.get_by_label("Amount you are asking for (£)").fill("30,000")
    page.get_by_role("button", name="Start an application").click()
    assert_accessible(page, "assessment-3-edit")
    # Section by section: "Save and continue" works without JavaScript; with it, typing is saved on its own.
    page.get_by_label("Planned start").fill("2027-01-04")
    page.get_by_label("Planned end").fill("2027-12-17")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("The project: what you will do, with whom, and why it is needed").fill(
        "Six headteachers review each other's schools termly."
    )
    application = Application.objects.get(award__title="Black Country peer reviews")
    for _ in range(50):  # saved by the autosave alone, before any button is pressed
        application.refresh_from_db()
        if application.project_summary:
            break
        page.wait_for_timeout(200)
    assert application.project_summary.startswith("Six headteachers")
    expect(page.locator("#saved-at")).to_contain_text("Saved at")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Outcomes, and the indicators that will show them").fill("Attendance up two points.")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Budget: what the money pays for, year by year").fill("Supply cover and travel.")
    page.get_by_role("button", name="Save and return to the application").click()
    expect(page.locator("#checklist")).to_contain_text("Name the schools taking part")
    assert_accessible(page, "assessment-4-checklist")
    page.get_by_text("Add a co-applicant or a school taking part").click()
    page.get_by_label("Organisation", exact=True).select_option(label="Greenfield Primary")
    page.get_by_label("School taking part").check()
    page.get_by_label("Receives support (schools)").check()
    page.get_by_role("button", name="Add to the bid").click()
    page.get_by_label("Add a file").set_input_files(
        files=[{"name": "letter.txt", "mimeType": "text/plain", "buffer": b"Letter of support from the council"}]
    )
    page.get_by_role("button", name="Attach the file").click()
    expect(page.locator("#attachments + table")).to_contain_text("letter.txt")
    # Coming back to write opens the section last saved.
    page.get_by_role("link", name="Continue writing the application").click()
    expect(page.locator("h1")).to_have_text("Budget")
    page.get_by_role("link", name="Back to the application").click()
    expect(page.locator("#checklist")).to_have_text("Everything the call asks for is there.")
    page.get_by_role("button", name="Submit the application").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your application is submitted")
    application = Application.objects.get(award__title="Black Country peer reviews")
    assert application.award.state == "submitted" and application.organisations.get().organisation == school

    # The manager assigns an assessor.
    sign_in(page, "manager")
    page.goto(page.base + f"/calls/applications/{application.pk}/")
    page.get_by_label("Assessor").select_option(label="assessor (assessor)")
    page.get_by_role("button", name="Assign assessor").click()
    assert_accessible(page, "assessment-5-manager-application")

    # The assessor declares no conflict, then scores and submits.
    sign_in(page, "assessor")
    page.get_by_role("link", name="Calls", exact=True).click()
    page.get_by_role("link", name=application.award.identifier).click()
    assert_accessible(page, "assessment-6-declare")
    page.get_by_label("I have no conflict of interest with this application").check()
    page.get_by_role("button", name="Send my declaration").click()
    assert_accessible(page, "assessment-7-score")
    for criterion, score in zip(call.criteria.order_by("position"), ("4", "3", "7"), strict=True):
        page.get_by_label(f"{criterion.title}: score (0 to {criterion.scale_max})").select_option(score)
    page.get_by_label("Recommendation").select_option(label="Fund")
    page.get_by_role("button", name="Submit my scores (final)").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your scores are submitted")
    assert Assignment.objects.get().state == "submitted"

    # The panel sees the weighted score and decides.
    sign_in(page, "manager")
    page.goto(page.base + f"/calls/{call.pk}/panel/")
    expect(page.locator("#panel")).to_contain_text("72.00")
    assert_accessible(page, "assessment-8-panel")
    page.get_by_role("link", name=f"Decide on {application.award.identifier}").click()
    page.get_by_label("Approve").check()
    page.get_by_label("The panel's reasons").fill("Strong need; a plan the schools have tried.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The panel's decision is recorded")
    assert_accessible(page, "assessment-9-decided")
    application.award.refresh_from_db()
    assert application.award.state == "approved"
