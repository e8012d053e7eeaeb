"""Finding 1 and 3 of the outside review (issue 13): the admin as scoped as the pages and the API.
Each test is one thing the reviewer saved or read as `manager` of side A, reaching side B."""

from decimal import Decimal

import pytest
from django.urls import reverse

from grants.models import Award, FundingProgramme, Payment
from partnerships.models import Organisation, Partnership, PartnershipMember, Project
from reporting.models import Evaluation, Indicator, IndicatorResult, ProgressUpdate, ReportingSchedule
from tests import factories as f
from tests.admin_forms import admin_form_data, form_errors
from tests.helpers import force_state

INVALID = "Select a valid choice. That choice is not one of the available choices."


@pytest.fixture
def manager(client, world):
    client.force_login(world.manager)
    return client


def add(client, model: str, data: dict):
    return client.post(reverse(f"admin:{model}_add"), data)


def change_data(client, model: str, obj) -> dict:
    response = client.get(reverse(f"admin:{model}_change", args=[obj.pk]))
    assert response.status_code == 200
    return admin_form_data(response)


def add_data(client, model: str) -> dict:
    response = client.get(reverse(f"admin:{model}_add"))
    assert response.status_code == 200
    return admin_form_data(response)


def award_data(client, **values):
    data = add_data(client, "grants_award")
    data.update(title="Reading recovery", amount_requested="5000", reporting_frequency="termly", **values)
    return data


# Finding 1 ---------------------------------------------------------------------------------------


def test_an_award_in_another_organisations_programme_is_refused_like_a_missing_one(manager, world):
    data = award_data(manager, programme=world.programme_b.pk, recipient=world.partner_org.pk)
    response = add(manager, "grants_award", data)
    assert form_errors(response)["programme"] == [INVALID]
    missing = add(manager, "grants_award", {**data, "programme": 987654})
    assert form_errors(missing)["programme"] == form_errors(response)["programme"]
    assert not Award.objects.exists()


def test_an_award_for_a_project_and_partnership_outside_scope_is_refused(manager, world):
    project_b = f.ProjectFactory(partnership=world.partnership_b, lead_organisation=world.partner_org_b)
    data = award_data(
        manager,
        programme=world.programme.pk,
        recipient=world.partner_org.pk,
        project=project_b.pk,
        partnership=world.partnership_b.pk,
    )
    errors = form_errors(add(manager, "grants_award", data))
    assert errors["project"] == [INVALID] and errors["partnership"] == [INVALID]
    assert not Award.objects.exists()


def test_an_award_made_in_the_admin_goes_through_the_service(manager, world):
    data = award_data(manager, programme=world.programme.pk, recipient=world.partner_org.pk)
    response = add(manager, "grants_award", data)
    assert response.status_code == 302, form_errors(response)
    award = Award.objects.get()
    assert award.identifier.startswith(world.programme.identifier_prefix)  # numbered by award_create
    assert (award.state, award.created_by) == (Award.State.DRAFT, world.manager)


def test_a_programme_managed_by_another_organisation_is_refused(manager, world):
    data = add_data(manager, "grants_fundingprogramme")
    data.update(
        name="Takeover Fund",
        funder=world.funder_org.pk,
        managed_by=world.central_b.pk,
        budget="1000000",
        opens_on="2026-01-01",
        closes_on="2027-01-01",
        identifier_prefix="360G-TAKE",
        currency="GBP",
    )
    assert form_errors(add(manager, "grants_fundingprogramme", data))["managed_by"] == [INVALID]
    assert not FundingProgramme.objects.filter(name="Takeover Fund").exists()
    data["managed_by"] = world.central.pk
    response = add(manager, "grants_fundingprogramme", data)
    assert response.status_code == 302, form_errors(response)
    assert FundingProgramme.objects.get(name="Takeover Fund").managed_by == world.central


def test_a_project_in_another_partnership_is_refused(manager, world):
    data = add_data(manager, "partnerships_project")
    data.update(
        title="Peer review",
        partnership=world.partnership_b.pk,
        lead_organisation=world.central_b.pk,
        theme=Project.Theme.PEER_REVIEW,
        reference="",
    )
    assert form_errors(add(manager, "partnerships_project", data))["partnership"] == [INVALID]
    assert not Project.objects.exists()


