from decimal import Decimal

from assessment import selectors, services
from assessment.models import Application, Assignment

from .builders import open_assignment, score_all


def test_an_application_goes_from_call_to_decision(world, call, application, assessor, assessor2):
    assert application.award.state == "submitted"
    a1 = open_assignment(application, world.manager, assessor)
    a2 = open_assignment(application, world.manager, assessor2)
    assert a1.state == Assignment.State.OPEN
    score_all(a1, assessor, [4, 3, 7])
    score_all(a2, assessor2, [2, 2, 5])
    rows = selectors.panel(user=world.manager, call=call)
    assert rows[0].moderation.score == Decimal("57.00")
    decided = services.panel_decide(
        application=application, actor=world.manager, decision="approved", reasons="Strong need."
    )
    assert decided.decision == Application.Decision.APPROVED
    decided.award.refresh_from_db()
    assert decided.award.state == "approved"
