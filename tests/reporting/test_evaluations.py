import datetime as dt

import pytest

from grants import services as grant_services
from partnerships import services as partnership_services
from reporting import selectors, services
from reporting.models import Evaluation
from tests import factories as f
from workflow.errors import PermissionRefused, TransitionRefused

from .conftest import start

D = dt.date


def accept(subject, world, period, results=None):
    update = start(subject, world, *period, results=results or {})
    update = services.update_submit(update=update, actor=world.partner)
    return services.update_accept(update=update, actor=world.manager)


def finish(evaluation, actor, **fields):
    fields = {
        "outcomes": evaluation.outcomes or "Reached 480 of 500 children.",
        "what_worked": "Pairing headteachers across trusts.",
        "lessons": "Start peer reviews in the autumn term, before the data season.",
        "rating": "met",
        "stage_reached": "improve",
        **fields,
    }
    services.evaluation_edit(evaluation=evaluation, actor=actor, **fields)
    return services.evaluation_complete(evaluation=evaluation, actor=actor)


def test_entering_evaluation_opens_an_evaluation_prefilled_from_indicators(world, award):
    children = award.indicators.get(name="Children reached")
    accept(award, world, (D(2026, 1, 5), D(2026, 3, 31)), {children.pk: {"value": "120"}})
    evaluation = services.evaluation_begin(actor=world.manager, award=award, note="Delivery finished.")
    award.refresh_from_db()
    assert award.state == "in_evaluation"
    assert evaluation.award == award and evaluation.author == world.manager
    assert "Children reached (children): baseline 0.00, target 500.00, actual 120" in evaluation.outcomes
    assert "Attendance (%): baseline 91.00, target 95.00, actual no accepted result yet" in evaluation.outcomes
    # Opening it again returns the same one.
    assert services.evaluation_open(actor=world.manager, award=award) == evaluation


def test_evaluation_only_by_a_manager_of_the_work_and_only_in_evaluation(world, award):
    with pytest.raises(TransitionRefused, match="once it enters evaluation"):
        services.evaluation_open(actor=world.manager, award=award)
    grant_services.award_transition(award=award, name="begin_evaluation", actor=world.manager)
    for outsider in (world.partner, world.manager_b, world.funder):
        with pytest.raises(PermissionRefused):
            services.evaluation_open(actor=outsider, award=award)
    evaluation = services.evaluation_open(actor=world.manager, award=award)
    with pytest.raises(PermissionRefused):
        services.evaluation_edit(evaluation=evaluation, actor=world.partner, lessons="Mine")


def test_award_close_refused_without_completed_evaluation_then_allowed(world, award):
    final = accept(award, world, (D(2026, 9, 1), D(2026, 12, 18)))
    assert final.is_final
    evaluation = services.evaluation_begin(actor=world.manager, award=award)
    with pytest.raises(TransitionRefused, match="evaluation is written and marked complete"):
        grant_services.award_transition(award=award, name="close", actor=world.manager)
    with pytest.raises(TransitionRefused, match="without what worked, lessons for other schools"):
        services.evaluation_complete(evaluation=evaluation, actor=world.manager)
    finish(evaluation, world.manager)
    award = grant_services.award_transition(award=award, name="close", actor=world.manager)
    assert award.state == "closed"


def test_award_close_refused_until_final_update_accepted(world, award):
    update = start(award, world, D(2026, 9, 1), D(2026, 12, 18))
    services.update_submit(update=update, actor=world.partner)
    finish(services.evaluation_begin(actor=world.manager, award=award), world.manager)
    with pytest.raises(TransitionRefused, match="final progress update has been accepted"):
        grant_services.award_transition(award=award, name="close", actor=world.manager)
    services.update_accept(update=update, actor=world.manager)
    assert grant_services.award_transition(award=award, name="close", actor=world.manager).state == "closed"


def test_project_complete_refused_without_evaluation_with_reason(world, project):
    evaluation = services.evaluation_begin(actor=world.manager, project=project)
    with pytest.raises(TransitionRefused, match="project cannot be completed until its evaluation"):
        partnership_services.project_transition(project=project, name="complete", actor=world.manager)
    finish(evaluation, world.manager)
    assert (
        partnership_services.project_transition(project=project, name="complete", actor=world.manager).state
        == "completed"
    )


