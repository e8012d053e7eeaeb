"""The project proposal form: the only choice chosen already; partner rows offer the chosen partnership's
members and never a funder, with or without JavaScript; the service refuses any other organisation, in
words, on the page, in the API and in the admin alike."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from partnerships import services
from partnerships.models import Organisation, PartnershipMember, Project
from tests import factories as f
from tests.admin_forms import admin_form_data, form_errors

NEW = "/projects/new/"


def offered(response, row: int = 0) -> set:
    return {pk for pk, _ in response.context["formset"].forms[row].fields["organisation"].choices if pk != ""}


@pytest.fixture
def members(world):
    """A member school of each partnership, a funder member, and a school belonging to neither."""
    school = f.OrganisationFactory(name="Pretend Primary", kind=Organisation.Kind.SCHOOL)
    east_school = f.OrganisationFactory(name="Eastern Academy", kind=Organisation.Kind.SCHOOL)
    outsider = f.OrganisationFactory(name="Outside Infants", kind=Organisation.Kind.SCHOOL)
    funder = f.OrganisationFactory(name="Pretend Foundation", kind=Organisation.Kind.FUNDER)
    for organisation in (world.partner_org, school, funder):
        f.PartnershipMemberFactory(partnership=world.partnership, organisation=organisation)
    f.PartnershipMemberFactory(partnership=world.partnership_b, organisation=east_school)
    return {"school": school, "east_school": east_school, "outsider": outsider, "funder": funder}


def typed(world, **changes) -> dict:
    data = {
        "partnership": world.partnership.pk,
        "lead_organisation": world.central.pk,
        "title": "Maths mastery circle",
        "summary": "Five schools share maths lessons.",
        "settings_reached": "5",
        "children_reached": "900",
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-organisation": "",
    }
    data.update(changes)
    return data


def test_the_only_partnership_and_lead_are_preselected_and_rows_offer_its_members_only(client, world, members):
    client.force_login(world.partner)
    response = client.get(reverse("partnerships:project_create"))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["lead_organisation"].queryset) == [world.partner_org]
    assert form["lead_organisation"].value() == world.partner_org.pk
    assert list(form.fields["partnership"].queryset) == [world.partnership]
    assert form["partnership"].value() == world.partnership.pk
    assert f'<option value="{world.partner_org.pk}" selected>' in response.content.decode()
    assert offered(response) == {world.central.pk, world.partner_org.pk, members["school"].pk}  # lead and members
    assert "The members of West Midlands Collaboration Partnership" in response.content.decode()


def test_with_two_partnerships_the_rows_wait_for_the_choice_then_offer_its_members(client, world, members):
    client.force_login(world.admin)
    page = client.get(NEW)
    assert page.context["formset"].total_form_count() == 0
    assert "choose the partnership above, then show its members" in page.content.decode()
    detail = client.get(f"/partnerships/{world.partnership_b.pk}/").content.decode()
    assert f'href="{NEW}?partnership={world.partnership_b.pk}"' in detail  # the way in from the partnership
    page = client.get(f"{NEW}?partnership={world.partnership_b.pk}")
    assert page.context["form"]["partnership"].value() == world.partnership_b.pk
    assert offered(page) == {world.central_b.pk, members["east_school"].pk}


def test_show_members_keeps_everything_typed_and_saves_nothing(client, world, members):
    client.force_login(world.admin)
    # Not everything is typed yet (settings reached is still empty): nothing is judged until "Save".
    data = typed(world, partnership=world.partnership_b.pk, show_members="1", settings_reached="")
    page = client.post(NEW, data)
    text = page.content.decode()
    assert page.status_code == 200 and "govuk-error-summary" not in text
    assert not Project.objects.filter(title="Maths mastery circle").exists()
    assert "Maths mastery circle" in text and "Five schools share maths lessons." in text and 'value="900"' in text
    assert page.context["form"]["partnership"].value() == str(world.partnership_b.pk)
    assert offered(page) == {world.central_b.pk, members["east_school"].pk}


def test_add_another_partner_gives_one_more_row_keeping_the_rows_typed(client, world, members):
    client.force_login(world.manager)
    data = typed(
        world, add_partner="1", **{"form-0-organisation": str(members["school"].pk), "form-0-gives_support": "on"}
    )
    page = client.post(NEW, data)
    formset = page.context["formset"]
    assert page.status_code == 200 and formset.total_form_count() == 2
    assert formset.forms[0]["organisation"].value() == str(members["school"].pk)
    assert formset.forms[0]["gives_support"].value() is True
    assert not Project.objects.filter(title="Maths mastery circle").exists()
    data.pop("add_partner")
    data.update({"form-TOTAL_FORMS": "2", "form-1-organisation": str(world.partner_org.pk)})
    data["form-1-receives_support"] = "on"
    assert client.post(NEW, data).status_code == 302
    project = Project.objects.get(title="Maths mastery circle")
    assert {p.organisation_id for p in project.partners.all()} == {members["school"].pk, world.partner_org.pk}


@pytest.mark.parametrize("who", ["outsider", "funder", "east_school"])
def test_a_non_member_row_is_refused_in_words_keeping_what_was_typed(client, world, members, who):
    client.force_login(world.manager)
    data = typed(world, **{"form-0-organisation": str(members[who].pk), "form-0-receives_support": "on"})
    page = client.post(NEW, data)
    text = page.content.decode()
    assert page.status_code == 200 and "govuk-error-summary" in text
    assert "Choose one of the partnership&#x27;s members" in text
    assert "Maths mastery circle" in text and "Five schools share maths lessons." in text
    assert not Project.objects.filter(title="Maths mastery circle").exists()


def test_the_service_refuses_a_non_member_and_a_funder_in_words(world, members):
    project = f.ProjectFactory(partnership=world.partnership, lead_organisation=world.central)
    with pytest.raises(ValidationError, match="Outside Infants is not a member of West Midlands"):
        services.project_set_partners(
            project=project, actor=world.manager, partners=[(members["outsider"], True, False)]
        )
    with pytest.raises(ValidationError, match="Pretend Foundation is a funder"):
        services.project_set_partners(project=project, actor=world.manager, partners=[(members["funder"], True, False)])
    with pytest.raises(ValidationError, match="is not a member"):
        services.project_create(
            actor=world.manager,
            partnership=world.partnership,
            title="Never saved",
            lead_organisation=world.central,
            partners=[(members["east_school"], False, True)],
        )
    assert not Project.objects.filter(title="Never saved").exists()
    saved = services.project_set_partners(
        project=project, actor=world.manager, partners=[(members["school"], True, True)]
    )
    assert [p.organisation for p in saved] == [members["school"]]


def test_a_partner_named_before_the_rule_stays_on_an_edit(client, world, members):
    project = f.ProjectFactory(partnership=world.partnership, lead_organisation=world.central)
    f.ProjectPartnerFactory(project=project, organisation=members["outsider"], receives_support=True)
    client.force_login(world.manager)
    page = client.get(f"/projects/{project.pk}/edit/")
    assert members["outsider"].pk in offered(page) and members["east_school"].pk not in offered(page)
    services.project_update(
        project=project, actor=world.manager, partners=[(members["outsider"], True, True)], title="Kept"
    )
    assert project.partners.get().gives_support


def test_the_api_takes_partners_and_refuses_a_non_member_with_400(client, world, members):
    client.force_login(world.manager)
    body = {
        "partnership": world.partnership.pk,
        "lead_organisation": world.central.pk,
        "title": "Through the API",
        "partners": [{"organisation": members["outsider"].pk, "receives_support": True}],
    }
    refused = client.post("/api/v1/projects/", body, content_type="application/json")
    assert refused.status_code == 400
    assert "Outside Infants is not a member of West Midlands" in refused.json()["partners"][0]
    assert not Project.objects.filter(title="Through the API").exists()
    body["partners"] = [{"organisation": members["school"].pk, "gives_support": True}]
    created = client.post("/api/v1/projects/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert [p["organisation"] for p in created.json()["partners"]] == [members["school"].pk]
    url = f"/api/v1/projects/{created.json()['id']}/"
    funder = [{"organisation": members["funder"].pk, "gives_support": True}]
    patched = client.patch(url, {"partners": funder}, content_type="application/json")
    assert patched.status_code == 400 and "is a funder" in patched.json()["partners"][0]
    assert client.patch(url, {"children_reached": 40}, content_type="application/json").status_code == 200
    assert Project.objects.get(title="Through the API").partners.get().organisation == members["school"]


def test_the_admin_refuses_a_non_member_partner_in_words(client, world, members):
    project = f.ProjectFactory(partnership=world.partnership, lead_organisation=world.central)
    client.force_login(world.manager)
    url = reverse("admin:partnerships_project_change", args=[project.pk])
    data = admin_form_data(client.get(url))
    data.update(
        {
            "partners-TOTAL_FORMS": "1",
            "partners-0-organisation": str(members["outsider"].pk),
            "partners-0-receives_support": "on",
            "partners-0-project": str(project.pk),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert any("is not a member of West Midlands" in e for e in form_errors(response).get("__all__", []))
    assert not project.partners.exists()
    assert PartnershipMember.objects.filter(organisation=members["outsider"]).count() == 0
