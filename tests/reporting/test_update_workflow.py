import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import roles
from reporting import services
from reporting.models import ProgressUpdate
from tests import factories as f
from tests.helpers import assert_step_follows_table, force_state, states
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.models import TransitionLog
from workflow.services import available_transitions

from .conftest import start

S = ProgressUpdate.State
ALLOWED = {
    S.DRAFT: {"submit"},
    S.SUBMITTED: {"accept", "request_changes"},
    S.CHANGES_REQUESTED: {"resubmit"},
    S.RESUBMITTED: {"accept", "request_changes"},
    S.ACCEPTED: {"reopen"},
}
TRANSITIONS = sorted(set().union(*ALLOWED.values()))
SPRING = (dt.date(2026, 1, 5), dt.date(2026, 3, 31))


@pytest.mark.parametrize("state", states(ProgressUpdate))
@pytest.mark.parametrize("name", TRANSITIONS)
def test_update_transition_table(world, state, name):
    update = force_state(f.ProgressUpdateFactory(award__programme=world.programme), state)
    assert_step_follows_table(update, name, allowed=ALLOWED[state], unmet={}, actor=world.manager)


@pytest.mark.parametrize("state", states(ProgressUpdate))
@pytest.mark.parametrize("name", TRANSITIONS)
def test_update_service_refuses_every_step_the_table_forbids(world, award, state, name):
    update = force_state(start(award, world, *SPRING), state)
    actor = world.partner if name in ("submit", "resubmit") else world.manager
    if name in ALLOWED[state]:
        services.update_transition(update=update, name=name, actor=actor, note="Reason given.")
        assert ProgressUpdate.objects.get(pk=update.pk).state != state
    else:
        with pytest.raises(TransitionRefused, match="cannot be moved with"):
            services.update_transition(update=update, name=name, actor=actor, note="Reason given.")
        assert ProgressUpdate.objects.get(pk=update.pk).state == state


def test_update_full_cycle_is_logged_with_who_and_the_managers_note(world, award):
    update = start(award, world, *SPRING)
    update = services.update_submit(update=update, actor=world.partner)
    update = services.update_request_changes(update=update, actor=world.manager, note="Add the Sandwell figures.")
    assert update.review_note == "Add the Sandwell figures."
    update = services.update_resubmit(update=update, actor=world.partner)
    update = services.update_accept(update=update, actor=world.second_manager)
    assert (update.state, update.reviewed_by) == (S.ACCEPTED, world.second_manager)
    logs = TransitionLog.objects.filter(object_id=update.pk, content_type__model="progressupdate").order_by("id")
    assert [(x.source, x.target, x.actor.username, x.note) for x in logs] == [
        ("draft", "submitted", "partner", ""),
        ("submitted", "changes_requested", "manager", "Add the Sandwell figures."),
        ("changes_requested", "resubmitted", "partner", ""),
        ("resubmitted", "accepted", "manager2", ""),
    ]


def test_update_nobody_accepts_an_update_they_wrote(world, award):
    # A manager who is also a partner member of the recipient writes an update, then tries to accept it.
    f.MembershipFactory(user=world.manager, organisation=world.partner_org, role="partner")
    roles.forget(world.manager)
    update = services.update_start(actor=world.manager, award=award, period_start=SPRING[0], period_end=SPRING[1])
    update = services.update_edit(update=update, actor=world.manager, progress="Done.")
    update = services.update_submit(update=update, actor=world.manager)
    with pytest.raises(PermissionRefused, match="separation of duties"):
        services.update_accept(update=update, actor=world.manager)
    with pytest.raises(PermissionRefused, match="separation of duties"):
        services.update_request_changes(update=update, actor=world.manager, note="Hmm.")
    assert services.update_accept(update=update, actor=world.second_manager).state == S.ACCEPTED


def test_update_review_steps_are_not_offered_to_the_manager_who_wrote_it(world, award, client):
    # The page and the API offer a step only when the service would take it: one refusal for both.
    f.MembershipFactory(user=world.manager, organisation=world.partner_org, role="partner")
    roles.forget(world.manager)
    update = services.update_start(actor=world.manager, award=award, period_start=SPRING[0], period_end=SPRING[1])
    update = services.update_edit(update=update, actor=world.manager, progress="Done.")
    update = services.update_submit(update=update, actor=world.manager)
    assert [t.name for t in available_transitions(update, world.manager)] == []
    assert {t.name for t in available_transitions(update, world.second_manager)} == {"accept", "request_changes"}
    client.force_login(world.manager)
    page = client.get(reverse("reporting:update_detail", args=[update.pk]))
    assert page.status_code == 200 and b"Accept" not in page.content
    api = client.get(f"/api/v1/updates/{update.pk}/")
    assert api.status_code == 200 and api.json()["available_transitions"] == []
    client.force_login(world.second_manager)
    assert b"Accept" in client.get(reverse("reporting:update_detail", args=[update.pk])).content


def test_update_partner_cannot_accept_and_other_partner_cannot_submit(world, award):
    update = start(award, world, *SPRING)
    with pytest.raises(PermissionRefused):
        services.update_submit(update=update, actor=world.partner_b)
    update = services.update_submit(update=update, actor=world.partner)
    with pytest.raises(PermissionRefused):
        services.update_accept(update=update, actor=world.partner)
    with pytest.raises(PermissionRefused):
        services.update_accept(update=update, actor=world.manager_b)


