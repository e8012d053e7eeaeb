import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from reporting import services
from reporting.models import SentReminder
from reporting.services import reminders
from reporting.tasks import send_reminders
from tests import factories as f

from .conftest import start

D = dt.date
# The award's spring term ends 31 March 2026, so its report is due 14 April 2026.


@pytest.fixture(autouse=True)
def reminder_settings(settings):
    settings.REPORTING_DUE_DAYS = 14
    settings.REMINDER_DAYS_BEFORE = 7
    settings.REMINDER_DAYS_AFTER = 3
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """The daily job as it runs in production: its transactions commit, so the emails go out."""

    def run(today: dt.date) -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", today=today.isoformat(), stdout=out)
        return out.getvalue()

    return run


def test_partner_is_reminded_before_the_due_date_once(world, award, run):
    assert "0 due soon" in run(D(2026, 4, 6))  # eight days before: too early
    assert mail.outbox == []
    assert "1 due soon" in run(D(2026, 4, 7))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.partner.email]
    assert award.identifier in message.subject and "14 April" in message.subject
    assert "Spring term 2026" in message.body and "/updates/" in message.body
    # Running again — the same day or the next — sends nothing more.
    assert "0 due soon" in run(D(2026, 4, 7))
    run(D(2026, 4, 8))
    assert len(mail.outbox) == 1
    assert SentReminder.objects.get().kind == "due_soon"


def test_overdue_reminds_partner_and_tells_managers_once(world, award, run):
    run(D(2026, 4, 16))  # two days late: not yet
    assert mail.outbox == []
    output = run(D(2026, 4, 17))
    assert "1 overdue (partners), 2 overdue summaries" in output
    recipients = sorted(m.to[0] for m in mail.outbox)
    # The partner, and each manager of the programme (two) in one summary each.
    assert recipients == sorted([world.partner.email, world.manager.email, world.second_manager.email])
    summary = next(m for m in mail.outbox if m.to == [world.manager.email])
    assert "3 days late" in summary.body and award.identifier in summary.body
    partner_mail = next(m for m in mail.outbox if m.to == [world.partner.email])
    assert "overdue" in partner_mail.subject.lower() and "3 days late" in partner_mail.body
    before = len(mail.outbox)
    run(D(2026, 4, 17))
    run(D(2026, 4, 30))
    assert len(mail.outbox) == before  # idempotent


def test_no_reminders_once_submitted_and_other_partnership_untouched(world, award, award_b, run):
    update = start(award, world, D(2026, 1, 5), D(2026, 3, 31))
    services.update_submit(update=update, actor=world.partner)
    run(D(2026, 4, 20))
    assert world.partner.email not in [m.to[0] for m in mail.outbox]
    assert not [m for m in mail.outbox if award.identifier in m.body]
    # The other partnership's overdue award goes to its own partner and manager only.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.partner_b.email, world.manager_b.email])
    assert all(award_b.identifier in m.body for m in mail.outbox)


def test_extension_gets_its_own_reminder(world, award, run):
    run(D(2026, 4, 10))
    assert len(mail.outbox) == 1
    services.due_date_extend(
        actor=world.manager, award=award, period_end=D(2026, 3, 31), new_due_on=D(2026, 4, 28), reason="Ofsted."
    )
    run(D(2026, 4, 17))  # no longer overdue: nothing
    assert len(mail.outbox) == 1
    run(D(2026, 4, 22))  # a week before the new date
    assert len(mail.outbox) == 2 and "28 April" in mail.outbox[-1].subject


def test_partners_without_email_or_inactive_are_skipped(world, award, run):
    world.partner.email = ""
    world.partner.save()
    other = f.UserFactory(username="inactive", is_active=False)
    f.MembershipFactory(user=other, organisation=world.partner_org, role="partner")
    run(D(2026, 4, 10))
    assert mail.outbox == []


def test_celery_task_runs_the_same_reminders(world, award, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders.delay("2026-04-10").get() == {"due_soon": 1, "overdue": 0, "manager_overdue": 0}
        assert send_reminders("2026-04-10") == {"due_soon": 0, "overdue": 0, "manager_overdue": 0}
    assert len(mail.outbox) == 1


def test_same_reminder_key_recorded_at_once_by_two_runs_is_sent_once(world, django_capture_on_commit_callbacks):
    # Two runs racing past the "already sent" check: the unique key lets only one of them send.
    args = {
        "kind": "due_soon",
        "user": world.partner,
        "period_reprs": ["X, Spring"],
        "due_on": [D(2026, 4, 14)],
        "template": "reminder_manager_overdue",
        "context": {"user": world.partner, "periods": [], "url": "http://x/"},
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders._send_once(["k1"], **args) is True
        assert reminders._send_once(["k1"], **args) is False
    assert len(mail.outbox) == 1


def test_reminder_is_recorded_in_the_transaction_and_emailed_only_after_commit(
    world, award, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        assert reminders.reminders_send(today=D(2026, 4, 10))["due_soon"] == 1
        # Recorded inside the transaction; nothing sent while it could still roll back.
        assert SentReminder.objects.get().email == world.partner.email
        assert mail.outbox == []
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [[world.partner.email]]


def test_reminders_of_a_rolled_back_run_are_neither_recorded_nor_sent(world, award, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            assert reminders.reminders_send(today=D(2026, 4, 10))["due_soon"] == 1
            raise RuntimeError("the job failed after deciding")
    assert callbacks == [] and mail.outbox == []
    assert not SentReminder.objects.exists()
