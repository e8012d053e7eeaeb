"""Saved as it is typed and returned to: each section saves on its own without JavaScript; the autosave
(a static script, no inline code) posts the same form and reads "Saved at HH:MM"; coming back opens the
section the person last saved; a section never overwrites another one a teammate saved meanwhile."""

import datetime as dt
import re

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from assessment import services
from assessment.models import Application, EditingPlace


@pytest.fixture
def draft(world, call):
    return services.application_start(
        call=call, actor=world.partner, organisation=world.partner_org, title="Reviews", amount_requested=20000
    )


def test_a_section_saves_on_its_own_without_javascript(client, world, draft):
    client.force_login(world.partner)
    page = client.get(f"/calls/applications/{draft.pk}/edit/outcomes/")
    assert page.status_code == 200
    response = client.post(
        f"/calls/applications/{draft.pk}/edit/outcomes/", {"outcomes": "Attendance up two points", "continue": "1"}
    )
    assert response.status_code == 302 and response["Location"].endswith(f"/applications/{draft.pk}/edit/budget/")
    application = Application.objects.get(pk=draft.pk)
    assert application.outcomes == "Attendance up two points"
    assert application.award.title == "Reviews"  # the other sections are untouched
    shown = client.get(response["Location"]).content.decode()
    assert f"Saved at {timezone.localtime(application.updated_at):%H:%M}" in shown


def test_a_teammate_saving_another_section_does_not_undo_mine(world, draft):
    from assessment.sections import section_named

    budget = section_named(draft, "budget")
    project = section_named(draft, "project")
    stale = Application.objects.get(pk=draft.pk)  # read before the other save, as a second browser tab would
    services.section_save(application=draft, actor=world.partner, section=budget, budget_summary="Supply cover")
    services.section_save(application=stale, actor=world.partner, section=project, project_summary="Peer reviews")
    fresh = Application.objects.get(pk=draft.pk)
    assert (fresh.budget_summary, fresh.project_summary) == ("Supply cover", "Peer reviews")
    with pytest.raises(TypeError):
        services.section_save(application=draft, actor=world.partner, section=project, outcomes="not this section")


def test_the_autosave_answers_in_json_and_refuses_in_words(client, world, draft):
    client.force_login(world.partner)
    url = f"/calls/applications/{draft.pk}/edit/project/"
    saved = client.post(url, {"project_summary": "Twelve peer reviews", "autosave": "1"})
    assert saved.status_code == 200
    body = saved.json()
    assert body["saved"] is True and re.fullmatch(r"\d\d:\d\d", body["saved_at"])
    assert Application.objects.get(pk=draft.pk).project_summary == "Twelve peer reviews"
    bad = client.post(f"/calls/applications/{draft.pk}/edit/details/", {"title": "", "autosave": "1"})
    assert bad.status_code == 400 and bad.json()["saved"] is False and "title" in bad.json()["errors"]
    client.force_login(world.partner_b)
    assert client.post(url, {"project_summary": "x", "autosave": "1"}).status_code == 404
    assert Application.objects.get(pk=draft.pk).project_summary == "Twelve peer reviews"


def test_coming_back_opens_the_section_i_last_saved(client, world, draft):
    client.force_login(world.partner)
    first = client.get(f"/calls/applications/{draft.pk}/edit/")
    assert first["Location"].endswith("/edit/details/")
    client.post(f"/calls/applications/{draft.pk}/edit/budget/", {"budget_summary": "Cover", "autosave": "1"})
    assert EditingPlace.objects.get(application=draft, user=world.partner).section == "budget"
    again = client.get(f"/calls/applications/{draft.pk}/edit/")
    assert again["Location"].endswith("/edit/budget/")
    # Each person has their own place: the manager starts at the first section.
    client.force_login(world.manager)
    assert client.get(f"/calls/applications/{draft.pk}/edit/")["Location"].endswith("/edit/details/")


def test_an_expression_of_interest_has_only_its_own_sections(client, world):
    from .builders import join, open_call

    call = open_call(
        world.manager, world.programme, title="Two stages", stages=2, full_closes_at=timezone.now() + dt.timedelta(30)
    )
    join(call, world.partner_org)
    eoi = services.application_start(
        call=call, actor=world.partner, organisation=world.partner_org, title="Idea", amount_requested=5000
    )
    client.force_login(world.partner)
    assert client.get(f"/calls/applications/{eoi.pk}/edit/budget/").status_code == 404
    page = client.get(f"/calls/applications/{eoi.pk}/edit/details/").content.decode()
    assert "Planned start" not in page and "Project title" in page


def test_the_autosave_script_is_a_static_file_the_csp_allows(client, world, draft):
    client.force_login(world.partner)
    response = client.get(f"/calls/applications/{draft.pk}/edit/project/")
    page = response.content.decode()
    assert re.search(r'<script src="[^"]*assessment/autosave\.js" defer></script>', page)
    assert "data-autosave" in page and 'id="saved-at"' in page
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert "src=" in tag or "nonce=" in tag, tag
    assert "script-src 'self'" in response["Content-Security-Policy"]
    source = open(finders.find("assessment/autosave.js")).read()
    assert 'data.append("autosave", "1")' in source and "eval(" not in source


def test_the_api_saves_one_section_and_refuses_a_field_of_another(client, world, draft):
    client.force_login(world.partner)
    url = f"/api/v1/applications/{draft.pk}/sections/"
    response = client.post(url, {"section": "budget", "budget_summary": "Supply cover"}, "application/json")
    assert response.status_code == 200, response.content
    assert Application.objects.get(pk=draft.pk).budget_summary == "Supply cover"
    mixed = client.post(url, {"section": "budget", "outcomes": "Sneaked in"}, "application/json")
    assert mixed.status_code == 400 and "its own section" in str(mixed.json())
    assert Application.objects.get(pk=draft.pk).outcomes == ""
    assert EditingPlace.objects.get(application=draft, user=world.partner).section == "budget"
    client.force_login(world.partner_b)
    assert client.post(url, {"section": "budget", "budget_summary": "x"}, "application/json").status_code == 404