def test_completed_evaluation_is_locked(world, project):
    evaluation = finish(services.evaluation_begin(actor=world.manager, project=project), world.manager)
    with pytest.raises(TransitionRefused, match="can no longer change"):
        services.evaluation_edit(evaluation=evaluation, actor=world.manager, lessons="Rewritten")


def test_what_works_library_is_for_members_of_that_partnership_only(world, project):
    member_org = f.OrganisationFactory(name="Oak Tree Primary")
    f.PartnershipMemberFactory(partnership=world.partnership, organisation=member_org)
    from tests.conftest import member

    member_user = member("partner", member_org, username="oaktree")
    finish(
        services.evaluation_begin(actor=world.manager, project=project),
        world.manager,
        lessons="Release a deputy head for one day a fortnight to lead peer review.",
    )
    draft = Evaluation.objects.create(project=f.ProjectFactory(partnership=world.partnership), lessons="Unfinished")

    def library(user, search=""):
        return list(selectors.lesson_list(user=user, search=search))

    # The lead organisation's manager, a member school and the administrator see it…
    for user in (world.manager, member_user, world.admin):
        assert [e.project for e in library(user)] == [project], user
    # …members of the other partnership and their managers do not, and nobody sees an unfinished one.
    for user in (world.partner_b, world.manager_b, world.funder_b):
        assert library(user) == []
    assert draft not in library(world.admin)
    assert library(member_user, "deputy peer") and library(member_user, "ofsted") == []


def test_what_works_page_search_and_isolation(client, world, project):
    finish(
        services.evaluation_begin(actor=world.manager, project=project),
        world.manager,
        lessons="Release a deputy head for one day a fortnight.",
    )
    client.force_login(world.manager)
    assert "deputy head" in client.get("/updates/what-works/?q=deputy").content.decode()
    assert "deputy head" not in client.get("/updates/what-works/?q=zebra").content.decode()
    client.force_login(world.manager_b)
    assert "deputy head" not in client.get("/updates/what-works/").content.decode()


def test_evaluation_page_open_edit_and_complete(client, world, award):
    grant_services.award_transition(award=award, name="begin_evaluation", actor=world.manager)
    url = f"/updates/evaluation/award/{award.pk}/"
    client.force_login(world.manager)
    evaluation = Evaluation.objects.get(award=award)  # opened, prefilled, when the award began evaluation
    assert "Write the evaluation" not in client.get(url).content.decode()
    response = client.post(url, {"action": "complete", "outcomes": evaluation.outcomes, "what_worked": "Peer review"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page and "lessons for other schools" in page
    assert "Peer review" in page  # what was typed is kept
    evaluation.refresh_from_db()
    assert evaluation.completed_at is None
    data = {
        "action": "complete",
        "outcomes": "Reached most children.",
        "what_worked": "Peer review",
        "lessons": "Start early.",
        "rating": "met",
        "stage_reached": "repair",
    }
    assert client.post(url, data).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.completed_at is not None and evaluation.lessons == "Start early."
    client.force_login(world.manager_b)
    assert client.get(url).status_code == 404


def test_beginning_evaluation_by_any_path_opens_the_prefilled_evaluation(world):
    """The pages, the API and the admin call award_transition / project_transition directly."""
    from grants.services import award_transition
    from partnerships.services import project_transition
    from reporting.models import Evaluation
    from tests.helpers import force_state

    award = force_state(f.AwardFactory(programme=world.programme), "active")
    f.IndicatorFactory(award=award, name="Teachers retained", unit="teachers", target="40")
    award_transition(award=award, name="begin_evaluation", actor=world.manager)
    evaluation = Evaluation.objects.get(award=award)
    assert evaluation.author == world.manager and "Teachers retained" in evaluation.outcomes

    project = force_state(f.ProjectFactory(partnership=world.partnership), "in_delivery")
    project_transition(project=project, name="begin_evaluation", actor=world.manager)
    assert Evaluation.objects.filter(project=project).count() == 1
