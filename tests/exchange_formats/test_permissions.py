"""Who may import and export: administrators and programme managers; exports hold only what the person may see."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from grants.models import Award
from grants.resources import AwardResource
from partnerships.importing import read_dataset, run_import, write_dataset
from tests import factories as f
from workflow.models import MoneyChange

from .conftest import AWARD_HEADERS, approved, award_row, dataset


def awards_file(world, programme="WM Fund"):
    return dataset(AWARD_HEADERS, award_row("360G-WM-0001", world.partner_org.identifier, programme=programme))


@pytest.mark.parametrize("who", ["partner", "funder"])
def test_partners_and_funders_cannot_import(world, who):
    outcome = run_import(AwardResource(user=getattr(world, who)), awards_file(world), dry_run=False)
    assert [str(p) for p in outcome.problems] == ["The file: You do not have permission to import awards."]
    assert Award.objects.count() == 0


@pytest.mark.parametrize("who", ["partner", "funder"])
def test_partners_and_funders_cannot_use_the_commands(world, who, tmp_path):
    path = tmp_path / "awards.csv"
    write_dataset(awards_file(world), path)
    with pytest.raises(CommandError, match="only administrators and programme managers"):
        call_command("import_data", "awards", str(path), "--user", who)
    with pytest.raises(CommandError, match="only administrators and programme managers"):
        call_command("export_data", "awards", "-o", str(tmp_path / "out.csv"), "--user", who)


def test_a_manager_imports_only_into_programmes_they_manage(world):
    outcome = run_import(AwardResource(user=world.manager_b), awards_file(world), dry_run=False)
    assert [str(p) for p in outcome.problems] == ["Row 2, column “Programme”: “WM Fund” is not a programme you manage"]
    assert run_import(AwardResource(user=world.manager_b), awards_file(world, "EM Fund"), dry_run=False).ok


def test_a_manager_cannot_change_another_programmes_award_by_naming_it(world):
    f.AwardFactory(identifier="360G-WM-0001", programme=world.programme, recipient=world.partner_org)
    outcome = run_import(AwardResource(user=world.manager_b), awards_file(world, "EM Fund"), dry_run=False)
    assert [str(p) for p in outcome.problems] == [
        "Row 2, column “Identifier”: award “360G-WM-0001” is in a programme you do not manage"
    ]
    assert Award.objects.get().programme == world.programme


def test_exports_are_scoped_by_the_selectors(world, tmp_path):
    approved(f.AwardFactory(identifier="360G-WM-0001", programme=world.programme, recipient=world.partner_org))
    f.AwardFactory(identifier="360G-WM-0002", programme=world.programme, recipient=world.partner_org)  # a draft
    approved(f.AwardFactory(identifier="360G-EM-0001", programme=world.programme_b, recipient=world.partner_org_b))

    def exported(username):
        path = tmp_path / f"{username}.csv"
        call_command("export_data", "awards", "-o", str(path), "--user", username)
        return {row["Identifier"] for row in read_dataset(path).dict}

    assert exported("manager") == {"360G-WM-0001", "360G-WM-0002"}
    assert exported("manager_b") == {"360G-EM-0001"}
    assert exported("root") == {"360G-WM-0001", "360G-WM-0002", "360G-EM-0001"}


# The admin -----------------------------------------------------------------------------------------


def test_admin_import_previews_then_imports_as_the_signed_in_manager(world, client):
    client.force_login(world.manager)
    url = reverse("admin:grants_award_import")
    assert client.get(url).status_code == 200
    csv = io.BytesIO(awards_file(world).csv.encode())
    csv.name = "awards.csv"
    preview = client.post(url, {"resource": "0", "format": "0", "import_file": csv})
    assert preview.status_code == 200
    assert Award.objects.count() == 0  # the preview is a dry run
    form = preview.context["confirm_form"]
    assert form is not None, preview.context["result"]
    done = client.post(reverse("admin:grants_award_process_import"), form.initial)
    assert done.status_code == 302
    award = Award.objects.get()
    assert (award.identifier, award.state, award.created_by) == ("360G-WM-0001", Award.State.DRAFT, world.manager)
    assert MoneyChange.objects.get().actor == world.manager


def test_admin_import_preview_shows_the_bad_row_and_offers_no_confirm(world, client):
    client.force_login(world.manager)
    data = awards_file(world)
    data.append(award_row("360G-WM-0002", "GB-CHC-0000000"))
    csv = io.BytesIO(data.csv.encode())
    csv.name = "awards.csv"
    preview = client.post(reverse("admin:grants_award_import"), {"resource": "0", "format": "0", "import_file": csv})
    assert preview.context.get("confirm_form") is None
    html = preview.content.decode()
    assert "unknown recipient organisation identifier “GB-CHC-0000000”" in html
    assert [row.number for row in preview.context["result"].invalid_rows] == [3]  # as the spreadsheet numbers it
    assert Award.objects.count() == 0


def test_staff_partner_gets_no_admin_import(world, client):
    world.partner.is_staff = True
    world.partner.save()
    client.force_login(world.partner)
    assert client.get(reverse("admin:grants_award_import")).status_code in (302, 403)


def test_admin_export_of_the_list_holds_only_the_managers_awards(world, client):
    approved(f.AwardFactory(identifier="360G-WM-0001", programme=world.programme, recipient=world.partner_org))
    approved(f.AwardFactory(identifier="360G-EM-0001", programme=world.programme_b, recipient=world.partner_org_b))
    client.force_login(world.manager)
    url = reverse("admin:grants_award_export")
    form = client.get(url).context["form"]
    data = {"format": "0", "resource": "0", **{name: "on" for name in form.fields if name.startswith("awardresource_")}}
    response = client.post(url, data)
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert text.startswith("Identifier,Programme,Recipient")
    assert "360G-WM-0001" in text and "360G-EM-0001" not in text
