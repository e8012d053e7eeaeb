"""Indicators set up in the pages and the API: the partner proposes them with the application, a
programme manager confirms them (as proposed or edited); the same rule on every door, each change logged."""

from decimal import Decimal

import pytest

from reporting import services
from reporting.models import Indicator
from tests import factories as f
from workflow.errors import TransitionRefused
from workflow.models import TransitionLog

FIELDS = {
    "name": "Pupils reading at the expected standard",
    "unit": "pupils",
    "baseline": "1,200",
    "target": "£1,450",  # the one figure rule: read alike everywhere
    "direction": "increase",
    "cumulative": "no",
    "breakdowns": "Disadvantaged pupils, SEND, EAL",
}


@pytest.fixture
def draft_award(world):
    return f.AwardFactory(programme=world.programme, recipient=world.partner_org, partnership=world.partnership)


def _log(indicator) -> list[tuple[str, str]]:
    rows = TransitionLog.objects.filter(object_id=indicator.pk, content_type__model="indicator").order_by("at", "id")
    return [(row.transition, row.actor.username) for row in rows]


def test_partner_proposes_on_the_page_and_the_manager_edits_and_confirms(client, world, draft_award):
    url = f"/updates/indicators/award/{draft_award.pk}/"
    client.force_login(world.partner)
    page = client.get(url).content.decode()
    assert "Propose an indicator" in page
    response = client.post(url, FIELDS, follow=True)
    assert "proposed: a programme manager will confirm it" in response.content.decode()
    indicator = Indicator.objects.get(award=draft_award)
    assert indicator.state == "proposed" and indicator.proposed_by == world.partner
    assert (indicator.baseline, indicator.target, indicator.cumulative) == (Decimal("1200"), Decimal("1450"), False)
    assert indicator.breakdown_labels == ["Disadvantaged pupils", "SEND", "EAL"]

    client.force_login(world.manager)
    assert "Check and confirm" in client.get(url).content.decode()
    edit = f"/updates/indicators/{indicator.pk}/edit/"
    assert client.get(edit).status_code == 200
    changed = {**FIELDS, "target": "1,500", "confirm": "1"}
    assert client.post(edit, changed).status_code == 302
    indicator.refresh_from_db()
    assert indicator.state == "confirmed" and indicator.target == Decimal("1500")
    assert _log(indicator) == [("propose", "partner"), ("edit", "manager"), ("confirm", "manager")]
    edited = TransitionLog.objects.get(object_id=indicator.pk, transition="edit", content_type__model="indicator")
    assert edited.note == "Target: 1450.00 → 1500"


def test_the_partner_cannot_change_what_is_confirmed_or_propose_after_approval(client, world, draft_award, award):
    proposed = services.indicator_add(
        actor=world.partner, award=draft_award, name="Settings", unit="settings", target=5
    )
    services.indicator_confirm(indicator=proposed, actor=world.manager)
    with pytest.raises(TransitionRefused, match="is confirmed: ask a programme manager"):
        services.indicator_update(indicator=proposed, actor=world.partner, target=Decimal("9"))
    client.force_login(world.partner)
    response = client.post(f"/updates/indicators/award/{award.pk}/", FIELDS)  # an active award
    assert response.status_code == 400
    assert "past its proposal: ask its programme manager" in response.content.decode()
    assert not Indicator.objects.filter(award=award, name=FIELDS["name"]).exists()
    listing = client.get(f"/updates/indicators/award/{award.pk}/").content.decode()
    assert "Propose an indicator" not in listing and "Children reached" in listing


def test_a_manager_adds_a_confirmed_indicator_and_bad_figures_come_back_in_words(client, world, project):
    client.force_login(world.manager)
    url = f"/updates/indicators/project/{project.pk}/"
    bad = client.post(url, {**FIELDS, "target": "lots", "baseline": "1e309"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "There is a problem" in text and "Target" in text and "“lots”" in text
    assert client.post(url, FIELDS).status_code == 302
    added = Indicator.objects.get(project=project)
    assert added.state == "confirmed" and _log(added) == [("add", "manager")]


def test_funders_read_and_others_see_nothing(client, world, draft_award, award):
    services.indicator_add(actor=world.partner, award=draft_award, name="Settings", unit="settings", target=5)
    client.force_login(world.funder)
    assert client.get(f"/updates/indicators/award/{draft_award.pk}/").status_code == 404  # not funded yet
    page = client.get(f"/updates/indicators/award/{award.pk}/")
    assert page.status_code == 200 and "Children reached" in page.content.decode()
    assert "Add an indicator" not in page.content.decode() and "Change" not in page.content.decode()
    assert client.post(f"/updates/indicators/award/{award.pk}/", FIELDS).status_code == 400
    for user in (world.partner_b, world.manager_b, world.funder_b):
        client.force_login(user)
        assert client.get(f"/updates/indicators/award/{draft_award.pk}/").status_code == 404
        assert client.get(f"/updates/indicators/award/{award.pk}/").status_code == 404
    assert Indicator.objects.filter(name=FIELDS["name"]).count() == 0


def test_the_api_proposes_changes_and_confirms_with_the_same_rule(client, world, draft_award, award):
    client.force_login(world.partner)
    body = {
        "award": draft_award.pk,
        "name": "Teachers retained",
        "unit": "teachers",
        "target": "40",
        "breakdowns": "Early career",
    }
    created = client.post("/api/v1/indicators/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["state"] == "proposed" and data["breakdown_labels"] == ["Early career"]
    assert data["available_transitions"] == []  # the partner does not confirm
    late = client.post("/api/v1/indicators/", {**body, "award": award.pk}, content_type="application/json")
    assert late.status_code == 409 and "past its proposal" in late.json()["detail"]
    client.force_login(world.partner_b)
    hidden = client.post("/api/v1/indicators/", body, content_type="application/json")
    assert hidden.status_code == 400  # an award outside their scope reads as one that does not exist
    client.force_login(world.funder)
    assert client.post("/api/v1/indicators/", body, content_type="application/json").status_code == 403

    client.force_login(world.manager)
    pk = data["id"]
    listed = client.get(f"/api/v1/indicators/{pk}/").json()
    assert [t["name"] for t in listed["available_transitions"]] == ["confirm"]
    patched = client.patch(f"/api/v1/indicators/{pk}/", {"target": "45"}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["target"] == "45.00"
    confirmed = client.post(
        f"/api/v1/indicators/{pk}/confirm/", {"note": "Agreed at panel"}, content_type="application/json"
    )
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"
    again = client.post(f"/api/v1/indicators/{pk}/confirm/", {}, content_type="application/json")
    assert again.status_code == 409
    assert _log(Indicator.objects.get(pk=pk)) == [("propose", "partner"), ("edit", "manager"), ("confirm", "manager")]
