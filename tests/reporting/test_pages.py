"""The pages, through the test client, as a partner and a manager would use them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants import services as grant_services
from grants.models import Payment
from reporting import services
from reporting.models import DueDateExtension, EvidenceFile, ProgressUpdate
from workflow.errors import TransitionRefused

from .conftest import start

D = dt.date


def page(response) -> str:
    return response.content.decode()


def test_partner_reports_manager_requests_changes_then_accepts_and_payment_is_released(client, world, award, media):
    assert client.login(username="partner", password="exchange-test")
    due = page(client.get(reverse("reporting:due")))
    assert award.identifier in due and "Spring term 2026" in due and "Start update" in due

    response = client.post(
        reverse("reporting:update_start"),
        {"kind": "award", "subject": award.pk, "period_start": "2026-01-05", "period_end": "2026-03-31"},
    )
    update = ProgressUpdate.objects.get(award=award)
    assert response.url == reverse("reporting:update_edit", args=[update.pk])
    # The manager holds a payment on this update.
    payment = grant_services.payment_schedule(
        award=award, due_on=D(2026, 4, 30), amount=Decimal("10000.00"), actor=world.manager, gated_on_update=update
    )

    edit_url = reverse("reporting:update_edit", args=[update.pk])
    children = award.indicators.get(name="Children reached")
    attendance = award.indicators.get(name="Attendance")
    form = page(client.get(edit_url))
    assert "Children reached (children)" in form and "Attendance (%)" in form

    # A mistake: the typed text stays, the error summary lists each problem and links to its field.
    bad = {
        "progress": "Twelve peer reviews across Walsall and Sandwell.",
        "challenges": "Supply cover.",
        "next_steps": "Summer cohort.",
        "spend_to_date": "12,500",
        f"result_{children.pk}": "lots",
        f"result_{attendance.pk}": "140",
        f"result_{children.pk}_note": "Two cohorts",
    }
    response = client.post(edit_url, bad)
    html = page(response)
    assert response.status_code == 400
    assert "There is a problem" in html and "govuk-error-summary" in html
    assert f'href="#id_result_{children.pk}"' in html
    assert "Children reached must be a number" in html and "between 0 and 100" in html
    assert "Twelve peer reviews across Walsall and Sandwell." in html and 'value="lots"' in html
    assert not update.results.exists()

    good = bad | {
        f"result_{children.pk}": "120",
        f"result_{attendance.pk}": "93.5",
        "evidence": SimpleUploadedFile("../../etc/passwd", b"peer review visit notes\n"),
    }
    response = client.post(edit_url, good)
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.spend_to_date == Decimal("12500") and update.results.count() == 2
    evidence = EvidenceFile.objects.get(update=update)
    assert evidence.original_name == "passwd" and "passwd" not in evidence.file.name

    response = client.post(reverse("reporting:update_transition", args=[update.pk, "submit"]), {"note": ""})
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.state == "submitted"

    # The payment cannot be released before the update is accepted.
    with pytest.raises(TransitionRefused, match="held until the progress update"):
        grant_services.payment_transition(payment=payment, name="approve", actor=world.manager)

    # The manager sees it in the review queue and asks for changes.
    client.logout()
    assert client.login(username="manager", password="exchange-test")
    queue = page(client.get(reverse("reporting:review_queue")))
    assert reverse("reporting:update_detail", args=[update.pk]) in queue
    detail = page(client.get(reverse("reporting:update_detail", args=[update.pk])))
    assert "Accept" in detail and "Request changes" in detail and "Twelve peer reviews" in detail
    step = reverse("reporting:update_transition", args=[update.pk, "request_changes"])
    response = client.post(step, {"note": ""}, follow=True)
    assert "needs a note" in page(response)
    client.post(step, {"note": "Please split the children by local authority."})
    update.refresh_from_db()
    assert update.state == "changes_requested"

    # The partner reads the note, edits and resubmits.
    client.logout()
    client.login(username="partner", password="exchange-test")
    detail = page(client.get(reverse("reporting:update_detail", args=[update.pk])))
    assert "Please split the children by local authority." in detail and "Edit update" in detail
    from tests import factories as f

    walsall = f.LocalAuthorityFactory(name="Walsall", gss_code="E08000030", dfe_code="335")
    response = client.post(
        edit_url, good | {"evidence": "", "reach_0_la": walsall.pk, "reach_0_settings": "4", "reach_0_children": "120"}
    )
    assert response.status_code == 302
    client.post(reverse("reporting:update_transition", args=[update.pk, "resubmit"]), {"note": "Split added."})
    update.refresh_from_db()
    assert (update.state, update.children_reached) == ("resubmitted", 120)

    # The manager accepts; the update is locked and the payment can now be released.
    client.logout()
    client.login(username="manager", password="exchange-test")
    client.post(reverse("reporting:update_transition", args=[update.pk, "accept"]), {"note": "Thank you."})
    update.refresh_from_db()
    assert update.state == "accepted"
    payment = grant_services.payment_transition(payment=payment, name="approve", actor=world.manager)
    payment = grant_services.payment_transition(payment=payment, name="release", actor=world.manager)
    assert payment.state == Payment.State.PAID

    client.logout()
    client.login(username="partner", password="exchange-test")
    response = client.get(edit_url, follow=True)
    assert "accepted, so it is locked" in page(response)


def test_partner_cannot_open_another_partners_update(client, world, award):
    update = start(award, world, D(2026, 1, 5), D(2026, 3, 31))
    client.force_login(world.partner_b)
    for name in ("reporting:update_detail", "reporting:update_edit"):
        assert client.get(reverse(name, args=[update.pk])).status_code == 404
    response = client.post(reverse("reporting:update_transition", args=[update.pk, "submit"]))
    assert response.status_code == 404
    assert client.get(reverse("reporting:due")).content.decode().count(award.identifier) == 0


def test_overdue_page_lists_days_late_and_filters(client, world, award, award_b):
    client.force_login(world.manager)
    html = page(client.get(reverse("reporting:overdue") + f"?programme={world.programme.pk}"))
    assert award.identifier in html and award_b.identifier not in html
    assert "days late" in html
    assert client.get(reverse("reporting:overdue") + f"?programme={world.programme_b.pk}").status_code == 404


def test_schedule_page_extends_a_due_date_with_a_reason(client, world, award):
    url = reverse("reporting:schedule", args=["award", award.pk])
    client.force_login(world.manager)
    assert "Spring term 2026" in page(client.get(url))
    response = client.post(url, {"action": "extend", "period_end": "2026-03-31", "new_due_on": "2026-05-01"})
    assert response.status_code == 400 and "There is a problem" in page(response)
    response = client.post(
        url, {"action": "extend", "period_end": "2026-03-31", "new_due_on": "2026-05-01", "reason": "Ofsted week."}
    )
    assert response.status_code == 302
    extension = DueDateExtension.objects.get()
    assert (extension.extended_by, extension.reason) == (world.manager, "Ofsted week.")
    assert "Ofsted week." in page(client.get(url))
    client.force_login(world.partner)
    response = client.post(
        url, {"action": "extend", "period_end": "2026-03-31", "new_due_on": "2026-06-01", "reason": "Please"}
    )
    assert response.status_code == 400 and DueDateExtension.objects.count() == 1


def test_review_queue_query_count_is_flat(client, world, award, django_assert_max_num_queries):
    for period in [(D(2026, 1, 5), D(2026, 3, 31)), (D(2026, 4, 1), D(2026, 8, 31)), (D(2026, 9, 1), D(2026, 12, 18))]:
        services.update_submit(update=start(award, world, *period), actor=world.partner)
    client.force_login(world.manager)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("reporting:review_queue"))
    assert page(response).count("/updates/") >= 3


def test_refused_evidence_file_keeps_the_form_and_saves_nothing(client, world, award, media):
    update = start(award, world, D(2026, 1, 5), D(2026, 3, 31), progress="First draft.")
    client.force_login(world.partner)
    exe = SimpleUploadedFile("report.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    response = client.post(
        reverse("reporting:update_edit", args=[update.pk]), {"progress": "Second draft.", "evidence": exe}
    )
    html = page(response)
    assert response.status_code == 400
    assert "whatever its name says" in html and "Second draft." in html
    update.refresh_from_db()
    assert update.progress == "First draft." and not update.evidence.exists()


def test_due_and_overdue_pages_query_count_does_not_grow(client, world, project, django_assert_max_num_queries):
    from tests import factories as f

    from .conftest import walk_award

    for _ in range(5):
        award = walk_award(f.AwardFactory(programme=world.programme, recipient=world.partner_org), world)
        services.update_submit(update=start(award, world, D(2026, 1, 5), D(2026, 3, 31)), actor=world.partner)
    client.force_login(world.manager)
    with django_assert_max_num_queries(10):
        overdue = client.get(reverse("reporting:overdue") + "?show=awaiting_review")
    assert overdue.context["page"].paginator.count == 5
    assert page(overdue).count('<tr class="govuk-table__row">') == 1 + 5  # the heading and a row each
    client.force_login(world.partner)
    with django_assert_max_num_queries(8):
        due = client.get(reverse("reporting:due"))
    assert page(due).count("Start update") >= 10
