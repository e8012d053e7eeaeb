"""One money input and one date input on every form: "£1,000", "1,000.50" and "1000" read alike, words
refused with words; GOV.UK's day, month and year boxes, what was typed kept on an error."""

import datetime as dt
from decimal import Decimal

import pytest

from grants.models import Award, Payment
from tests import factories as f
from tests.helpers import force_state


@pytest.fixture
def live_award(world):
    return force_state(
        f.AwardFactory(programme=world.programme, recipient=world.partner_org, amount_awarded=Decimal("20000")),
        Award.State.ACTIVE,
    )


def _schedule(client, world, award, **data):
    client.force_login(world.manager)
    return client.post(f"/awards/{award.pk}/payments/new/", data)


@pytest.mark.parametrize("typed", ["£1,000", "1,000.00", "1000", " 1000 "])
def test_payment_amount_reads_every_way_of_writing_money_alike(client, world, live_award, typed):
    response = _schedule(client, world, live_award, due_on_day="30", due_on_month="4", due_on_year="2026", amount=typed)
    assert response.status_code == 302, response.content.decode()[:2000]
    payment = Payment.objects.get(award=live_award)
    assert (payment.amount, payment.due_on) == (Decimal("1000"), dt.date(2026, 4, 30))


def test_money_in_words_is_refused_with_words_and_kept(client, world, live_award):
    response = _schedule(
        client, world, live_award, due_on_day="30", due_on_month="4", due_on_year="2026", amount="a thousand"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "“a thousand” is not a number: write it in figures" in page
    assert 'value="a thousand"' in page
    assert not Payment.objects.exists()


def test_the_date_is_three_boxes_and_a_month_name_is_read(client, world, live_award):
    client.force_login(world.manager)
    page = client.get(f"/awards/{live_award.pk}/payments/new/").content.decode()
    for part in ("day", "month", "year"):
        assert f'name="due_on_{part}"' in page
    assert 'type="date"' not in page
    assert '<legend class="govuk-fieldset__legend">Due on</legend>' in page
    response = _schedule(client, world, live_award, due_on_day="1", due_on_month="May", due_on_year="2026", amount="5")
    assert response.status_code == 302
    assert Payment.objects.get(award=live_award).due_on == dt.date(2026, 5, 1)


@pytest.mark.parametrize(
    "day,month,year,words",
    [
        ("31", "2", "2027", "31/2/2027 is not a real date: check the day and the month."),
        ("", "2", "2027", "The date must include a day."),
        ("3", "", "", "The date must include a month and a year."),
        ("3", "March", "27", "The year must have four digits, for example 2026."),
        ("first", "3", "2027", "Write the date in numbers, for example 27 3 2026."),
        ("1", "1", "2999", "01/01/2999 is outside the dates Exchange accepts"),
    ],
)
def test_a_bad_date_says_why_and_keeps_what_was_typed(client, world, live_award, day, month, year, words):
    response = _schedule(client, world, live_award, due_on_day=day, due_on_month=month, due_on_year=year, amount="£250")
    page = response.content.decode()
    assert response.status_code == 200
    assert words in page
    assert 'href="#id_due_on_0"' in page and 'id="id_due_on_0"' in page  # the error summary leads to the first box
    assert "govuk-form-group--error" in page
    for name, value in (("day", day), ("month", month), ("year", year)):
        if value:
            assert f'name="due_on_{name}" type="text" inputmode="numeric" value="{value}"' in page
    assert 'value="£250"' in page
    assert not Payment.objects.exists()


def test_a_date_posted_whole_still_reads(client, world, live_award):
    """Forms posted the old way (one field: 2026-04-30), as scripts and the API's users do."""
    assert _schedule(client, world, live_award, due_on="2026-04-30", amount="10").status_code == 302
    assert Payment.objects.get(award=live_award).due_on == dt.date(2026, 4, 30)


def test_editing_shows_the_saved_date_in_the_boxes(client, world, live_award):
    payment = f.PaymentFactory(award=live_award, due_on=dt.date(2026, 7, 9))
    client.force_login(world.manager)
    page = client.get(f"/payments/{payment.pk}/edit/").content.decode()
    assert 'name="due_on_day" type="text" inputmode="numeric" value="9"' in page
    assert 'name="due_on_month" type="text" inputmode="numeric" value="7"' in page
    assert 'name="due_on_year" type="text" inputmode="numeric" value="2026"' in page


def test_an_emptied_approval_amount_is_refused_not_taken_as_the_request(client, world):
    award = force_state(f.AwardFactory(programme=world.programme, amount_requested=Decimal("48500")), "in_assessment")
    client.force_login(world.manager)
    response = client.post(f"/awards/{award.pk}/steps/approve/", {"amount": "  ", "note": ""}, follow=True)
    assert "Enter the amount to award, for example 48,500.00" in response.content.decode()
    award.refresh_from_db()
    assert award.state == Award.State.IN_ASSESSMENT
    response = client.post(f"/awards/{award.pk}/steps/approve/", {"amount": "£48,500.00", "note": ""}, follow=True)
    award.refresh_from_db()
    assert award.state == Award.State.APPROVED and award.amount_awarded == Decimal("48500")


def test_an_update_cannot_be_started_for_a_period_that_has_not_begun(client, world, due_world):
    """Results for a period that has not started yet would be guesses: the page offers no Start button
    and the service refuses with the day it can begin."""
    from reporting.models import ProgressUpdate

    award = due_world.awards["later"]
    award.planned_end = due_world.today + dt.timedelta(days=400)
    award.reporting_frequency = Award.Frequency.QUARTERLY
    award.save()
    client.force_login(world.partner)
    with due_world.at():
        page = client.get("/updates/").content.decode()
        assert "Can be started from 1 October 2026" in page
        response = client.post(
            "/updates/start/",
            {"kind": "award", "subject": award.pk, "period_start": "2026-10-01", "period_end": "2026-12-31"},
            follow=True,
        )
    assert "has not begun: its update can be started from 1 October 2026" in response.content.decode()
    assert not ProgressUpdate.objects.filter(award=award).exists()
    with due_world.at():
        client.post(
            "/updates/start/",
            {"kind": "award", "subject": award.pk, "period_start": "2026-04-01", "period_end": "2026-06-30"},
        )
    assert ProgressUpdate.objects.filter(award=award, period_start=dt.date(2026, 4, 1)).exists()
