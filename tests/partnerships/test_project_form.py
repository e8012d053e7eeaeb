"""The project proposal form: the only choice chosen already, no funders among the partners."""

from django.urls import reverse

from partnerships.models import Organisation
from tests import factories as f


def test_the_only_partnership_and_lead_are_preselected_and_funders_are_not_partners(client, world):
    funder = f.OrganisationFactory(name="Pretend Foundation", kind=Organisation.Kind.FUNDER)
    school = f.OrganisationFactory(name="Pretend Primary", kind=Organisation.Kind.SCHOOL)
    f.PartnershipMemberFactory(partnership=world.partnership, organisation=world.partner_org)
    client.force_login(world.partner)
    response = client.get(reverse("partnerships:project_create"))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["lead_organisation"].queryset) == [world.partner_org]
    assert form["lead_organisation"].value() == world.partner_org.pk
    assert list(form.fields["partnership"].queryset) == [world.partnership]
    assert form["partnership"].value() == world.partnership.pk
    assert f'<option value="{world.partner_org.pk}" selected>' in response.content.decode()
    choices = dict(response.context["formset"].forms[0].fields["organisation"].choices)
    assert school.pk in choices and funder.pk not in choices
    assert world.funder_org.pk not in choices
