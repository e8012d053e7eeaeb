"""From match to project: accepting a match starts a draft collaboration project through the project
services, uses up the offer's days, and is logged; what may not happen is refused in words."""

import pytest

from partnerships.models import Project
from partnerships.services import project_transition
from support import services
from support.models import Match, MatchingSettings, Need
from tests.conftest import member
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.models import TransitionLog

from .conftest import Role, areas, join, make_need, make_offer, school, trust

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(world, places):
    p = world.partnership
    a = areas(p, "Attendance", "SEND")
    a["Attendance"].theme = "wellbeing"
    a["Attendance"].save()
    needing = school("Greenfield Primary", places.sandwell, trust("Greenfield Trust", places.sandwell))
    giving = school("Oak Academy", places.sandwell)
    join(p, needing, giving)
    need = make_need(world, needing, [a["Attendance"]], days_wanted=4, context="Persistent absence is 24%.")
    offer = make_offer(world, giving, [a["Attendance"], a["SEND"]], capacity_days=6)
    return need, offer


def test_accepting_a_match_starts_a_draft_project_with_the_giver_and_the_receiver(world, pair):
    need, offer = pair
    match = services.match_accept(need=need, offer=offer, actor=world.manager)
    project = match.project
    assert project.state == Project.State.DRAFT
    assert project.partnership == world.partnership
    assert project.lead_organisation == offer.organisation
    assert project.theme == "wellbeing"
    assert "Persistent absence is 24%." in project.summary
    partners = {p.organisation_id: (p.gives_support, p.receives_support) for p in project.partners.all()}
    assert partners == {offer.organisation_id: (True, False), need.organisation_id: (False, True)}
    assert project.support_match == match and match.need == need and match.offer == offer
    offer.refresh_from_db()
    need.refresh_from_db()
    assert (offer.days_allocated, offer.days_left) == (4, 2)
    assert need.state == Need.State.MATCHED
    assert match.state == Match.State.ACCEPTED and match.accepted_by == world.manager
    assert [r["kind"] for r in match.reasons][:2] == ["areas", "evidence"]
    logged = set(TransitionLog.objects.filter(actor=world.manager).values_list("transition", "target"))
    assert {("confirm", "accepted"), ("match", "matched"), ("allocate", "open")} <= logged


def test_more_days_than_are_left_are_refused_in_words(world, pair):
    need, offer = pair
    with pytest.raises(TransitionRefused) as refused:
        services.match_accept(need=need, offer=offer, actor=world.manager, days=7)
    assert refused.value.reason == (
        "Giving 7 days a term would take Oak Academy's offer past its capacity: only 6 of 6 days a term are left."
    )
    offer.refresh_from_db()
    assert offer.days_allocated == 0 and not Project.objects.exists()


def test_a_need_is_matched_once(world, pair, places):
    need, offer = pair
    services.match_accept(need=need, offer=offer, actor=world.manager)
    birch = school("Birch Primary", places.sandwell)
    join(world.partnership, birch)
    other = make_offer(world, birch, list(need.areas.all()))
    with pytest.raises(TransitionRefused, match="This need is matched: it cannot be matched again."):
        services.match_accept(need=need, offer=other, actor=world.manager)


def test_only_the_partnerships_managers_accept(world, pair):
    need, offer = pair
    for person in (world.partner, world.funder, world.manager_b):
        with pytest.raises(PermissionRefused):
            services.match_accept(need=need, offer=offer, actor=person)
    assert not Match.objects.filter(state=Match.State.ACCEPTED).exists()


def test_the_same_trust_is_refused_unless_asked(world, places):
    p = world.partnership
    a = areas(p, "SEND")
    t = trust("Shared Trust", places.sandwell)
    needing, giving = school("A Primary", places.sandwell, t), school("B Primary", places.sandwell, t)
    join(p, needing, giving)
    need = make_need(world, needing, [a["SEND"]])
    offer = make_offer(world, giving, [a["SEND"]])
    with pytest.raises(TransitionRefused, match="is in the same trust \\(Shared Trust\\) as A Primary"):
        services.match_accept(need=need, offer=offer, actor=world.manager)
    services.need_update(need=need, actor=world.manager, same_trust_ok=True)
    assert services.match_accept(need=need, offer=offer, actor=world.manager).state == Match.State.ACCEPTED


def test_both_parties_agree_when_the_partnership_allows(world, pair):
    need, offer = pair
    MatchingSettings.objects.create(partnership=world.partnership, parties_may_accept=True)
    needing = member(Role.PARTNER, need.organisation, username="needing")
    giving = member(Role.PARTNER, offer.organisation, username="giving")
    # The offering school cannot volunteer for a need that is not shared with it.
    with pytest.raises(PermissionRefused, match="not been shared"):
        services.match_agree(need=need, offer=offer, actor=giving)
    match = services.match_agree(need=need, offer=offer, actor=needing)
    assert match.state == Match.State.PROPOSED and match.project is None
    match = services.match_agree(need=need, offer=offer, actor=giving)
    assert match.state == Match.State.ACCEPTED
    assert match.project.lead_organisation == offer.organisation
    assert match.project.proposed_by == giving


def test_without_the_partnerships_leave_both_agreeing_waits_for_a_manager(world, pair):
    need, offer = pair
    needing = member(Role.PARTNER, need.organisation, username="needing")
    giving = member(Role.PARTNER, offer.organisation, username="giving")
    services.match_agree(need=need, offer=offer, actor=needing)
    match = services.match_agree(need=need, offer=offer, actor=giving)
    assert match.state == Match.State.PROPOSED
    assert services.match_accept(need=need, offer=offer, actor=world.manager).pk == match.pk


def test_a_withdrawn_project_gives_its_days_back_and_reopens_the_need(world, pair):
    need, offer = pair
    match = services.match_accept(need=need, offer=offer, actor=world.manager)
    project_transition(project=match.project, name="withdraw", actor=world.manager, note="The head left.")
    offer.refresh_from_db()
    need.refresh_from_db()
    match.refresh_from_db()
    assert offer.days_allocated == 0
    assert need.state == Need.State.OPEN
    assert match.state == Match.State.RELEASED


def test_a_partner_records_needs_only_for_its_own_organisation(world, places):
    a = areas(world.partnership, "SEND")
    own = world.partner_org
    other = school("Someone Else Primary", places.sandwell)
    join(world.partnership, own, other)
    with pytest.raises(PermissionRefused):
        services.need_create(
            actor=world.partner,
            partnership=world.partnership,
            organisation=other,
            areas=[a["SEND"]],
            title="x",
            phase="repair",
        )
    need = services.need_create(
        actor=world.partner,
        partnership=world.partnership,
        organisation=own,
        areas=[a["SEND"]],
        title="SEND",
        phase="repair",
    )
    assert TransitionLog.objects.filter(object_id=need.pk, transition="record", actor=world.partner).exists()
