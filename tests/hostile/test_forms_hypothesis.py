"""Hypothesis against the main forms, through the Django test client: text (unicode, very long, control
characters, HTML and script), numbers (huge, negative, NaN, 1e309, "£1,000"), dates (impossible,
reversed). A post never answers 5xx and never saves invalid data (money a Decimal with two places within
the column, an end after its start); a refused post shows the error summary and keeps what was typed.

Each example runs in a savepoint that is rolled back, so examples do not see each other's records."""

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grants.models import Award, Payment
from partnerships.models import Project
from reporting.models import Evaluation, IndicatorResult, ProgressUpdate
from tests import factories as f

from .conftest import SPRING, walk_award

EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE_TEXT = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }} {% debug %}",
    "' OR 1=1 --",
    "=cmd|' /C calc'!A0",
    "\u202egnp.exe",
    "Zalgo ̷̡̛͚̖t̶e̵x̸t",
    "\x00null",
    "tab\tbell\x07escape\x1b",
    "😀" * 100,
    "a" * 5_000,
]
text = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=80),
    st.builds(lambda c, n: c * n, st.characters(exclude_categories=("Cs",)), st.integers(150, 2_000)),
)
HOSTILE_NUMBERS = [
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "1e309",
    "1e-400",
    "-1",
    "-0.01",
    "£1,000",
    "1,000.50",
    "1 000",
    "0x10",
    "99999999999999999999999",
    "9" * 400,
    "12.345",
    "0.005",
    "١٢٣",
    "½",
    "1_000",
    "",
    " ",
    "0",
]
number = st.one_of(
    st.sampled_from(HOSTILE_NUMBERS),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(str),
)
HOSTILE_DATES = ["2026-02-30", "2026-13-01", "0000-01-01", "9999-12-31", "10000-01-01", "-2026-01-01", "31/02/2026"]
date = st.one_of(
    st.sampled_from(HOSTILE_DATES + ["", "yesterday", "2026-1-1"]),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(dt.date.isoformat),
    st.text(max_size=12, alphabet=st.characters(exclude_categories=("Cs",))),
)
MAX_MONEY = Decimal("1e12")  # max_digits 14, decimal_places 2


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def money_ok(value) -> bool:
    return value is None or (
        isinstance(value, Decimal) and value.is_finite() and value.as_tuple().exponent >= -2 and 0 <= value < MAX_MONEY
    )


def dates_ok(start, end) -> bool:
    return start is None or end is None or end > start


def check_response(response, typed: dict):
    """Never a 5xx; a refused form (not a redirect) shows the error summary and what was typed."""
    assert response.status_code < 500, response.status_code
    if response.status_code == 302:
        return
    assert response.status_code in (200, 400), response.status_code
    page = response.content.decode()
    assert "govuk-error-summary" in page or "errorlist" in page
    for value in typed.values():
        shown = value.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
        if shown.strip() and len(shown) < 3_000 and "\n" not in shown:
            assert escape(shown) in page or escape(shown.strip()) in page, f"lost what was typed: {value!r}"


@pytest.fixture
def hostile_client(client):
    client.raise_request_exception = False  # a 500 is a status to assert on, with the example that caused it
    return client


# Awards -----------------------------------------------------------------------------------------


def test_award_application_form(hostile_client, world):
    hostile_client.force_login(world.partner)
    url = reverse("grants:award_create")

    @EXAMPLES
    @given(title=text, description=text, amount=number, start=date, end=date)
    def post(title, description, amount, start, end):
        with rolled_back():
            response = hostile_client.post(
                url,
                {
                    "programme": world.programme.pk,
                    "recipient": world.partner_org.pk,
                    "title": title,
                    "description": description,
                    "amount_requested": amount,
                    "planned_start": start,
                    "planned_end": end,
                    "reporting_frequency": "termly",
                },
            )
            check_response(response, {"title": title, "amount_requested": amount})
            for award in Award.objects.all():
                assert money_ok(award.amount_requested), award.amount_requested
                assert dates_ok(award.planned_start, award.planned_end)
                assert "\x00" not in award.title

    post()