def test_a_partnership_led_by_another_organisation_is_refused(manager, world):
    data = add_data(manager, "partnerships_partnership")
    data.update(name="Takeover Partnership", lead_organisation=world.central_b.pk, region="")
    assert form_errors(add(manager, "partnerships_partnership", data))["lead_organisation"] == [INVALID]
    assert not Partnership.objects.filter(name="Takeover Partnership").exists()


def test_a_manager_does_not_write_progress_updates_in_the_admin(manager, world):
    award_b = f.AwardFactory(programme=world.programme_b, recipient=world.partner_org_b)
    response = manager.post(
        reverse("admin:reporting_progressupdate_add"),
        {"award": award_b.pk, "period_start": "2026-01-05", "period_end": "2026-03-31", "progress": "x"},
    )
    assert response.status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_an_indicator_and_an_evaluation_on_another_programmes_award_are_refused(manager, world):
    award_b = f.AwardFactory(programme=world.programme_b, recipient=world.partner_org_b)
    data = add_data(manager, "reporting_indicator")
    data.update(award=award_b.pk, name="Children reached", unit="children", target="100", direction="increase")
    assert form_errors(add(manager, "reporting_indicator", data))["award"] == [INVALID]
    assert not Indicator.objects.exists()
    data = add_data(manager, "reporting_evaluation")
    data.update(award=award_b.pk, lessons="x")
    assert form_errors(add(manager, "reporting_evaluation", data))["award"] == [INVALID]
    assert not Evaluation.objects.exists()


def test_a_manager_cannot_rename_another_organisation(manager, world):
    url = reverse("admin:partnerships_organisation_change", args=[world.funder_org_b.pk])
    manager.post(url, {"name": "Renamed by manager", "kind": "funder"})
    assert Organisation.objects.get(pk=world.funder_org_b.pk).name == "Paul Hamlyn Foundation"


def test_an_application_cannot_move_into_another_programme(manager, world):
    draft = f.AwardFactory(programme=world.programme, recipient=world.partner_org)
    data = change_data(manager, "grants_award", draft)
    data["programme"] = world.programme_b.pk
    manager.post(reverse("admin:grants_award_change", args=[draft.pk]), data)
    assert Award.objects.get(pk=draft.pk).programme == world.programme


def test_an_active_award_is_not_archived_by_its_form(manager, world):
    active = force_state(f.AwardFactory(programme=world.programme, recipient=world.partner_org), "active")
    data = change_data(manager, "grants_award", active)
    data.update({"archived_at_0": "2026-01-01", "archived_at_1": "10:00:00", "archived_at": "2026-01-01 10:00"})
    manager.post(reverse("admin:grants_award_change", args=[active.pk]), data)
    assert Award.objects.get(pk=active.pk).archived_at is None


def test_an_accepted_updates_indicator_result_cannot_change(manager, world):
    award = f.AwardFactory(programme=world.programme, recipient=world.partner_org)
    update = force_state(f.ProgressUpdateFactory(award=award), ProgressUpdate.State.ACCEPTED)
    result = f.IndicatorResultFactory(update=update, indicator=f.IndicatorFactory(award=award))
    url = reverse("admin:reporting_indicatorresult_change", args=[result.pk])
    manager.post(url, {"update": update.pk, "indicator": result.indicator_id, "value": "999999", "note": ""})
    assert IndicatorResult.objects.get(pk=result.pk).value == Decimal("120")


def test_administrators_cannot_change_an_accepted_updates_results_either(client, world):
    award = f.AwardFactory(programme=world.programme, recipient=world.partner_org)
    update = force_state(f.ProgressUpdateFactory(award=award), ProgressUpdate.State.ACCEPTED)
    result = f.IndicatorResultFactory(update=update, indicator=f.IndicatorFactory(award=award))
    client.force_login(world.admin)
    url = reverse("admin:reporting_indicatorresult_change", args=[result.pk])
    client.post(url, {"update": update.pk, "indicator": result.indicator_id, "value": "999999", "note": ""})
    assert IndicatorResult.objects.get(pk=result.pk).value == Decimal("120")


