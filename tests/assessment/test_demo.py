"""The assessment part of the demo: loaded through the services, real conflicts, safe to run again."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from assessment.models import Application, Assignment, Call, Conflict
from workflow import clock


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_demo_has_open_and_closed_calls_assessors_a_conflict_of_each_kind_and_a_decision(db, client):
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "assessor   partner        Arden Forest Trust" in out.getvalue()
    now = clock.now()
    calls = list(Call.objects.all())
    assert {c.is_open_at(now) for c in calls} == {True, False}
    assert set(Conflict.objects.values_list("source", flat=True)) == {"declared", "detected"}
    assert Assignment.objects.filter(state="submitted").count() >= 3
    assert Application.objects.filter(decision="approved", award__state="approved").count() == 1
    assessor = authenticate(username="assessor", password="exchange-demo")
    assert assessor is not None
    assert set(Assignment.objects.filter(assessor=assessor).values_list("state", flat=True)) == {
        "assigned",
        "submitted",
        "stood_aside",
    }
    client.force_login(assessor)
    assert "Your assessments" in client.get("/calls/").content.decode()

    before = (Call.objects.count(), Application.objects.count(), Assignment.objects.count(), Conflict.objects.count())
    call_command("load_demo", stdout=StringIO())
    after = (Call.objects.count(), Application.objects.count(), Assignment.objects.count(), Conflict.objects.count())
    assert after == before
