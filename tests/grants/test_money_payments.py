"""Paying: release with paid-on date and remittance reference; payment runs exported once to finance."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from grants import services
from grants.models import Payment, PaymentRun, PaymentRunItem
from grants.money import services as money
from grants.money.exports import XeroBills
from tests.grants.money_helpers import approved_award, categories, paid_ready
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.models import TransitionLog


def test_release_on_the_page_keeps_the_paid_on_date_and_remittance_reference(world, client):
    award = approved_award(world)
    payment = paid_ready(world, award, due_on=dt.date(2026, 4, 1), amount="2500.00")
    client.force_login(world.manager)
    page = client.get(reverse("grants:payment_detail", args=[payment.pk]))
    # GOV.UK's day, month and year boxes, not a browser date picker
    assert b'name="paid_on_day"' in page.content and b'name="paid_on_year"' in page.content
    assert b'type="date"' not in page.content and b'name="reference"' in page.content

    client.post(
        reverse("grants:payment_transition", args=[payment.pk, "release"]),
        {"paid_on_day": "3", "paid_on_month": "4", "paid_on_year": "2026", "reference": "BACS-88172"},
    )

    payment.refresh_from_db()
    assert payment.state == Payment.State.PAID
    assert payment.paid_on == dt.date(2026, 4, 3)
    assert payment.reference == "BACS-88172"
    assert award.programme.__class__.objects.get(pk=award.programme_id).paid_amount == Decimal("2500.00")


def test_release_with_a_date_that_is_not_a_date_says_so_and_pays_nothing(world, client):
    payment = paid_ready(world, approved_award(world), due_on=dt.date(2026, 4, 1), amount="100.00")
    client.force_login(world.manager)
    response = client.post(
        reverse("grants:payment_transition", args=[payment.pk, "release"]), {"paid_on": "31/02/2026"}, follow=True
    )
    assert response.status_code == 200
    assert "date" in response.content.decode().lower()
    payment.refresh_from_db()
    assert payment.state == Payment.State.APPROVED


def test_release_on_a_day_still_to_come_is_refused(world):
    payment = paid_ready(world, approved_award(world), due_on=dt.date(2026, 4, 1), amount="100.00")
    with pytest.raises(Exception, match="a day still to come"):
        services.payment_release(payment=payment, actor=world.manager, paid_on=dt.date(2999, 1, 1))


def test_release_through_the_api_takes_paid_on_and_reference(world, client):
    payment = paid_ready(world, approved_award(world), due_on=dt.date(2026, 4, 1), amount="100.00")
    client.force_login(world.manager)
    response = client.post(
        f"/api/v1/payments/{payment.pk}/release/",
        {"paid_on": "2026-04-02", "reference": "REM-1"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["paid_on"] == "2026-04-02" and response.json()["reference"] == "REM-1"


def test_a_payment_run_takes_approved_payments_due_by_the_date_once(world):
    award = approved_award(world)
    due = paid_ready(world, award, due_on=dt.date(2026, 4, 1), amount="1500.00")
    also_due = paid_ready(world, award, due_on=dt.date(2026, 4, 30), amount="500.25")
    paid_ready(world, award, due_on=dt.date(2026, 5, 1), amount="1000.00")  # after the date
    services.payment_schedule(
        award=award, due_on=dt.date(2026, 3, 1), amount="100", actor=world.manager
    )  # not approved

    run = money.payment_run_export(actor=world.manager, organisation=world.central, due_by=dt.date(2026, 4, 30))

    assert run.payment_count == 2 and run.total == Decimal("2000.25")
    assert set(run.items.values_list("payment_id", flat=True)) == {due.pk, also_due.pk}
    assert TransitionLog.objects.filter(transition="export", object_id=due.pk).exists()
    with pytest.raises(TransitionRefused, match="already gone to finance"):
        money.payment_run_export(actor=world.manager, organisation=world.central, due_by=dt.date(2026, 4, 30))


def test_the_xero_file_has_xeros_bill_columns_and_adds_up_to_the_run(world):
    lines = categories(world.programme, world.manager)
    award = approved_award(
        world, lines=[(lines[0], 1, Decimal("6000")), (lines[1], 1, Decimal("3000")), (lines[2], 2, Decimal("1000"))]
    )
    paid_ready(world, award, due_on=dt.date(2026, 4, 1), amount="3333.33")
    run = money.payment_run_export(actor=world.manager, organisation=world.central, due_by=dt.date(2026, 4, 1))

    rows = list(csv.DictReader(io.StringIO(run.content)))
    assert list(rows[0].keys()) == XeroBills.COLUMNS
    assert {r["*AccountCode"] for r in rows} == {"5100", "5110", "5120"}  # split by the lines' finance codes
    assert sum(Decimal(r["*UnitAmount"]) for r in rows) == Decimal("3333.33") == run.total
    assert {r["*InvoiceNumber"] for r in rows} == {f"EXG-PAY-{run.items.get().payment_id}"}
    assert rows[0]["*DueDate"] == "01/04/2026" and rows[0]["*ContactName"] == world.partner_org.name


def test_a_payment_sent_to_finance_cannot_be_cancelled_here(world):
    payment = paid_ready(world, approved_award(world), due_on=dt.date(2026, 4, 1), amount="100.00")
    money.payment_run_export(actor=world.manager, organisation=world.central, due_by=dt.date(2026, 4, 1))
    with pytest.raises(TransitionRefused, match="went to finance in payment run"):
        services.payment_cancel(payment=payment, actor=world.manager, note="Wrong")


def test_another_organisations_manager_cannot_make_its_run(world):
    with pytest.raises(PermissionRefused):
        money.payment_run_export(actor=world.manager_b, organisation=world.central, due_by=dt.date(2026, 4, 1))


def test_recording_a_run_as_paid_releases_each_payment_with_the_reference(world):
    award = approved_award(world)
    first = paid_ready(world, award, due_on=dt.date(2026, 4, 1), amount="100.00")
    second = paid_ready(world, award, due_on=dt.date(2026, 4, 2), amount="200.00")
    run = money.payment_run_export(actor=world.manager, organisation=world.central, due_by=dt.date(2026, 4, 2))
    money.payment_run_record_paid(run=run, actor=world.manager, paid_on=dt.date(2026, 4, 3), reference="RUN-9")
    for payment in (first, second):
        payment.refresh_from_db()
        assert (payment.state, payment.paid_on, payment.reference) == ("paid", dt.date(2026, 4, 3), "RUN-9")


def test_the_command_writes_the_file_and_marks_the_payments(world, tmp_path):
    payment = paid_ready(world, approved_award(world), due_on=dt.date(2026, 4, 1), amount="750.00")
    out = tmp_path / "run.csv"
    call_command(
        "export_payment_run", "--due-by", "2026-04-30", "--format", "xero", "-o", str(out), "--user", "manager"
    )
    assert "750.00" in out.read_text()
    assert PaymentRunItem.objects.filter(payment=payment).exists()
    with pytest.raises(CommandError, match="already gone to finance"):
        call_command("export_payment_run", "--due-by", "2026-04-30", "-o", str(out), "--user", "manager")
    with pytest.raises(CommandError, match="is not a date"):
        call_command("export_payment_run", "--due-by", "soon", "-o", str(out), "--user", "manager")


def test_the_payment_runs_page_makes_a_run_and_downloads_its_file(world, client):
    paid_ready(world, approved_award(world), due_on=dt.date(2026, 4, 1), amount="750.00")
    client.force_login(world.manager)
    response = client.post(
        reverse("grants:payment_run_list"),
        {"due_by": "2026-04-30", "organisation": world.central.pk, "format": "xero"},
    )
    run = PaymentRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("grants:payment_run_detail", args=[run.pk])
    download = client.get(reverse("grants:payment_run_download", args=[run.pk]))
    assert download["Content-Type"].startswith("text/csv")
    assert download.content.decode() == run.content
    again = client.post(
        reverse("grants:payment_run_list"),
        {"due_by": "2026-04-30", "organisation": world.central.pk, "format": "xero"},
    )
    assert again.status_code == 200 and "already gone to finance" in again.content.decode()


def test_another_organisations_manager_and_partners_cannot_see_a_run(world, client):
    paid_ready(world, approved_award(world), due_on=dt.date(2026, 4, 1), amount="750.00")
    run = money.payment_run_export(actor=world.manager, organisation=world.central, due_by=dt.date(2026, 4, 1))
    for user in (world.manager_b, world.partner, world.funder):
        client.force_login(user)
        assert client.get(reverse("grants:payment_run_download", args=[run.pk])).status_code == 404