def test_a_plain_member_cannot_take_over_a_partnership_by_changing_its_lead(manager, world):
    f.PartnershipMemberFactory(partnership=world.partnership_b, organisation=world.central, role="member")
    project_b = f.ProjectFactory(partnership=world.partnership_b, lead_organisation=world.partner_org_b)
    url = reverse("admin:partnerships_partnership_change", args=[world.partnership_b.pk])
    response = manager.get(url)
    if response.status_code == 200:
        data = admin_form_data(response)
        data["lead_organisation"] = world.central.pk
        manager.post(url, data)
    assert Partnership.objects.get(pk=world.partnership_b.pk).lead_organisation == world.central_b
    assert project_b.pk not in manager.get(reverse("admin:partnerships_project_changelist")).context[
        "cl"
    ].result_list.values_list("pk", flat=True)


def test_a_partnership_lead_is_not_changed_in_the_admin_even_by_its_manager(manager, world):
    url = reverse("admin:partnerships_partnership_change", args=[world.partnership.pk])
    data = change_data(manager, "partnerships_partnership", world.partnership)
    data["lead_organisation"] = world.partner_org.pk
    manager.post(url, data)
    assert Partnership.objects.get(pk=world.partnership.pk).lead_organisation == world.central


def test_member_rows_of_a_partnership_one_does_not_lead_cannot_be_added(manager, world):
    f.PartnershipMemberFactory(partnership=world.partnership_b, organisation=world.central, role="member")
    url = reverse("admin:partnerships_partnership_change", args=[world.partnership_b.pk])
    data = change_data(manager, "partnerships_partnership", world.partnership_b)
    prefix = "members"
    total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(total + 1),
            f"{prefix}-{total}-organisation": world.partner_org.pk,
            f"{prefix}-{total}-role": "lead",
            f"{prefix}-{total}-partnership": world.partnership_b.pk,
        }
    )
    manager.post(url, data)
    assert not PartnershipMember.objects.filter(
        partnership=world.partnership_b, organisation=world.partner_org
    ).exists()


# Finding 3 ---------------------------------------------------------------------------------------


def test_a_payment_on_an_out_of_scope_award_reveals_nothing_of_it(manager, world):
    award_b = force_state(
        f.AwardFactory(programme=world.programme_b, title="Hidden Bid", amount_awarded=Decimal("42424")), "active"
    )
    data = {"award": award_b.pk, "due_on": "2026-04-01", "amount": "99999999", "reference": ""}
    response = add(manager, "grants_payment", data)
    text = response.content.decode()
    assert form_errors(response)["award"] == [INVALID]
    for secret in (award_b.identifier, "Hidden Bid", "42,424", "Active"):
        assert secret not in text
    assert not Payment.objects.exists()


def test_a_schedule_for_an_out_of_scope_award_does_not_reveal_that_one_exists(manager, world):
    award_b = f.AwardFactory(programme=world.programme_b)
    ReportingSchedule.objects.create(award=award_b, frequency="termly", starts_on="2026-01-01", ends_on="2026-12-31")
    data = {"award": award_b.pk, "frequency": "termly", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}
    response = add(manager, "reporting_reportingschedule", data)
    assert "already exists" not in response.content.decode()
    assert form_errors(response)["award"] == [INVALID]


@pytest.mark.parametrize(
    "model",
    [
        "grants_fundingprogramme",
        "grants_award",
        "grants_payment",
        "partnerships_project",
        "reporting_progressupdate",
        "reporting_indicator",
        "partnerships_partnership",
    ],
)
def test_list_filters_name_only_what_the_manager_may_see(manager, world, model):
    f.AwardFactory(programme=world.programme_b, partnership=world.partnership_b, recipient=world.partner_org_b)
    f.ProjectFactory(partnership=world.partnership_b, lead_organisation=world.partner_org_b)
    text = manager.get(reverse(f"admin:{model}_changelist")).content.decode()
    for name in (
        "EM Fund",
        "East Midlands Partnership",
        "Paul Hamlyn Foundation",
        "Inspiring Leaders",
        "Robin Hood MAT",
    ):
        assert name not in text, f"{model} names {name}"


