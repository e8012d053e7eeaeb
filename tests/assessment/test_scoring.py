"""The weighted score worked by hand, and the panel built from it."""

from decimal import Decimal

import pytest

from assessment import scoring, selectors, services

from .builders import open_assignment, score_all, submitted_application


def test_the_weighted_score_worked_by_hand():
    # Need weight 50 on 0-5, Plan 30 on 0-5, Value 20 on 0-10.
    # First assessor: 4/5, 3/5, 7/10 -> (50 x 0.8 + 30 x 0.6 + 20 x 0.7) / 100 x 100 = 40 + 18 + 14 = 72.00
    assert scoring.assessor_score([(4, 5, 50), (3, 5, 30), (7, 10, 20)]) == Decimal("72.00")
    # Second: 2/5, 2/5, 5/10 -> 20 + 12 + 10 = 42.00
    assert scoring.assessor_score([(2, 5, 50), (2, 5, 30), (5, 10, 20)]) == Decimal("42.00")
    # The application: the mean 57.00; the spread 30.00 is past the 20-point limit: flagged.
    moderated = scoring.moderate([Decimal("72.00"), Decimal("42.00")], Decimal("20"))
    assert (moderated.score, moderated.spread, moderated.disagree) == (Decimal("57.00"), Decimal("30.00"), True)
    # Weights that do not add up to 100 are shares all the same: 1/3 of 2/3 and 2/3 of 1/1 -> 88.89
    assert scoring.assessor_score([(2, 3, 1), (1, 1, 2)]) == Decimal("88.89")


def test_close_scores_are_not_flagged():
    assert not scoring.moderate([Decimal("60"), Decimal("75")], Decimal("20")).disagree
    assert not scoring.moderate([Decimal("60")], Decimal("0")).disagree  # one assessor cannot disagree


def test_the_panel_ranks_by_weighted_score_with_money_against_what_is_left(world, call, assessor, assessor2):
    low = submitted_application(call, world.partner, world.partner_org, amount="40000.00", title="Low")
    high = submitted_application(call, world.partner, world.partner_org, amount="35000.00", title="High")
    unscored = submitted_application(call, world.partner, world.partner_org, amount="30000.00", title="Waiting")
    score_all(open_assignment(low, world.manager, assessor), assessor, [2, 2, 5])  # 42.00
    score_all(open_assignment(high, world.manager, assessor), assessor, [4, 3, 7])  # 72.00
    score_all(open_assignment(high, world.manager, assessor2), assessor2, [2, 2, 5])  # 42.00 -> 57.00, spread 30
    open_assignment(unscored, world.manager, assessor2)

    rows = selectors.panel(user=world.manager, call=call)

    assert [r.application.pk for r in rows] == [high.pk, low.pk, unscored.pk]
    assert [r.rank for r in rows] == [1, 2, None]
    assert rows[0].moderation.score == Decimal("57.00") and rows[0].moderation.disagree
    assert rows[1].moderation.score == Decimal("42.00") and not rows[1].moderation.disagree
    assert rows[2].waiting == 1
    # The programme has £100,000: 35,000 + 40,000 fits, + 30,000 more does not.
    assert [r.running_total for r in rows] == [Decimal("35000.00"), Decimal("75000.00"), Decimal("105000.00")]
    assert [r.fits for r in rows] == [True, True, False]


def test_scores_outside_the_scale_are_refused_in_words(world, application, assessor):
    from django.core.exceptions import ValidationError

    assignment = open_assignment(application, world.manager, assessor)
    value = application.call.criteria.get(title="Need")
    with pytest.raises(ValidationError) as refused:
        services.scores_save(assignment=assignment, actor=assessor, scores={value.pk: (6, "")})
    assert "“Need” is scored from 0 to 5." in str(refused.value)


def test_submitting_needs_every_score_and_a_recommendation(world, application, assessor):
    from workflow.errors import TransitionRefused

    assignment = open_assignment(application, world.manager, assessor)
    need = application.call.criteria.get(title="Need")
    services.scores_save(assignment=assignment, actor=assessor, scores={need.pk: (3, "")})
    with pytest.raises(TransitionRefused, match="“Plan” has no score; “Value” has no score; no recommendation"):
        services.assessment_submit(assignment=assignment, actor=assessor)


def test_scores_are_final_once_submitted_and_a_manager_reopens_them_with_a_logged_reason(world, application, assessor):
    from workflow.errors import PermissionRefused, TransitionRefused
    from workflow.models import TransitionLog

    assignment = score_all(open_assignment(application, world.manager, assessor), assessor, [4, 3, 7])
    need = application.call.criteria.get(title="Need")
    with pytest.raises(TransitionRefused, match="scores submitted"):
        services.scores_save(assignment=assignment, actor=assessor, scores={need.pk: (1, "")})
    with pytest.raises(PermissionRefused):
        services.assessment_reopen(assignment=assignment, actor=assessor, note="Let me change it")
    with pytest.raises(TransitionRefused, match="needs a note"):
        services.assessment_reopen(assignment=assignment, actor=world.manager, note="")
    reopened = services.assessment_reopen(assignment=assignment, actor=world.manager, note="Value was misread")
    assert reopened.state == "open"
    log = TransitionLog.objects.filter(transition="reopen").get()
    assert (log.actor, log.note, log.source, log.target) == (world.manager, "Value was misread", "submitted", "open")
    services.scores_save(assignment=reopened, actor=assessor, scores={need.pk: (1, "")})