def test_award_edit_form(hostile_client, world):
    award = f.AwardFactory(programme=world.programme, recipient=world.partner_org, title="Before")
    hostile_client.force_login(world.partner)
    url = reverse("grants:award_edit", args=[award.pk])

    @EXAMPLES
    @given(title=text, amount=number, start=date, end=date)
    def post(title, amount, start, end):
        with rolled_back():
            response = hostile_client.post(
                url,
                {
                    "title": title,
                    "amount_requested": amount,
                    "planned_start": start,
                    "planned_end": end,
                    "reporting_frequency": "termly",
                },
            )
            check_response(response, {"title": title, "amount_requested": amount})
            award.refresh_from_db()
            assert money_ok(award.amount_requested)
            assert dates_ok(award.planned_start, award.planned_end)

    post()


# Payments ---------------------------------------------------------------------------------------


def test_payment_schedule_form(hostile_client, world):
    award = walk_award(
        f.AwardFactory(programme=world.programme, recipient=world.partner_org, amount_requested=Decimal("40000.00")),
        world,
    )
    hostile_client.force_login(world.manager)
    url = reverse("grants:payment_create", args=[award.pk])

    @EXAMPLES
    @given(amount=number, due_on=date, reference=text)
    def post(amount, due_on, reference):
        with rolled_back():
            response = hostile_client.post(url, {"amount": amount, "due_on": due_on, "reference": reference})
            check_response(response, {"amount": amount})
            payments = list(Payment.objects.filter(award=award))
            assert all(money_ok(p.amount) and p.amount > 0 for p in payments)
            assert sum(p.amount for p in payments) <= award.amount_awarded

    post()


# Projects ---------------------------------------------------------------------------------------


def test_project_proposal_form(hostile_client, world):
    hostile_client.force_login(world.partner)
    url = reverse("partnerships:project_create")

    @EXAMPLES
    @given(title=text, summary=text, settings_reached=number, children_reached=number, start=date, end=date)
    def post(title, summary, settings_reached, children_reached, start, end):
        with rolled_back():
            response = hostile_client.post(
                url,
                {
                    "partnership": world.partnership.pk,
                    "lead_organisation": world.partner_org.pk,
                    "title": title,
                    "theme": "peer_review",
                    "summary": summary,
                    "settings_reached": settings_reached,
                    "children_reached": children_reached,
                    "planned_start": start,
                    "planned_end": end,
                    "form-TOTAL_FORMS": "3",
                    "form-INITIAL_FORMS": "0",
                    "form-MIN_NUM_FORMS": "0",
                    "form-MAX_NUM_FORMS": "1000",
                },
            )
            check_response(response, {"title": title})
            for project in Project.objects.all():
                assert dates_ok(project.planned_start, project.planned_end)
                assert 0 <= project.settings_reached < 2**31 and 0 <= project.children_reached < 2**31

    post()


def test_project_edit_form(hostile_client, world):
    project = f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org)
    hostile_client.force_login(world.partner)
    url = reverse("partnerships:project_edit", args=[project.pk])

    @EXAMPLES
    @given(title=text, children_reached=number, start=date, end=date)
    def post(title, children_reached, start, end):
        with rolled_back():
            response = hostile_client.post(
                url,
                {
                    "title": title,
                    "theme": "peer_review",
                    "settings_reached": "3",
                    "children_reached": children_reached,
                    "planned_start": start,
                    "planned_end": end,
                    "form-TOTAL_FORMS": "0",
                    "form-INITIAL_FORMS": "0",
                    "form-MIN_NUM_FORMS": "0",
                    "form-MAX_NUM_FORMS": "1000",
                },
            )
            check_response(response, {"title": title})
            project.refresh_from_db()
            assert dates_ok(project.planned_start, project.planned_end)
            assert 0 <= project.children_reached < 2**31

    post()