def test_an_active_awards_page_is_read_only_but_keeps_its_steps(manager, world):
    active = force_state(f.AwardFactory(programme=world.programme, recipient=world.partner_org), "active")
    html = manager.get(reverse("admin:grants_award_change", args=[active.pk])).content.decode()
    assert 'name="title"' not in html
    assert reverse("admin:grants_award_transition", args=[active.pk, "suspend"]) in html


def test_a_refusal_from_the_service_comes_back_on_the_form_with_what_was_typed(manager, world):
    award = force_state(f.AwardFactory(programme=world.programme, recipient=world.partner_org), "approved")
    Award.objects.filter(pk=award.pk).update(amount_awarded=Decimal("500"))
    data = {"award": award.pk, "due_on": "2026-04-01", "amount": "600", "reference": "REM-77"}
    response = add(manager, "grants_payment", data)
    assert response.status_code == 200
    assert "more than the £500.00 awarded" in " ".join(form_errors(response)["__all__"])
    assert 'value="REM-77"' in response.content.decode()
    assert not Payment.objects.exists()


def test_archiving_goes_through_the_action_which_refuses_active_work(manager, world):
    active = force_state(f.AwardFactory(programme=world.programme, recipient=world.partner_org), "active")
    url = reverse("admin:grants_award_changelist")
    response = manager.post(url, {"action": "archive_selected", "_selected_action": [active.pk]}, follow=True)
    assert "can be archived" in response.content.decode()
    assert Award.objects.get(pk=active.pk).archived_at is None


def test_a_managers_import_does_not_rename_another_organisation(world):
    from partnerships.importing import run_import
    from partnerships.resources import OrganisationResource
    from tests.exchange_formats.conftest import dataset

    headers = ["Identifier", "Name", "Kind"]
    other = dataset(headers, [world.funder_org_b.identifier, "Renamed by import", "Funder"])
    outcome = run_import(OrganisationResource(user=world.manager), other, dry_run=False)
    assert [str(p) for p in outcome.problems] == [
        "Row 2, column “Name”: “Paul Hamlyn Foundation” is an organisation you do not manage; "
        "an administrator can change it"
    ]
    assert Organisation.objects.get(pk=world.funder_org_b.pk).name == "Paul Hamlyn Foundation"
    own = dataset(headers, [world.central.identifier, "Fair Education Alliance (West Midlands)", "Charity"])
    assert run_import(OrganisationResource(user=world.manager), own, dry_run=False).ok
    assert Organisation.objects.get(pk=world.central.pk).name == "Fair Education Alliance (West Midlands)"


def test_a_member_row_of_another_partnership_posted_on_the_form_is_refused_without_a_server_error(manager, world):
    """An existing member row is shown, not edited; posting another partnership's row id in its place
    changes nothing and answers with the form, never a 500."""
    f.PartnershipMemberFactory(partnership=world.partnership, organisation=world.partner_org, role="member")
    elsewhere = f.PartnershipMemberFactory(partnership=world.partnership_b, organisation=world.central, role="member")
    url = reverse("admin:partnerships_partnership_change", args=[world.partnership.pk])
    data = change_data(manager, "partnerships_partnership", world.partnership)
    ids = [key for key in data if key.startswith("members-") and key.endswith("-id") and data[key]]
    assert ids, "the partnership's own member rows are on the form"
    for key in ids:
        data[key] = elsewhere.pk
    manager.raise_request_exception = False
    response = manager.post(url, data)
    assert response.status_code in (200, 302), response.status_code
    elsewhere.refresh_from_db()
    assert elsewhere.partnership == world.partnership_b and elsewhere.organisation == world.central
    assert PartnershipMember.objects.filter(partnership=world.partnership, organisation=world.partner_org).exists()
