"""The admin as a programme manager uses it: scoped lists, transition buttons through the services."""

from decimal import Decimal

import pytest
from django.urls import reverse

from grants.models import Award, Payment
from tests import factories as f
from tests.helpers import force_state
from workflow.models import MoneyChange, TransitionLog


@pytest.fixture
def award(world):
    return force_state(
        f.AwardFactory(programme=world.programme, recipient=world.partner_org, amount_requested=Decimal("60000")),
        Award.State.IN_ASSESSMENT,
    )


def test_manager_sees_transition_buttons_and_history_on_the_award_page(client, world, award):
    client.force_login(world.manager)
    response = client.get(reverse("admin:grants_award_change", args=[award.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("admin:grants_award_transition", args=[award.pk, "approve"]) in html
    assert reverse("admin:grants_award_transition", args=[award.pk, "decline"]) in html
    assert "History (state changes)" in html


def test_admin_transition_goes_through_the_service_and_logs_the_manager(client, world, award):
    client.force_login(world.manager)
    url = reverse("admin:grants_award_transition", args=[award.pk, "approve"])
    assert client.get(url).status_code == 200  # confirmation page with a note field
    response = client.post(url, {"note": "Strong proposal"}, follow=True)
    award.refresh_from_db()
    assert award.state == Award.State.APPROVED and award.amount_awarded == Decimal("60000.00")
    log = TransitionLog.objects.get(target="approved")
    assert (log.actor, log.note) == (world.manager, "Strong proposal")
    assert f"Approve — {award} is now “Approved”." in response.content.decode()


def test_admin_shows_the_refusal_reason(client, world, award):
    f.AwardFactory(programme=world.programme, amount_awarded=Decimal("50000"), state="draft")
    other = force_state(f.AwardFactory(programme=world.programme, amount_requested=Decimal("50000")), "in_assessment")
    client.force_login(world.manager)
    client.post(reverse("admin:grants_award_transition", args=[other.pk, "approve"]), {"note": ""})
    response = client.post(reverse("admin:grants_award_transition", args=[award.pk, "approve"]), follow=True)
    assert "past its budget of £100,000.00" in response.content.decode()
    award.refresh_from_db()
    assert award.state == Award.State.IN_ASSESSMENT


def test_manager_cannot_open_another_programmes_award_in_admin(client, world, award):
    client.force_login(world.manager_b)
    response = client.get(reverse("admin:grants_award_change", args=[award.pk]))
    assert response.status_code == 302  # admin redirects missing objects to the index
    assert award.title not in client.get(reverse("admin:grants_award_changelist")).content.decode()
    url = reverse("admin:grants_award_transition", args=[award.pk, "approve"])
    assert client.post(url).status_code == 404


def test_partner_and_funder_cannot_use_the_admin(client, world):
    for user in (world.partner, world.funder):
        user.is_staff = True
        user.save()
        client.force_login(user)
        assert client.get(reverse("admin:grants_award_changelist")).status_code == 403


def test_admin_payment_form_refuses_a_payment_above_the_award(client, world, award):
    client.force_login(world.manager)
    client.post(reverse("admin:grants_award_transition", args=[award.pk, "approve"]), {"note": ""})
    data = {"award": award.pk, "due_on": "2026-04-01", "amount": "60000.01", "reference": ""}
    response = client.post(reverse("admin:grants_payment_add"), data)
    assert "more than the £60,000.00 awarded" in response.content.decode()
    assert not Payment.objects.exists()
    data["amount"] = "20000"
    client.post(reverse("admin:grants_payment_add"), data)
    payment = Payment.objects.get()
    assert MoneyChange.objects.filter(object_id=payment.pk, field="amount", actor=world.manager).exists()


def test_award_changelist_uses_a_constant_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.manager)
    for _ in range(3):
        f.AwardFactory(programme=world.programme)
    url = reverse("admin:grants_award_changelist")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _ in range(30):
        f.AwardFactory(programme=world.programme)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_trust_size_bands_show_in_admin_and_api_without_a_query_per_row(client, world, django_assert_max_num_queries):
    from rest_framework.test import APIClient

    trust = f.OrganisationFactory(name="Arden Forest Trust", kind="mat")
    for _ in range(8):
        f.OrganisationFactory(kind="school", trust=trust, pupil_count=400)
    client.force_login(world.admin)
    url = reverse("admin:partnerships_organisation_changelist")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        assert "Established trust" in client.get(url).content.decode()
    for _ in range(20):
        f.OrganisationFactory(kind="school", trust=f.OrganisationFactory(kind="mat"), pupil_count=300)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
    api = APIClient()
    api.force_authenticate(world.manager)
    rows = {o["name"]: o["size_band"] for o in api.get("/api/v1/organisations/?page_size=200").json()["results"]}
    assert rows["Arden Forest Trust"] == "Established trust"


def test_admin_is_titled_exchange_and_tells_the_time_on_the_24_hour_clock(client, world):
    import datetime as dt

    from django.utils import formats, translation

    client.force_login(world.admin)
    page = client.get("/admin/").content.decode()
    assert "Exchange administration" in page and "Django administration" not in page
    with translation.override("en-gb"):
        assert formats.date_format(dt.datetime(2026, 12, 2, 14, 5), "DATETIME_FORMAT") == "2 December 2026, 14:05"
        assert formats.time_format(dt.time(9, 30)) == "09:30"
