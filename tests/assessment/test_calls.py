"""Calls: who sees them, eligibility, the closing time, the team that writes an application and its checklist."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessment import selectors, services
from assessment.models import Application
from grants import services as grant_services
from partnerships.models import Organisation, PartnershipMember
from tests import factories as f
from tests.conftest import Role, member
from workflow import clock
from workflow.errors import PermissionRefused, TransitionRefused

from .builders import complete, join, moment, open_call


def test_an_application_after_the_close_is_refused_with_the_time_it_closed(world, call):
    late = clock.now() + dt.timedelta(days=11)
    with clock.at(late), pytest.raises(TransitionRefused) as refused:
        services.application_start(
            call=call, actor=world.partner, organisation=world.partner_org, title="Late", amount_requested=1000
        )
    closes = call.closes_at.astimezone(dt.UTC)
    from django.utils import timezone

    local = timezone.localtime(call.closes_at)
    assert f"closed at {local:%H:%M} on {local.day} {local:%B %Y}" in refused.value.reason
    assert "Applications after the close cannot be accepted" in refused.value.reason
    assert closes  # the call's own stored time is what the sentence names


def test_submitting_after_the_close_is_refused_through_every_door(client, world, call):
    application = services.application_start(
        call=call, actor=world.partner, organisation=world.partner_org, title="Nearly", amount_requested=1000
    )
    complete(application, world.partner)
    with clock.at(call.closes_at + dt.timedelta(minutes=1)):
        with pytest.raises(TransitionRefused, match="closed at"):
            services.application_submit(application=application, actor=world.partner)
        # The award's own Submit step (the award page, the API, the admin) carries the same condition.
        with pytest.raises(TransitionRefused, match="closed at"):
            grant_services.award_transition(award=application.award, name="submit", actor=world.partner)
    application.award.refresh_from_db()
    assert application.award.state == "draft"


def test_the_checklist_says_in_words_what_is_missing(world, call):
    application = services.application_start(
        call=call, actor=world.partner, organisation=world.partner_org, title="Draft", amount_requested=50000
    )
    from assessment.rules import checklist

    missing = checklist(Application.objects.get(pk=application.pk))
    assert missing == [
        "Say what the project is and why it is needed (the project section is empty).",
        "You are asking for £50,000.00; this call gives at most £40,000.00.",
        "Give the planned start and end dates.",
        "Name the schools taking part, and whether each gives or receives support.",
        "Describe the outcomes you expect and how you will know (the outcomes section is empty).",
        "Summarise the budget: what the money pays for, year by year.",
    ]
    with pytest.raises(TransitionRefused, match="not ready to submit: Say what the project is"):
        services.application_submit(application=application, actor=world.partner)
    complete(application, world.partner, amount_requested=Decimal("40000.00"))
    assert checklist(Application.objects.get(pk=application.pk)) == []


def test_partners_see_the_open_calls_they_are_eligible_for(world, call):
    PartnershipMember.objects.get_or_create(partnership=world.partnership, organisation=world.partner_org)
    schools_only = open_call(world.manager, world.programme, title="Schools only", eligible_kinds=["school"])
    closed = open_call(world.manager, world.programme, title="Closed", opens_at=moment(-20), closes_at=moment(-1))
    elsewhere_sub_region = f.SubRegionFactory(name="Black Country", number=2)
    elsewhere = open_call(world.manager, world.programme, title="Black Country only")
    elsewhere.eligible_sub_regions.set([elsewhere_sub_region])
    big_trusts = open_call(world.manager, world.programme, title="Big trusts", eligible_size_bands=["National trust"])

    titles = [row.call.title for row in selectors.call_rows(user=world.partner)]

    assert titles == [call.title]
    assert {schools_only.title, closed.title, elsewhere.title, big_trusts.title}.isdisjoint(titles)
    assert [row.call.title for row in selectors.call_rows(user=world.partner_b)] == []  # not in the partnership
    assert len(selectors.call_rows(user=world.manager)) == 5


def test_only_the_partnerships_members_may_apply(world, call):
    with pytest.raises(PermissionRefused, match="open to the members of West Midlands Collaboration Partnership"):
        services.application_start(
            call=call, actor=world.partner_b, organisation=world.partner_org_b, title="x", amount_requested=1
        )


def test_eligibility_refusals_say_why(world, call):
    school = f.OrganisationFactory(kind=Organisation.Kind.SCHOOL, name="Oak School")
    schools = open_call(world.manager, world.programme, title="Trusts", eligible_kinds=["mat"])
    join(schools, school)
    with pytest.raises(TransitionRefused, match="This call is open to: multi-academy trust. Oak School is a school."):
        services.application_start(
            call=schools, actor=member(Role.PARTNER, school), organisation=school, title="x", amount_requested=1
        )


def test_co_applicants_invited_by_the_lead_can_edit_and_others_cannot(world, call):
    application = services.application_start(
        call=call, actor=world.partner, organisation=world.partner_org, title="Together", amount_requested=1000
    )
    co_org = f.OrganisationFactory(name="Co Trust")
    co_person = member(Role.PARTNER, co_org)
    with pytest.raises(PermissionRefused):
        services.application_update(application=application, actor=co_person, project_summary="Ours")
    invitation = services.application_add_organisation(
        application=application, actor=world.partner, organisation=co_org, role="co_applicant"
    )
    # Invited is not yet in the team: one of its people accepts first.
    with pytest.raises(PermissionRefused, match="accept the invitation"):
        services.application_update(application=application, actor=co_person, project_summary="Ours")
    services.invitation_answer(entry=invitation, actor=co_person, accept=True)
    services.application_update(application=application, actor=co_person, project_summary="Ours together")
    assert Application.objects.get(pk=application.pk).project_summary == "Ours together"
    # A co-applicant cannot invite others or submit: the lead does.
    with pytest.raises(PermissionRefused, match="Only the lead applicant can invite"):
        services.application_add_organisation(
            application=application, actor=co_person, organisation=f.OrganisationFactory(), role="co_applicant"
        )
    with pytest.raises(PermissionRefused):
        services.application_update(application=application, actor=world.partner_b, project_summary="Not mine")
    # Their page shows it too.
    assert selectors.application_list(user=co_person).filter(pk=application.pk).exists()
    assert not selectors.application_list(user=world.partner_b).filter(pk=application.pk).exists()


def test_a_school_in_the_bid_must_give_or_receive(world, call):
    application = services.application_start(
        call=call, actor=world.partner, organisation=world.partner_org, title="x", amount_requested=1000
    )
    with pytest.raises(ValidationError, match="gives support, receives it, or both"):
        services.application_add_organisation(
            application=application, actor=world.partner, organisation=f.OrganisationFactory(), role="school"
        )


def test_a_two_stage_call_takes_an_expression_of_interest_then_an_invited_full_application(world):
    call = open_call(world.manager, world.programme, title="Two stages", stages=2, full_closes_at=moment(30))
    join(call, world.partner_org)
    application = services.application_start(
        call=call, actor=world.partner, organisation=world.partner_org, title="Idea", amount_requested=20000
    )
    assert application.stage == "eoi"
    services.application_update(
        application=application, actor=world.partner, planned_start=dt.date(2027, 1, 4), planned_end=dt.date(2027, 7, 1)
    )
    with pytest.raises(TransitionRefused, match="send the expression of interest first"):
        grant_services.award_transition(award=application.award, name="submit", actor=world.partner)
    services.application_update(application=application, actor=world.partner, project_summary="Peer review")
    services.application_submit(application=application, actor=world.partner)
    with pytest.raises(TransitionRefused, match="can no longer be changed"):
        services.application_update(application=application, actor=world.partner, project_summary="More")
    invited = services.interest_decide(application=application, actor=world.manager, invite=True)
    assert (invited.stage, invited.eoi_outcome) == ("full", "invited")
    complete(invited, world.partner)
    # The first stage closes before the second: the full application is still in time after it.
    with clock.at(call.closes_at + dt.timedelta(days=1)):
        submitted = services.application_submit(application=invited, actor=world.partner)
    assert submitted.award.state == "submitted"
