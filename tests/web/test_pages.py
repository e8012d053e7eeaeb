"""The web pages as each role sees them: what they show, what they refuse, and that every write goes
through the services (state, log, reason)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from grants.models import Award, FundingProgramme, Payment
from partnerships.models import PartnershipMember, Project
from tests import factories as f
from tests.helpers import force_state
from workflow import clock
from workflow.models import TransitionLog


def client_for(client, user):
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


# Sign-in and dashboards ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/", "/programmes/", "/partnerships/", "/projects/", "/awards/", "/payments/", "/reach/", "/projects/new/"]
)
def test_anonymous_visitor_is_sent_to_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_sign_in_lands_on_the_dashboard_and_sign_out_needs_a_post(client, world):
    world.manager.set_password("pw-for-test-1")
    world.manager.save()
    page = client.get("/accounts/login/")
    assert "govuk-input" in html(page) and 'for="id_username"' in html(page)
    response = client.post("/accounts/login/", {"username": "manager", "password": "pw-for-test-1"}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Programme management" in html(response)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_shows_a_govuk_error_summary(client, world):
    response = client.post("/accounts/login/", {"username": "manager", "password": "nope"})
    assert response.status_code == 200
    assert "govuk-error-summary" in html(response)
    assert "Error: Sign in" in html(response)


def test_password_reset_sends_an_email_with_a_working_link(client, world):
    response = client.post("/accounts/password_reset/", {"email": "partner@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert "Choose a new password" in html(form_page)
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-long-new-pass-2026", "new_password2": "a-long-new-pass-2026"},
        follow=True,
    )
    assert "Password changed" in html(done)
    assert client.login(username="partner", password="a-long-new-pass-2026")


def test_each_role_sees_its_own_dashboard(client, world):
    assert "Programme management" in html(client_for(client, world.manager).get("/"))
    partner_page = html(client_for(client, world.partner).get("/"))
    assert "Your organisation" in partner_page and "Programme management" not in partner_page
    funder_page = html(client_for(client, world.funder).get("/"))
    assert "Your portfolio" in funder_page and "Propose a project" not in funder_page


def test_manager_dashboard_counts_pipeline_money_and_payments_due(client, world):
    today = dt.date.today()
    awards = [
        force_state(
            f.AwardFactory(programme=world.programme, recipient=world.partner_org, amount_awarded=Decimal("20000")),
            Award.State.ACTIVE,
        )
        for _ in range(2)
    ]
    force_state(f.AwardFactory(programme=world.programme), Award.State.SUBMITTED)
    f.AwardFactory(programme=world.programme_b, amount_awarded=Decimal("9999"))  # another manager's: not counted
    f.PaymentFactory(award=awards[0], amount=Decimal("1500"), due_on=today - dt.timedelta(days=3))
    f.PaymentFactory(award=awards[1], amount=Decimal("2500"), due_on=today + dt.timedelta(days=10))
    f.PaymentFactory(award=awards[1], amount=Decimal("700"), due_on=today + dt.timedelta(days=90))
    force_state(f.ProgressUpdateFactory(award=awards[0]), "submitted")
    page = html(client_for(client, world.manager).get("/"))
    assert "£40,000 committed and £0 paid of a £100,000 budget" in page  # the SVG chart's description
    assert "payment overdue (£1,500)" in page
    assert "payment due in 30 days (£2,500)" in page
    assert "update awaiting review" in page
    assert "EM Fund" not in page
    assert 'role="img"' in page and "<svg" in page


def test_funder_dashboard_shows_portfolio_figures_and_only_its_awards(client, world):
    mine = force_state(
        f.AwardFactory(programme=world.programme, amount_awarded=Decimal("30000"), title="Peer review in Sandwell"),
        Award.State.ACTIVE,
    )
    f.PaymentFactory(award=mine, amount=Decimal("7500"))
    Payment.objects.filter(award=mine).update(state=Payment.State.PAID)
    force_state(
        f.AwardFactory(programme=world.programme_b, amount_awarded=Decimal("5000"), title="Not yours"), "active"
    )
    page = html(client_for(client, world.funder).get("/"))
    assert "£30,000" in page and "£7,500" in page and "(25%)" in page
    assert "Peer review in Sandwell" in page
    assert "Not yours" not in page


def test_partner_dashboard_lists_its_work_and_what_is_due(client, world):
    project = f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org, title="Maths hubs")
    f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org_b, title="Other draft")
    award = force_state(f.AwardFactory(programme=world.programme, recipient=world.partner_org), "active")
    # Termly from 5 January 2026: the spring term's report (its draft here) was due 14 April 2026. Overdue
    # is decided from the kept due periods (reporting.selectors.due_rows), on the day the page is read.
    f.ProgressUpdateFactory(award=award, due_on=dt.date(2026, 4, 14))
    with clock.at(dt.datetime(2026, 4, 16, 12, tzinfo=dt.UTC)):
        page = html(client_for(client, world.partner).get("/"))
    assert project.title in page and "Other draft" not in page
    assert '1</span><span class="exchange-figure__label">update overdue' in page
    assert "Spring term 2026</a> (5 January to 31 March 2026)" in page


# Scope: outside a person's reach is as if absent ----------------------------------------------


def test_detail_pages_outside_scope_are_404(client, world):
    other_project = f.ProjectFactory(partnership=world.partnership_b, lead_organisation=world.partner_org_b)
    other_award = force_state(f.AwardFactory(programme=world.programme_b, recipient=world.partner_org_b), "active")
    other_payment = f.PaymentFactory(award=other_award)
    client_for(client, world.partner)
    for url in [
        f"/projects/{other_project.pk}/",
        f"/projects/{other_project.pk}/edit/",
        f"/awards/{other_award.pk}/",
        f"/payments/{other_payment.pk}/",
        f"/programmes/{world.programme_b.pk}/",
        f"/partnerships/{world.partnership_b.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    response = client.post(f"/projects/{other_project.pk}/steps/withdraw/", {"note": "x"})
    assert response.status_code == 404


def test_partner_does_not_see_another_partners_draft_in_the_list(client, world):
    f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org, title="Our draft")
    f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org_b, title="Their draft")
    page = html(client_for(client, world.partner).get("/projects/"))
    assert "Our draft" in page and "Their draft" not in page


def test_funder_cannot_open_the_create_forms(client, world):
    client_for(client, world.funder)
    for url in ["/programmes/new/", "/partnerships/new/", "/projects/new/", "/awards/new/"]:
        assert client.get(url).status_code == 403, url


# Lists: filters and pagination ----------------------------------------------------------------


def test_project_list_filters_by_stage_search_and_local_authority(client, world):
    coventry = f.LocalAuthorityFactory(
        name="Coventry", gss_code="E08000026", dfe_code="331", sub_region=f.SubRegionFactory(name="CSW", number=3)
    )
    school = f.OrganisationFactory(name="Coventry school", local_authority=coventry)
    f.ProjectFactory(partnership=world.partnership, lead_organisation=school, title="Reading recovery")
    force_state(f.ProjectFactory(partnership=world.partnership, title="Attendance first"), "proposed")
    client_for(client, world.manager)
    assert "Attendance first" in html(client.get("/projects/?state=proposed"))
    assert "Reading recovery" not in html(client.get("/projects/?state=proposed"))
    assert "Reading recovery" in html(client.get("/projects/?q=reading"))
    page = html(client.get(f"/projects/?local_authority={coventry.pk}"))
    assert "Reading recovery" in page and "Attendance first" not in page
    page = html(client.get(f"/projects/?sub_region={coventry.sub_region_id}"))
    assert "Reading recovery" in page and "Attendance first" not in page


def test_award_list_paginates_and_keeps_the_filters_in_page_links(client, world):
    for _ in range(30):
        force_state(f.AwardFactory(programme=world.programme), "submitted")
    page = html(client_for(client, world.manager).get("/awards/?state=submitted"))
    assert "govuk-pagination" in page
    assert "?state=submitted&amp;page=2" in page
    second = html(client.get("/awards/?state=submitted&page=2"))
    assert 'aria-current="page">2<' in second


def test_payment_list_shows_overdue_payments(client, world):
    award = force_state(f.AwardFactory(programme=world.programme, amount_awarded=Decimal("5000")), "active")
    f.PaymentFactory(award=award, due_on=dt.date.today() - dt.timedelta(days=1), amount=Decimal("1234"))
    f.PaymentFactory(award=award, due_on=dt.date.today() + dt.timedelta(days=100), amount=Decimal("4321"))
    page = html(client_for(client, world.manager).get("/payments/?when=overdue"))
    assert "£1,234" in page and "£4,321" not in page


# Steps (transitions) ---------------------------------------------------------------------------


def test_project_detail_offers_exactly_the_steps_the_person_may_take(client, world):
    project = force_state(
        f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org), "proposed"
    )
    manager_page = html(client_for(client, world.manager).get(f"/projects/{project.pk}/"))
    for step in ("start_review", "request_changes", "reject", "withdraw"):
        assert f"/projects/{project.pk}/steps/{step}/" in manager_page
    assert "/steps/approve/" not in manager_page
    partner_page = html(client_for(client, world.partner).get(f"/projects/{project.pk}/"))
    assert f"/projects/{project.pk}/steps/withdraw/" in partner_page
    assert "/steps/start_review/" not in partner_page


def test_manager_reviews_and_approves_a_proposal_through_the_service(client, world):
    project = force_state(
        f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org), "proposed"
    )
    client_for(client, world.manager)
    client.post(f"/projects/{project.pk}/steps/start_review/", {"note": ""})
    response = client.post(f"/projects/{project.pk}/steps/approve/", {"note": "Strong plan"}, follow=True)
    project.refresh_from_db()
    assert project.state == Project.State.APPROVED
    assert f"Approve — {project} is now “Approved”." in html(response)
    assert "Under review → Approved" in html(response)  # the history names states as people do
    log = TransitionLog.objects.filter(object_id=project.pk, transition="approve").get()
    assert (log.actor, log.note) == (world.manager, "Strong plan")
    assert "Strong plan" in html(response)  # the history timeline


def test_refused_step_comes_back_with_the_reason(client, world):
    project = f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org, summary="")
    response = client_for(client, world.partner).post(f"/projects/{project.pk}/steps/propose/", follow=True)
    assert "needs a summary, a theme and planned start and end dates" in html(response)
    assert "govuk-error-summary" in html(response)
    project.refresh_from_db()
    assert project.state == Project.State.DRAFT


def test_a_step_the_person_may_not_take_is_refused_with_a_reason(client, world):
    project = force_state(
        f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org), "under_review"
    )
    response = client_for(client, world.partner).post(f"/projects/{project.pk}/steps/approve/", follow=True)
    assert "You do not have permission" in html(response)
    project.refresh_from_db()
    assert project.state == Project.State.UNDER_REVIEW


def test_transition_urls_refuse_get(client, world):
    project = f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org)
    assert client_for(client, world.partner).get(f"/projects/{project.pk}/steps/propose/").status_code == 405


def test_award_approval_past_the_budget_is_refused_with_figures(client, world):
    force_state(f.AwardFactory(programme=world.programme, amount_awarded=Decimal("90000")), "active")
    award = force_state(
        f.AwardFactory(programme=world.programme, amount_requested=Decimal("20000")), Award.State.IN_ASSESSMENT
    )
    response = client_for(client, world.manager).post(f"/awards/{award.pk}/steps/approve/", {"note": ""}, follow=True)
    assert "past its budget of £100,000.00" in html(response)
    award.refresh_from_db()
    assert award.state == Award.State.IN_ASSESSMENT


def test_payment_steps_approve_then_release(client, world):
    award = force_state(f.AwardFactory(programme=world.programme, amount_awarded=Decimal("5000")), "active")
    payment = f.PaymentFactory(award=award, amount=Decimal("1000"))
    client_for(client, world.manager)
    client.post(f"/payments/{payment.pk}/steps/approve/", {"note": ""})
    client.post(f"/payments/{payment.pk}/steps/release/", {"note": "BACS 1234"})
    payment.refresh_from_db()
    assert payment.state == Payment.State.PAID and payment.paid_on == dt.date.today()


# Forms -----------------------------------------------------------------------------------------


def project_post(world, **changes):
    for organisation in (world.partner_org, world.partner_org_b):
        PartnershipMember.objects.get_or_create(partnership=world.partnership, organisation=organisation)
    data = {
        "partnership": world.partnership.pk,
        "lead_organisation": world.partner_org.pk,
        "title": "Oracy across the Black Country",
        "theme": "curriculum",
        "summary": "Six primaries share oracy lessons.",
        "settings_reached": "6",
        "children_reached": "1200",
        "planned_start": "2026-09-01",
        "planned_end": "2027-07-20",
        "form-TOTAL_FORMS": "3",
        "form-INITIAL_FORMS": "0",
        "form-0-organisation": str(world.partner_org.pk),
        "form-0-gives_support": "on",
        "form-1-organisation": str(world.partner_org_b.pk),
        "form-1-receives_support": "on",
        "form-2-organisation": "",
    }
    data.update(changes)
    return data


def test_partner_proposes_a_project_with_givers_and_receivers(client, world):
    response = client_for(client, world.partner).post("/projects/new/", project_post(world))
    project = Project.objects.get(title="Oracy across the Black Country")
    assert response["Location"] == f"/projects/{project.pk}/"
    assert project.state == Project.State.DRAFT and project.proposed_by == world.partner
    partners = {(p.organisation_id, p.gives_support, p.receives_support) for p in project.partners.all()}
    assert partners == {(world.partner_org.pk, True, False), (world.partner_org_b.pk, False, True)}


def test_partner_cannot_propose_for_another_organisation_and_keeps_what_was_typed(client, world):
    response = client_for(client, world.partner).post(
        "/projects/new/", project_post(world, lead_organisation=world.partner_org_b.pk)
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in html(response)
    assert "Oracy across the Black Country" in html(response)
    assert not Project.objects.filter(title="Oracy across the Black Country").exists()


def test_partner_row_without_giving_or_receiving_is_an_error(client, world):
    response = client_for(client, world.partner).post(
        "/projects/new/", project_post(world, **{"form-1-receives_support": ""})
    )
    assert response.status_code == 200
    assert "Row 2: Mark the organisation as giving support" in html(response)


def test_partner_edits_its_draft_but_not_once_proposed(client, world):
    project = f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org)
    client_for(client, world.partner)
    data = project_post(world, title="Renamed project")
    response = client.post(f"/projects/{project.pk}/edit/", data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "Renamed project" and project.children_reached == 1200
    project = force_state(project, "proposed")
    response = client.get(f"/projects/{project.pk}/edit/", follow=True)
    assert "only while it is a draft or changes are requested" in html(response)


def test_partner_applies_for_an_award_from_a_partnership_programme(client, world):
    PartnershipMember.objects.create(partnership=world.partnership, organisation=world.partner_org)
    client_for(client, world.partner)
    form = html(client.get("/awards/new/"))
    assert "WM Fund" in form and "EM Fund" not in form
    response = client.post(
        "/awards/new/",
        {
            "programme": world.programme.pk,
            "recipient": world.partner_org.pk,
            "title": "Oracy hub",
            "amount_requested": "12500.50",
            "planned_start": "2026-09-01",
            "planned_end": "2027-07-20",
            "reporting_frequency": "termly",
        },
    )
    award = Award.objects.get(title="Oracy hub")
    assert response["Location"] == f"/awards/{award.pk}/"
    assert award.amount_requested == Decimal("12500.50") and award.partnership == world.partnership


def test_manager_schedules_payments_and_an_overschedule_keeps_the_form(client, world):
    award = force_state(
        f.AwardFactory(programme=world.programme, amount_requested=Decimal("10000"), amount_awarded=Decimal("10000")),
        Award.State.APPROVED,
    )
    client_for(client, world.manager)
    response = client.post(
        f"/awards/{award.pk}/payments/new/", {"due_on": "2026-12-01", "amount": "6000", "another": "1"}
    )
    assert response["Location"] == f"/awards/{award.pk}/payments/new/"
    response = client.post(f"/awards/{award.pk}/payments/new/", {"due_on": "2027-03-01", "amount": "5000"})
    assert response.status_code == 200
    page = html(response)
    assert "govuk-error-summary" in page and "£4,000.00 left to schedule" in page
    assert 'value="5000"' in page
    assert list(award.payments.values_list("amount", flat=True)) == [Decimal("6000.00")]


def test_payment_edit_goes_through_the_service(client, world):
    award = force_state(f.AwardFactory(programme=world.programme, amount_awarded=Decimal("10000")), "active")
    payment = f.PaymentFactory(award=award, amount=Decimal("1000"))
    response = client_for(client, world.manager).post(
        f"/payments/{payment.pk}/edit/", {"due_on": "2026-06-30", "amount": "2500", "note": "Bigger tranche"}
    )
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.amount == Decimal("2500") and payment.due_on == dt.date(2026, 6, 30)


def test_programme_create_and_budget_cannot_go_below_commitments(client, world):
    client_for(client, world.manager)
    response = client.post(
        "/programmes/new/",
        {
            "name": "Wellbeing Fund",
            "funder": world.funder_org.pk,
            "managed_by": world.central.pk,
            "partnership": world.partnership.pk,
            "budget": "75000",
            "opens_on": "2026-01-01",
            "closes_on": "2027-01-01",
            "identifier_prefix": "360G-WELL",
        },
    )
    programme = FundingProgramme.objects.get(name="Wellbeing Fund")
    assert response["Location"] == f"/programmes/{programme.pk}/"
    force_state(f.AwardFactory(programme=programme, amount_awarded=Decimal("50000")), "active")
    response = client.post(
        f"/programmes/{programme.pk}/edit/",
        {
            "name": "Wellbeing Fund",
            "partnership": world.partnership.pk,
            "budget": "40000",
            "opens_on": "2026-01-01",
            "closes_on": "2027-01-01",
            "identifier_prefix": "360G-WELL",
            "note": "Cut",
        },
    )
    assert response.status_code == 200
    assert "cannot go below the £50,000.00 already committed" in html(response)
    programme.refresh_from_db()
    assert programme.budget == Decimal("75000")


def test_manager_sets_up_a_partnership_and_adds_a_member(client, world):
    client_for(client, world.manager)
    response = client.post(
        "/partnerships/new/",
        {
            "name": "Black Country Collaborative",
            "region": world.partnership.region_id,
            "lead_organisation": world.central.pk,
            "starts_on": "2026-09-01",
            "ends_on": "2029-08-31",
            "aims": "Sharing what works.",
        },
    )
    partnership = world.partnership.__class__.objects.get(name="Black Country Collaborative")
    assert response["Location"] == f"/partnerships/{partnership.pk}/"
    client.post(f"/partnerships/{partnership.pk}/members/", {"organisation": world.partner_org.pk, "role": "member"})
    roles = set(partnership.members.values_list("organisation_id", "role"))
    assert roles == {(world.central.pk, "lead"), (world.partner_org.pk, "member")}


def test_partnership_edit_by_a_non_manager_is_refused(client, world):
    PartnershipMember.objects.create(partnership=world.partnership, organisation=world.partner_org)
    response = client_for(client, world.partner).get(f"/partnerships/{world.partnership.pk}/edit/", follow=True)
    assert "programme managers can change it" in html(response)


# Reach ----------------------------------------------------------------------------------------


def test_reach_table_sums_by_local_authority_and_sub_region(client, world):
    birmingham = f.LocalAuthorityFactory()
    sandwell = f.LocalAuthorityFactory(
        name="Sandwell",
        gss_code="E08000028",
        dfe_code="333",
        sub_region=f.SubRegionFactory(name="Black Country", number=2),
    )
    school = f.OrganisationFactory(name="Sandwell Academy", local_authority=sandwell)
    project = force_state(
        f.ProjectFactory(
            partnership=world.partnership, lead_organisation=school, settings_reached=4, children_reached=900
        ),
        "in_delivery",
    )
    f.ProjectPartnerFactory(project=project, organisation=school)
    f.ProjectFactory(partnership=world.partnership, lead_organisation=school, children_reached=5000)  # a draft
    force_state(f.AwardFactory(programme=world.programme, recipient=school, amount_awarded=Decimal("12000")), "active")
    page = html(client_for(client, world.manager).get("/reach/"))
    assert "Black Country" in page and "Sandwell" in page and birmingham.name in page
    sandwell_row = page[page.index("Sandwell <span") :]
    cells = [c.split("<")[0] for c in sandwell_row.split('govuk-table__cell--numeric">')[1:7]]
    assert cells == ["1", "1", "4", "900", "1", "£12,000"]


def test_report_downloads_are_linked_from_funder_and_detail_pages(client, world):
    award = force_state(f.AwardFactory(programme=world.programme, amount_awarded=Decimal("1000")), "active")
    funder_page = html(client_for(client, world.funder).get("/"))
    assert f"/reports/portfolio/{world.funder_org.pk}/" in funder_page
    assert f"/reports/award/{award.pk}/" in funder_page
    assert f"/reports/award/{award.pk}/" in html(client.get(f"/awards/{award.pk}/"))
    manager = client_for(client, world.manager)
    assert f"/reports/partnership/{world.partnership.pk}/" in html(
        manager.get(f"/partnerships/{world.partnership.pk}/")
    )
    assert f"/reports/portfolio/{world.funder_org.pk}/" in html(manager.get(f"/programmes/{world.programme.pk}/"))


def test_manager_approves_a_smaller_amount_than_requested(client, world):
    award = force_state(
        f.AwardFactory(programme=world.programme, amount_requested=Decimal("20000")), Award.State.IN_ASSESSMENT
    )
    client_for(client, world.manager)
    page = html(client.get(f"/awards/{award.pk}/"))
    assert 'name="amount"' in page and 'value="20000.00"' in page
    response = client.post(f"/awards/{award.pk}/steps/approve/", {"amount": "£12,500", "note": ""}, follow=True)
    award.refresh_from_db()
    assert award.state == Award.State.APPROVED and award.amount_awarded == Decimal("12500")
    assert f"Approve — {award} is now “Approved”." in html(response)


def test_approving_more_than_requested_or_nonsense_is_refused(client, world):
    award = force_state(
        f.AwardFactory(programme=world.programme, amount_requested=Decimal("20000")), Award.State.IN_ASSESSMENT
    )
    client_for(client, world.manager)
    response = client.post(f"/awards/{award.pk}/steps/approve/", {"amount": "25000"}, follow=True)
    assert "cannot be more than the £20,000.00 requested" in html(response)
    response = client.post(f"/awards/{award.pk}/steps/approve/", {"amount": "lots"}, follow=True)
    assert "The amount to award: “lots” is not a number" in html(response)
    award.refresh_from_db()
    assert award.state == Award.State.IN_ASSESSMENT


def test_history_and_update_pages_render_when_no_person_is_recorded(client, world):
    """A step taken by the system (no actor) and an update with no author still render."""
    from workflow.services import log_transition

    award = force_state(f.AwardFactory(programme=world.programme, recipient=world.partner_org), "active")
    log_transition(award, name="activate", source="approved", actor=None)
    update = f.ProgressUpdateFactory(award=award, author=None)
    client_for(client, world.partner)
    assert "by the system" in html(client.get(f"/awards/{award.pk}/"))
    assert client.get(f"/updates/{update.pk}/").status_code == 200


def test_archived_work_leaves_the_lists_but_stays_reachable(client, world):
    from grants.services import award_archive
    from partnerships.services import project_archive

    award = force_state(f.AwardFactory(programme=world.programme, title="Finished peer review"), "declined")
    project = force_state(f.ProjectFactory(partnership=world.partnership, title="Finished wellbeing"), "withdrawn")
    award_archive(award=award, actor=world.manager)
    project_archive(project=project, actor=world.manager)
    c = client_for(client, world.manager)
    assert "Finished peer review" not in html(c.get("/awards/"))
    assert "Finished peer review" in html(c.get("/awards/?archived=only"))
    assert "Finished wellbeing" not in html(c.get("/projects/"))
    assert "Finished wellbeing" in html(c.get("/projects/?archived=include"))
    assert c.get(f"/awards/{award.pk}/").status_code == 200
    assert c.get(f"/projects/{project.pk}/").status_code == 200
    assert client_for(client, world.manager_b).get(f"/awards/{award.pk}/").status_code == 404
