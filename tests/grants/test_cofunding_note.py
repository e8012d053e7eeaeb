"""The co-funding note is kept in the history: one longer than a note may be is refused in words (page,
API, service), never cut short; the page keeps what was typed."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from grants.money.cofunding.models import AwardShare
from grants.money.cofunding.services import award_shares_set
from tests.grants.cofunding_helpers import co_programme
from tests.grants.money_helpers import approved_award
from workflow.models import MoneyChange
from workflow.text import NOTE

LONG = "Agreed at the March panel. " * 40  # 1,080 characters
assert len(LONG) > NOTE > 500


@pytest.fixture
def award(world):
    return approved_award(world, amount=Decimal("10000.00"))


def test_the_page_refuses_a_long_note_in_words_keeping_what_was_typed(client, world, award):
    co = co_programme(world)
    client.force_login(world.manager)
    url = f"/awards/{award.pk}/co-funding/"
    response = client.post(url, {f"share-{co.pk}": "2,500", "note": LONG})
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert f"The note is {len(LONG):,} characters long: keep it to {NOTE:,}." in page
    assert f">{LONG}</textarea>" in page and 'value="2,500"' in page
    assert not AwardShare.objects.filter(award=award).exists()
    fits = LONG[:NOTE]
    assert client.post(url, {f"share-{co.pk}": "2,500", "note": fits}).status_code == 302
    logged = MoneyChange.objects.filter(field="share", new_amount=Decimal("2500.00")).get()
    assert logged.note.endswith(fits)  # the whole note, not its first 500 characters


def test_the_api_and_the_service_refuse_a_long_note(world, award):
    co = co_programme(world)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=world.manager)[0].key}")
    body = {"award": award.pk, "shares": [{"programme": co.pk, "amount": "3000.00"}], "note": LONG}
    response = client.post("/api/v1/award-shares/", body, format="json")
    assert response.status_code == 400
    assert response.json()["note"] == [f"The note is too long: keep it to {NOTE:,} characters."]
    with pytest.raises(ValidationError, match="characters long: keep it to 1,000"):
        award_shares_set(award=award, actor=world.manager, shares=[(co, Decimal("3000.00"))], note=LONG)
    assert not AwardShare.objects.filter(award=award).exists()
