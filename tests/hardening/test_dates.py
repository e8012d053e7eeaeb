"""Finding 5: dates are bounded where they enter (forms, API, imports: GRANT_EARLIEST_YEAR..GRANT_LATEST_YEAR)
and due periods cannot run away, even for a schedule stored before the rule (9999-12-31)."""

import datetime as dt

import pytest
from django.urls import reverse

from grants.models import Award
from partnerships.importing import parse_date
from reporting.models import ReportingSchedule
from reporting.periods import regular_periods

FAR = dt.date(9999, 12, 31)


@pytest.fixture
def runaway(world, award):
    """A monthly schedule written straight to the database before dates were bounded."""
    return ReportingSchedule.objects.update_or_create(
        award=award,
        defaults={
            "frequency": "monthly",
            "starts_on": dt.date(2026, 1, 1),
            "ends_on": FAR,
            "created_by": world.manager,
        },
    )[0]


@pytest.mark.parametrize("ends_on", [FAR, dt.date(9999, 11, 30)])
def test_far_future_schedules_make_a_bounded_number_of_periods(settings, ends_on):
    for frequency in ("monthly", "quarterly", "termly", "yearly", "one_off"):
        periods = regular_periods(frequency, dt.date(2026, 1, 1), ends_on)
        assert 1 <= len(periods) <= settings.REPORTING_MAX_PERIODS
        assert periods[-1][1] <= dt.date(settings.GRANT_LATEST_YEAR, 12, 31)


def test_pages_and_api_answer_for_a_runaway_schedule(client, api, world, runaway, settings):
    client.force_login(world.partner)
    assert client.get(reverse("reporting:due")).status_code == 200
    client.force_login(world.manager)
    assert client.get(reverse("reporting:overdue")).status_code == 200
    response = api(world.manager).get(f"/api/v1/schedules/{runaway.pk}/periods/")
    assert response.status_code == 200
    assert len(response.content) < 1_000_000
    assert len(response.json()) <= settings.REPORTING_MAX_PERIODS + 5


def test_an_award_planned_to_end_in_9999_is_refused_on_the_web_and_by_the_api(client, api, world):
    draft = Award.objects.create(
        programme=world.programme, recipient=world.partner_org, title="Draft", amount_requested=1000, identifier="X-1"
    )
    client.force_login(world.partner)
    fields = {
        "title": "Draft",
        "amount_requested": "1000",
        "planned_start": "2026-01-05",
        "reporting_frequency": "termly",
    }
    response = client.post(reverse("grants:award_edit", args=[draft.pk]), {**fields, "planned_end": "9999-12-31"})
    assert response.status_code == 200 and "outside the dates Exchange accepts" in response.content.decode()
    answer = api(world.partner).patch(f"/api/v1/awards/{draft.pk}/", {"planned_end": "9999-12-31"}, format="json")
    assert answer.status_code == 400 and "planned_end" in answer.json()
    draft.refresh_from_db()
    assert draft.planned_end is None


def test_a_schedule_ending_in_9999_is_refused_by_the_api(api, world, award):
    schedule = api(world.manager).get(f"/api/v1/schedules/?award={award.pk}").json()["results"]
    response = (
        api(world.manager).post(
            "/api/v1/schedules/",
            {"award": award.pk, "frequency": "monthly", "starts_on": "2026-01-01", "ends_on": "9999-12-31"},
            format="json",
        )
        if not schedule
        else api(world.manager).patch(
            f"/api/v1/schedules/{schedule[0]['id']}/", {"ends_on": "9999-12-31"}, format="json"
        )
    )
    assert response.status_code == 400, response.content


@pytest.mark.parametrize("cell", ["9999-12-31", "31/12/1899", "0001-01-01"])
def test_imports_refuse_dates_outside_the_range(cell):
    with pytest.raises(ValueError, match="outside the dates Exchange accepts"):
        parse_date(cell)
