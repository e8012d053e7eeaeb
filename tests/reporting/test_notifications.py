"""Notifications people can live with: per person and kind, an email straight away, a daily digest or the
inbox only (never off for what the grant requires); every reminder listed in the inbox whatever the choice."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from reporting import services
from reporting.models import NotificationPreference, SentReminder
from reporting.tasks import send_digests

D = dt.date


@pytest.fixture(autouse=True)
def reminder_settings(settings):
    settings.REPORTING_DUE_DAYS = 14
    settings.REMINDER_DAYS_BEFORE = 7
    settings.REMINDER_DAYS_AFTER = 3
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run(today: dt.date) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", today=today.isoformat(), stdout=StringIO())

    return run


def test_the_partner_chooses_on_the_page_and_cannot_switch_off_what_the_grant_requires(client, world):
    client.force_login(world.partner)
    page = client.get("/account/notifications/").content.decode()
    assert "Due soon (to partner)" in page and "Required by the grant" in page
    assert page.count('value="off"') == 2  # due soon and the managers' summary; never the overdue one
    refused = client.post("/account/notifications/", {"due_soon": "off", "overdue": "off", "manager_overdue": "off"})
    assert refused.status_code == 400 and "There is a problem" in refused.content.decode()
    assert not NotificationPreference.objects.exists()
    saved = client.post(
        "/account/notifications/", {"due_soon": "off", "overdue": "digest", "manager_overdue": "immediate"}
    )
    assert saved["Location"] == "/accounts/me/#notifications"
    assert services.notification_preferences_of(world.partner) == {
        "due_soon": "off",
        "overdue": "digest",
        "manager_overdue": "immediate",
    }
    account = client.get("/accounts/me/").content.decode()
    assert "No email: only in my inbox" in account and "Choose how you get reminders" in account
    with pytest.raises(ValidationError, match="cannot be switched off: the grant requires them"):
        services.notification_preferences_set(user=world.partner, choices={"overdue": "off"})


def test_off_and_digest_reminders_are_recorded_listed_and_the_digest_sends_once(
    client, world, award, run, django_capture_on_commit_callbacks
):
    services.notification_preferences_set(user=world.partner, choices={"due_soon": "off", "overdue": "digest"})
    run(D(2026, 4, 7))  # due soon: the partner chose no email
    assert mail.outbox == []
    due_soon = SentReminder.objects.get(kind="due_soon")
    assert (due_soon.delivery, due_soon.emailed_at) == ("off", None)

    run(D(2026, 4, 17))  # overdue: into the digest for the partner; the managers still get theirs at once
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.manager.email, world.second_manager.email])
    waiting = SentReminder.objects.get(kind="overdue")
    assert (waiting.delivery, waiting.emailed_at) == ("digest", None)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests.delay().get() == 1
    (digest,) = mail.outbox
    assert digest.to == [world.partner.email] and "1 reminder today" in digest.subject
    assert award.identifier in digest.body and "Overdue (to partner)" in digest.body
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digests_send() == 0  # each reminder goes in one digest only
    assert len(mail.outbox) == 1

    client.force_login(world.partner)
    inbox = client.get("/inbox/").content.decode()
    section = inbox.split('id="reminders"', 1)[1].split("</section>", 1)[0]
    assert "Reminders and notices" in section
    assert "Inbox only" in section and "In the daily digest" in section
    assert section.count(award.identifier) == 2
    api = client.get("/api/v1/inbox/").json()
    reminders = next(s for s in api["sections"] if s["key"] == "reminders")
    assert reminders["count"] == 2 and reminders["action"] is False


def test_nobody_else_sees_my_reminders(client, world, award, run):
    run(D(2026, 4, 7))
    client.force_login(world.partner_b)
    assert 'id="reminders"' not in client.get("/inbox/").content.decode()
    client.force_login(world.partner)
    assert 'id="reminders"' in client.get("/inbox/").content.decode()
