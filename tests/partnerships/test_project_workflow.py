import pytest

from partnerships import services
from partnerships.models import Project
from tests import factories as f
from tests.helpers import assert_step_follows_table, force_state, states
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.models import TransitionLog

S = Project.State
ALLOWED = {
    S.DRAFT: {"propose", "withdraw"},
    S.PROPOSED: {"start_review", "request_changes", "reject", "withdraw"},
    S.UNDER_REVIEW: {"approve", "request_changes", "reject", "withdraw"},
    S.CHANGES_REQUESTED: {"resubmit", "withdraw"},
    S.APPROVED: {"start_delivery", "withdraw"},
    S.IN_DELIVERY: {"put_on_hold", "begin_evaluation"},
    S.ON_HOLD: {"resume"},
    S.IN_EVALUATION: {"complete"},
    S.COMPLETED: set(),
    S.REJECTED: set(),
    S.WITHDRAWN: set(),
}
TRANSITIONS = sorted(set().union(*ALLOWED.values()))
# Conditions a newly made project does not meet (met in the completion tests).
UNMET_WHEN_FRESH = {(S.IN_EVALUATION, "complete"): "evaluation is written and marked complete"}


@pytest.mark.parametrize("state", states(Project))
@pytest.mark.parametrize("name", TRANSITIONS)
def test_project_transition_table(world, state, name):
    project = force_state(f.ProjectFactory(partnership=world.partnership), state)
    assert_step_follows_table(project, name, allowed=ALLOWED[state], unmet=UNMET_WHEN_FRESH, actor=world.manager)


@pytest.fixture
def project(world):
    return f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org)


def step(project, actor, name, note="Noted"):
    return services.project_transition(project=project, name=name, actor=actor, note=note)


def test_project_goes_from_proposal_to_completion_with_a_logged_step_each_time(world, project):
    project = step(project, world.partner, "propose")
    for name in ("start_review", "request_changes"):
        project = step(project, world.manager, name)
    project = step(project, world.partner, "resubmit")
    for name in ("start_review", "approve", "start_delivery", "put_on_hold", "resume", "begin_evaluation"):
        project = step(project, world.manager, name)
    f.EvaluationFactory(project=project, completed_at="2026-11-01T10:00:00Z")
    project = step(project, world.manager, "complete")
    assert project.state == S.COMPLETED
    logs = list(TransitionLog.objects.filter(object_id=project.pk, content_type__model="project").order_by("id"))
    assert len(logs) == 11
    assert [log.actor.username for log in logs[:4]] == ["partner", "manager", "manager", "partner"]
    assert all(log.note == "Noted" for log in logs)
    assert logs[-1].source == "in_evaluation" and logs[-1].target == "completed"


def test_project_cannot_complete_without_a_completed_evaluation(world, project):
    project = force_state(project, S.IN_EVALUATION)
    f.EvaluationFactory(project=project)  # written but not marked complete
    with pytest.raises(TransitionRefused, match="evaluation is written and marked complete"):
        step(project, world.manager, "complete")


def test_incomplete_project_cannot_be_proposed(world):
    project = f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org, summary="")
    with pytest.raises(TransitionRefused, match="needs a summary"):
        step(project, world.partner, "propose")


def test_partner_cannot_review_and_other_partner_cannot_propose(world, project):
    with pytest.raises(PermissionRefused):
        step(project, world.partner_b, "propose")
    project = step(project, world.partner, "propose")
    with pytest.raises(PermissionRefused):
        step(project, world.partner, "start_review")
    with pytest.raises(PermissionRefused):
        step(project, world.manager_b, "start_review")


def test_reject_needs_a_reason_the_proposer_can_read(world, project):
    project = step(project, world.partner, "propose")
    with pytest.raises(TransitionRefused, match="needs a note"):
        services.project_transition(project=project, name="reject", actor=world.manager, note="")
    project = step(project, world.manager, "reject", note="The fund is for secondary transitions only.")
    assert TransitionLog.objects.get(target="rejected").note == "The fund is for secondary transitions only."


def test_project_create_gives_a_reference_from_the_partnership_name(world):
    project = services.project_create(
        actor=world.partner,
        partnership=world.partnership,
        title="Wellbeing champions",
        lead_organisation=world.partner_org,
    )
    assert project.reference == "WMCP-001"
    assert project.state == S.DRAFT and project.proposed_by == world.partner
