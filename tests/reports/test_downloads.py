"""Downloading reports from the pages, the API and the command: permission, caching, background rendering."""

from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from grants.models import Payment
from grants.services import payment_transition
from reporting import reports, tasks
from tests import factories as f

from .conftest import build_award, pdf_text, response_bytes


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


def api(user, url):
    c = APIClient()
    c.force_authenticate(user)
    return c.get(url)


def test_award_report_downloads_from_page_and_api_with_a_sensible_name(world, client):
    award = build_award(world)
    response = page(client, world.funder, reverse("reports:award", args=[award.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="impact-report-{award.identifier}-' in response["Content-Disposition"]
    assert "£22,345.67" in pdf_text(response_bytes(response))
    response = api(world.funder, f"/api/v1/reports/award/{award.pk}/")
    assert response.status_code == 200
    assert response_bytes(response).startswith(b"%PDF")


@pytest.mark.parametrize("kind", ["project", "partnership", "portfolio"])
def test_every_kind_downloads_for_its_readers(world, client, kind):
    project = f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org)
    from tests.helpers import force_state

    project = force_state(project, "in_delivery")
    build_award(world, project=project)
    pk = {"project": project.pk, "partnership": world.partnership.pk, "portfolio": world.funder_org.pk}[kind]
    for url in (reverse(f"reports:{kind}", args=[pk]), f"/api/v1/reports/{kind}/{pk}/"):
        response = page(client, world.funder, url) if url.startswith("/reports") else api(world.funder, url)
        assert response.status_code == 200, url
        assert "£40,000.00" in pdf_text(response_bytes(response))


def test_a_funder_cannot_get_another_funders_portfolio_by_page_api_or_guessed_url(world, client):
    build_award(world)
    build_award(world, programme=world.programme_b, recipient=world.partner_org_b, amount="30000.00")
    theirs = world.funder_org_b.pk
    guesses = [theirs, world.partner_org.pk, world.central.pk, 999999]
    for pk in guesses:
        assert page(client, world.funder, reverse("reports:portfolio", args=[pk])).status_code == 404
        assert api(world.funder, f"/api/v1/reports/portfolio/{pk}/").status_code == 404
    # Their own is fine; the other funder's award, project and partnership reports are 404 too.
    assert page(client, world.funder, reverse("reports:portfolio", args=[world.funder_org.pk])).status_code == 200
    other_award = world.programme_b.awards.get()
    assert page(client, world.funder, reverse("reports:award", args=[other_award.pk])).status_code == 404
    assert api(world.funder, f"/api/v1/reports/award/{other_award.pk}/").status_code == 404
    assert page(client, world.funder, reverse("reports:partnership", args=[world.partnership_b.pk])).status_code == 404


def test_a_partner_cannot_get_another_partners_award_report(world, client):
    award = build_award(world)
    assert page(client, world.partner_b, reverse("reports:award", args=[award.pk])).status_code == 404
    assert api(world.partner_b, f"/api/v1/reports/award/{award.pk}/").status_code == 404
    assert page(client, world.partner, reverse("reports:award", args=[award.pk])).status_code == 200
    # A partner has no portfolio to read, even of the funder that pays it.
    assert page(client, world.partner, reverse("reports:portfolio", args=[world.funder_org.pk])).status_code == 404


def test_signed_out_readers_are_asked_to_sign_in(world, client):
    award = build_award(world)
    response = client.get(reverse("reports:award", args=[award.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
    assert APIClient().get(f"/api/v1/reports/award/{award.pk}/").status_code in (401, 403)


def test_the_same_data_is_rendered_once_and_a_payment_renders_it_again(world, client, renders):
    award = build_award(world)
    url = reverse("reports:award", args=[award.pk])
    first = response_bytes(page(client, world.funder, url))
    second = response_bytes(page(client, world.funder, url))
    api(world.funder, f"/api/v1/reports/award/{award.pk}/")
    assert len(renders) == 1
    assert first == second
    assert len(default_storage.listdir("reports/award")[1]) == 1

    scheduled = Payment.objects.get(award=award, state="scheduled")
    scheduled = payment_transition(payment=scheduled, name="approve", actor=world.manager)
    payment_transition(payment=scheduled, name="release", actor=world.manager)
    third = response_bytes(page(client, world.funder, url))
    assert len(renders) == 2
    assert "£30,000.00" in pdf_text(third)  # 10,000 + 12,345.67 + 7,654.33 now paid
    assert len(default_storage.listdir("reports/award")[1]) == 2


def test_another_reader_with_the_same_view_shares_the_stored_pdf(world, client, renders):
    award = build_award(world)
    second_funder = f.UserFactory(username="funder_colleague")
    f.MembershipFactory(user=second_funder, organisation=world.funder_org, role="funder")
    page(client, world.funder, reverse("reports:award", args=[award.pk]))
    page(client, second_funder, reverse("reports:award", args=[award.pk]))
    assert len(renders) == 1
    # Reports quote accepted updates only, so the manager's view of this award is the same data: same PDF.
    page(client, world.manager, reverse("reports:award", args=[award.pk]))
    assert len(renders) == 1


def test_large_reports_go_to_the_task_when_a_broker_is_configured(world, client, settings, monkeypatch, renders):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued = []
    monkeypatch.setattr(tasks.render_report_pdf, "delay", lambda *args: queued.append(args))
    build_award(world)
    url = reverse("reports:portfolio", args=[world.funder_org.pk])

    response = page(client, world.funder, url)
    assert response.status_code == 202
    body = response.content.decode()
    assert "being prepared" in body
    assert f'http-equiv="refresh" content="5;url={url}?wait=1"' in body
    assert page(client, world.funder, f"{url}?wait=1").status_code == 202
    assert api(world.funder, f"/api/v1/reports/portfolio/{world.funder_org.pk}/").status_code == 202
    assert len(queued) == 1 and renders == []  # asked three times, queued once, nothing rendered in the request

    tasks.render_report_pdf(*queued[0])  # the worker runs it
    ready = page(client, world.funder, f"{url}?wait=1")
    assert ready.status_code == 200
    assert "Your report is ready" in ready.content.decode() and "http-equiv" not in ready.content.decode()
    download = page(client, world.funder, url)
    assert download["Content-Type"] == "application/pdf"
    assert api(world.funder, f"/api/v1/reports/portfolio/{world.funder_org.pk}/").status_code == 200
    assert len(renders) == 1

    # A single award is small: it renders in the request even with a broker.
    award_response = page(client, world.funder, reverse("reports:award", args=[world.programme.awards.get().pk]))
    assert award_response["Content-Type"] == "application/pdf"


def test_without_a_broker_large_reports_render_in_the_request(world, client, settings):
    assert not reports.broker_configured()
    build_award(world)
    response = page(client, world.funder, reverse("reports:portfolio", args=[world.funder_org.pk]))
    assert response["Content-Type"] == "application/pdf"


def test_impact_report_command_writes_a_file(world, tmp_path):
    award = build_award(world)
    out = tmp_path / "award.pdf"
    call_command("impact_report", "--award", award.identifier, "-o", str(out))
    assert "£40,000.00" in pdf_text(out.read_bytes())
    out = tmp_path / "portfolio.pdf"
    call_command("impact_report", "--portfolio", world.funder_org.identifier, "-o", str(out))
    assert award.identifier in pdf_text(out.read_bytes())
    out = tmp_path / "partnership.pdf"
    call_command("impact_report", "--partnership", str(world.partnership.pk), "-o", str(out))
    assert out.read_bytes().startswith(b"%PDF")


def test_impact_report_command_can_take_a_readers_view(world, tmp_path):
    from django.core.management.base import CommandError

    award = build_award(world)
    with pytest.raises(CommandError):
        call_command("impact_report", "--award", award.identifier, "--as-user", "partner_b", "-o", str(tmp_path / "x"))


def test_demo_data_reports_reconcile_with_the_database(db, tmp_path):
    from django.contrib.auth import get_user_model
    from django.db.models import Sum

    from grants.models import Award
    from partnerships.models import Organisation, Partnership, Project
    from reporting.models import ProgressUpdate

    call_command("load_demo", stdout=open(tmp_path / "demo.txt", "w"))
    funder = get_user_model().objects.get(username="funder")
    manager = get_user_model().objects.get(username="manager")
    funder_org = Organisation.objects.get(people__user=funder, people__role="funder")

    portfolio = reports.portfolio_report(user=funder, pk=funder_org.pk)
    awards = Award.objects.filter(programme__funder=funder_org).exclude(state="draft")
    committed = awards.filter(state__in=Award.COMMITTED_STATES).aggregate(t=Sum("amount_awarded"))["t"]
    paid = Payment.objects.filter(award__in=awards, state="paid").aggregate(t=Sum("amount"))["t"] or Decimal("0")
    spend = sum(
        (
            u.spend_to_date
            for a in awards
            if (u := ProgressUpdate.objects.filter(award=a, state="accepted").order_by("-period_end", "-id").first())
        ),
        Decimal("0.00"),
    )
    assert committed > 0 and paid > 0 and spend > 0
    assert portfolio.data["totals"]["awarded"] == committed
    assert portfolio.data["totals"]["paid"] == paid
    assert portfolio.data["totals"]["spend"] == spend
    text = pdf_text(reports.pdf_bytes(portfolio))
    for figure in (committed, paid, spend):
        assert f"£{figure:,.2f}" in text

    award = awards.filter(state="active").first() or awards.first()
    award_text = pdf_text(reports.pdf_bytes(reports.award_report(user=funder, pk=award.pk)))
    assert award.identifier in award_text and f"£{award.amount_awarded:,.2f}" in award_text

    partnership = Partnership.objects.filter(lead_organisation__people__user=manager).first()
    partnership_report = reports.partnership_report(user=manager, pk=partnership.pk)
    assert pdf_text(reports.pdf_bytes(partnership_report)).count(partnership.name) >= 1

    project = Project.objects.filter(partnership=partnership).exclude(state="draft").first()
    project_text = pdf_text(reports.pdf_bytes(reports.project_report(user=manager, pk=project.pk)))
    assert project.reference in project_text


def test_reports_page_lists_only_what_the_reader_may_download(world, client):
    ours = build_award(world)
    theirs = build_award(world, programme=world.programme_b, recipient=world.partner_org_b, amount="30000.00")
    body = page(client, world.funder, reverse("reports:index")).content.decode()
    assert reverse("reports:portfolio", args=[world.funder_org.pk]) in body
    assert reverse("reports:award", args=[ours.pk]) in body
    assert reverse("reports:partnership", args=[world.partnership.pk]) in body
    assert world.funder_org_b.name not in body and theirs.identifier not in body
    partner_body = page(client, world.partner, reverse("reports:index")).content.decode()
    assert "Funder portfolios" not in partner_body and ours.identifier in partner_body
    manager_body = page(client, world.manager, reverse("reports:index")).content.decode()
    assert reverse("reports:portfolio", args=[world.funder_org.pk]) in manager_body
    assert reverse("reports:portfolio", args=[world.funder_org_b.pk]) not in manager_body