# Progress updates and evaluations -------------------------------------------------------------------


def test_update_edit_form_with_indicator_results(hostile_client, world, media):
    from reporting import services

    award = f.AwardFactory(
        programme=world.programme,
        recipient=world.partner_org,
        planned_start=dt.date(2026, 1, 5),
        planned_end=dt.date(2026, 12, 18),
        reporting_frequency="termly",
    )
    indicator = f.IndicatorFactory(award=award, name="Children reached")
    award = walk_award(award, world)
    update = services.update_start(actor=world.partner, award=award, period_start=SPRING[0], period_end=SPRING[1])
    hostile_client.force_login(world.partner)
    url = reverse("reporting:update_edit", args=[update.pk])
    la = f.LocalAuthorityFactory()

    @EXAMPLES
    @given(progress=text, spend=number, value=number, note=text, children=number)
    def post(progress, spend, value, note, children):
        with rolled_back():
            response = hostile_client.post(
                url,
                {
                    "progress": progress,
                    "spend_to_date": spend,
                    f"result_{indicator.pk}": value,
                    f"result_{indicator.pk}_note": note,
                    "reach_0_la": la.pk,
                    "reach_0_settings": "1",
                    "reach_0_children": children,
                },
            )
            check_response(response, {"spend_to_date": spend})
            saved = ProgressUpdate.objects.get(pk=update.pk)
            assert money_ok(saved.spend_to_date)
            for result in IndicatorResult.objects.filter(update=update):
                assert result.value is None or (isinstance(result.value, Decimal) and result.value.is_finite())
            for reach in saved.reach.all():
                assert 0 <= reach.children_reached < 2**31

    post()


def test_evaluation_form(hostile_client, world):
    award = walk_award(f.AwardFactory(programme=world.programme, recipient=world.partner_org), world)
    evaluation = f.EvaluationFactory(award=award, author=world.manager)
    hostile_client.force_login(world.manager)
    url = reverse("reporting:evaluation_edit", args=["award", award.pk])

    @EXAMPLES
    @given(name=text, outcomes=text, lessons=text, rating=st.sampled_from(["met", "exceeded", "", "bogus", "\x00"]))
    def post(name, outcomes, lessons, rating):
        with rolled_back():
            response = hostile_client.post(
                url,
                {
                    "action": "save",
                    "evaluator_name": name,
                    "outcomes": outcomes,
                    "what_worked": "Paired headteachers.",
                    "what_did_not_work": "",
                    "lessons": lessons,
                    "rating": rating,
                    "stage_reached": Evaluation.Stage.IMPROVE,
                },
            )
            check_response(response, {"evaluator_name": name})
            saved = Evaluation.objects.get(pk=evaluation.pk)
            assert saved.rating in [*Evaluation.Rating.values, ""]  # blank until the evaluator decides
            assert "\x00" not in saved.outcomes

    post()


# Signing in -------------------------------------------------------------------------------------


def test_sign_in_form(hostile_client, world, settings):
    settings.AXES_ENABLED = True  # the real path, throttling included

    @EXAMPLES
    @given(username=text, password=text)
    def post(username, password):
        with rolled_back():
            response = hostile_client.post(reverse("login"), {"username": username, "password": password})
            assert response.status_code in (200, 403, 429), response.status_code
            assert "_auth_user_id" not in hostile_client.session

    post()


def test_a_very_long_username_is_refused_and_logged_within_its_column(hostile_client, world, settings):
    """The sign-in form does not limit a username's length; the login log (axes) holds 255 characters."""
    from axes.models import AccessAttempt

    settings.AXES_ENABLED = True
    response = hostile_client.post(reverse("login"), {"username": "u" * 5_000, "password": "x"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert [len(a.username) for a in AccessAttempt.objects.all()] == [255]
