"""Two assessors scoring the same application at the same moment, on PostgreSQL's real row locks."""

import threading

import pytest
from django.db import connection

from assessment import selectors, services
from assessment.models import Score

from .builders import open_assignment, score_all

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_assessors_scoring_at_once_both_keep_their_scores(world, application, assessor, assessor2):
    first = open_assignment(application, world.manager, assessor)
    second = open_assignment(application, world.manager, assessor2)
    barrier = threading.Barrier(2)
    outcomes = []

    def run(assignment, person, values):
        try:
            barrier.wait()
            outcomes.append(score_all(assignment, person, values).state)
        except Exception as error:  # noqa: BLE001 - the test reads what each thread met
            outcomes.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(first, assessor, [4, 3, 7])),
        threading.Thread(target=run, args=(second, assessor2, [2, 2, 5])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes == ["submitted", "submitted"]
    assert Score.objects.filter(assignment=first).count() == 3
    assert Score.objects.filter(assignment=second).count() == 3
    row = selectors.panel(user=world.manager, call=application.call)[0]
    assert str(row.moderation.score) == "57.00"


def test_the_same_assessor_saving_twice_at_once_keeps_one_score_per_criterion(world, application, assessor):
    assignment = open_assignment(application, world.manager, assessor)
    need = application.call.criteria.get(title="Need")
    barrier = threading.Barrier(2)
    errors = []

    def run(value):
        try:
            barrier.wait()
            services.scores_save(assignment=assignment, actor=assessor, scores={need.pk: (value, "")})
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(v,)) for v in (2, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Score.objects.filter(assignment=assignment).count() == 1