def test_update_submit_needs_a_narrative(world, award):
    update = services.update_start(actor=world.partner, award=award, period_start=SPRING[0], period_end=SPRING[1])
    with pytest.raises(TransitionRefused, match="summary of progress"):
        services.update_submit(update=update, actor=world.partner)


def test_update_partner_edits_only_its_own_drafts(world, award):
    update = start(award, world, *SPRING)
    with pytest.raises(PermissionRefused, match="Only the organisation"):
        services.update_edit(update=update, actor=world.partner_b, progress="Mine now")
    with pytest.raises(PermissionRefused):
        services.update_edit(update=update, actor=world.manager, progress="Managers do not write it")
    update = services.update_submit(update=update, actor=world.partner)
    with pytest.raises(TransitionRefused, match="waiting for a programme manager"):
        services.update_edit(update=update, actor=world.partner, progress="Sneaky change")
    update = services.update_request_changes(update=update, actor=world.manager, note="More detail please.")
    update = services.update_edit(update=update, actor=world.partner, progress="More detail.")
    assert update.progress == "More detail."


def test_update_accepted_is_locked_until_a_manager_reopens_it_with_a_reason(world, award, media):
    update = start(award, world, *SPRING)
    update = services.update_submit(update=update, actor=world.partner)
    update = services.update_accept(update=update, actor=world.manager)
    with pytest.raises(TransitionRefused, match="accepted, so it is locked"):
        services.update_edit(update=update, actor=world.partner, progress="Changed after acceptance")
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(TransitionRefused, match="locked"):
        services.evidence_add(update=update, actor=world.partner, upload=SimpleUploadedFile("a.txt", b"hello"))
    with pytest.raises(PermissionRefused):
        services.update_reopen(update=update, actor=world.partner, note="Let me change it")
    with pytest.raises(TransitionRefused, match="needs a note"):
        services.update_reopen(update=update, actor=world.manager, note="  ")
    update = services.update_reopen(update=update, actor=world.manager, note="Spend figure was wrong.")
    assert update.state == S.CHANGES_REQUESTED
    assert (
        TransitionLog.objects.filter(object_id=update.pk, transition="reopen").get().note == "Spend figure was wrong."
    )
    update = services.update_edit(update=update, actor=world.partner, spend_to_date="2,750.50")
    assert update.spend_to_date == Decimal("2750.50")


def test_update_results_are_validated_as_numbers_within_bounds(world, award):
    update = start(award, world, *SPRING)
    children, attendance = sorted(award.indicators.all(), key=lambda i: i.name != "Children reached")
    bad = {
        children.pk: {"value": "lots", "note": ""},
        attendance.pk: {"value": "104", "note": ""},
    }
    with pytest.raises(ValidationError) as caught:
        services.update_edit(update=update, actor=world.partner, results=bad, spend_to_date="-5")
    errors = caught.value.message_dict
    assert "must be a number" in errors[f"result_{children.pk}"][0]
    assert "between 0 and 100" in errors[f"result_{attendance.pk}"][0]
    assert "cannot be negative" in errors["spend_to_date"][0]
    assert not update.results.exists()  # nothing saved when anything is wrong
    with pytest.raises(ValidationError, match="cannot be negative"):
        services.update_edit(update=update, actor=world.partner, results={children.pk: {"value": "-3"}})
    children.allow_negative = True
    children.save()
    services.update_edit(
        update=update,
        actor=world.partner,
        results={children.pk: {"value": "1,250", "note": "Two cohorts."}, attendance.pk: {"value": "93.5"}},
    )
    got = {r.indicator_id: (r.value, r.note) for r in update.results.all()}
    assert got == {children.pk: (Decimal("1250"), "Two cohorts."), attendance.pk: (Decimal("93.5"), "")}


def test_update_breakdowns_and_reach_by_local_authority(world, award):
    children = award.indicators.get(name="Children reached")
    children.breakdowns = "Primary, Secondary"
    children.save()
    la = f.LocalAuthorityFactory()
    la2 = f.LocalAuthorityFactory(name="Sandwell", gss_code="E08000028", dfe_code="333")
    update = start(
        award,
        world,
        *SPRING,
        results={children.pk: {"value": "120", "breakdown": {"Primary": "80", "Secondary": "40", "Bogus": "9"}}},
        reach=[
            {"local_authority": la, "settings": "3", "children": "70"},
            {"local_authority": la2, "settings": "2", "children": "50"},
        ],
    )
    assert update.results.get().breakdown == {"Primary": "80", "Secondary": "40"}
    assert (update.settings_reached, update.children_reached) == (5, 120)
    with pytest.raises(ValidationError, match="listed twice"):
        services.update_edit(
            update=update,
            actor=world.partner,
            reach=[{"local_authority": la, "settings": "1"}, {"local_authority": la, "children": "2"}],
        )
    with pytest.raises(ValidationError, match="whole number"):
        services.update_edit(update=update, actor=world.partner, reach=[{"local_authority": la, "settings": "2.5"}])


def test_update_start_only_for_a_real_period_once(world, award):
    start(award, world, *SPRING)
    with pytest.raises(TransitionRefused, match="already exists"):
        services.update_start(actor=world.partner, award=award, period_start=SPRING[0], period_end=SPRING[1])
    with pytest.raises(TransitionRefused, match="not one of the reporting periods"):
        services.update_start(
            actor=world.partner, award=award, period_start=dt.date(2026, 2, 1), period_end=dt.date(2026, 2, 28)
        )
    with pytest.raises(PermissionRefused):
        services.update_start(
            actor=world.partner_b, award=award, period_start=dt.date(2026, 4, 1), period_end=dt.date(2026, 8, 31)
        )
