"""Panel decisions go through the award services: the budget guard, the logs, feedback."""

from decimal import Decimal

import pytest

from assessment import services
from assessment.models import Application
from grants.models import Award, FundingProgramme
from workflow.errors import TransitionRefused
from workflow.models import MoneyChange, TransitionLog

from .builders import open_assignment, score_all, submitted_application


def test_a_decision_over_budget_is_refused_with_the_budget_reason(world, call, assessor):
    FundingProgramme.objects.filter(pk=world.programme.pk).update(budget=Decimal("25000.00"))
    application = submitted_application(call, world.partner, world.partner_org, amount="30000.00")
    score_all(open_assignment(application, world.manager, assessor), assessor, [4, 3, 7])

    with pytest.raises(TransitionRefused) as refused:
        services.panel_decide(application=application, actor=world.manager, decision="approved", reasons="Strong")

    assert refused.value.reason == (
        "Approving £30,000.00 would take WM Fund past its budget of £25,000.00: "
        "£0.00 is already committed, leaving £25,000.00."
    )
    application = Application.objects.get(pk=application.pk)
    assert application.decision == ""  # nothing of the decision is kept
    assert application.award.state == Award.State.IN_ASSESSMENT
    # A smaller amount within what is left goes through, logged as money and as a step.
    decided = services.panel_decide(
        application=application,
        actor=world.manager,
        decision="approved",
        reasons="Fund the core",
        amount=Decimal("25000"),
    )
    assert decided.award.state == Award.State.APPROVED and decided.award.amount_awarded == Decimal("25000.00")
    step = TransitionLog.objects.get(transition="approve")
    assert (step.actor, step.note) == (world.manager, "Fund the core")
    assert MoneyChange.objects.filter(field="amount_awarded", new_amount=Decimal("25000.00")).exists()


def test_a_decline_keeps_its_reasons_and_feedback_reaches_the_applicant_only_when_shared(client, world, application):
    services.panel_decide(application=application, actor=world.manager, decision="declined", reasons="Thin plan")
    application.award.refresh_from_db()
    assert application.award.state == Award.State.DECLINED
    services.feedback_share(
        application=application, actor=world.manager, feedback="Say more about the schools.", shared=False
    )
    client.force_login(world.partner)
    page = f"/calls/applications/{application.pk}/"
    assert "Say more about the schools." not in client.get(page).content.decode()
    services.feedback_share(
        application=application, actor=world.manager, feedback="Say more about the schools.", shared=True
    )
    assert "Say more about the schools." in client.get(page).content.decode()
    assert TransitionLog.objects.filter(transition="feedback", note="Feedback shared with the applicant").exists()


def test_a_decision_needs_reasons_and_is_made_once(world, application):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="panel's reasons"):
        services.panel_decide(application=application, actor=world.manager, decision="declined", reasons=" ")
    services.panel_decide(application=application, actor=world.manager, decision="declined", reasons="No")
    with pytest.raises(TransitionRefused, match="already decided"):
        services.panel_decide(application=application, actor=world.manager, decision="approved", reasons="Yes")


def test_only_the_programmes_managers_decide(world, application):
    from workflow.errors import PermissionRefused

    for person in (world.manager_b, world.partner, world.funder):
        with pytest.raises(PermissionRefused):
            services.panel_decide(application=application, actor=person, decision="approved", reasons="Yes")
