"""Retention rules: drafts never submitted go after the set time, idle accounts are deactivated, each logged."""

import datetime as dt
import io
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone

from accounts import retention
from accounts.models import AuditEvent
from accounts.tasks import apply_retention
from grants import services as grant_services
from grants.models import Award
from grants.money.models import BudgetCategory, BudgetLine, MatchFunding
from reporting.models import Indicator, ProgressUpdate
from tests import factories as f
from tests.helpers import force_state


def _age(update, days):
    ProgressUpdate.objects.filter(pk=update.pk).update(updated_at=timezone.now() - dt.timedelta(days=days))


def test_old_drafts_go_and_recent_or_submitted_ones_stay(world, settings):
    settings.EXCHANGE_RETENTION_DRAFT_DAYS = 365
    award = f.AwardFactory(programme=world.programme)
    old = f.ProgressUpdateFactory(award=award, author=world.partner)
    recent = f.ProgressUpdateFactory(
        award=award, author=world.partner, period_start=dt.date(2026, 4, 1), period_end=dt.date(2026, 6, 30)
    )
    submitted = force_state(
        f.ProgressUpdateFactory(
            award=award, author=world.partner, period_start=dt.date(2026, 7, 1), period_end=dt.date(2026, 9, 30)
        ),
        "submitted",
    )
    _age(old, 400)
    _age(recent, 30)
    _age(submitted, 400)
    counts = retention.apply()
    assert counts["draft progress updates removed"] == 1
    assert set(ProgressUpdate.objects.values_list("pk", flat=True)) == {recent.pk, submitted.pk}
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.RETENTION, username="partner")
    assert f"Draft progress update {old.pk}" in event.detail and "365 days" in event.detail


def test_idle_accounts_are_deactivated_and_logged(world, settings):
    settings.EXCHANGE_RETENTION_IDLE_DAYS = 730
    now = timezone.now()
    type(world.funder).objects.filter(pk=world.funder.pk).update(last_login=now - dt.timedelta(days=800))
    type(world.partner).objects.filter(pk=world.partner.pk).update(last_login=now - dt.timedelta(days=10))
    never = f.UserFactory(username="never-came")
    type(never).objects.filter(pk=never.pk).update(date_joined=now - dt.timedelta(days=900), last_login=None)
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "2 idle accounts deactivated" in out.getvalue()
    world.funder.refresh_from_db()
    world.partner.refresh_from_db()
    never.refresh_from_db()
    assert not world.funder.is_active and not never.is_active and world.partner.is_active
    logged = set(AuditEvent.objects.filter(kind=AuditEvent.Kind.RETENTION).values_list("username", flat=True))
    assert {"funder", "never-came"} <= logged and "partner" not in logged


def test_the_worker_task_runs_the_same_rules_again_safely(world):
    assert apply_retention.delay().get()["idle accounts deactivated"] == 0
    assert apply_retention.delay().get()["idle accounts deactivated"] == 0
    summaries = AuditEvent.objects.filter(kind=AuditEvent.Kind.RETENTION, detail__startswith="Retention rules run")
    assert summaries.count() == 2


def _age_award(award, days):
    Award.objects.filter(pk=award.pk).update(updated_at=timezone.now() - dt.timedelta(days=days))


def test_draft_applications_never_submitted_go_with_what_was_written_on_them(world, settings):
    settings.EXCHANGE_RETENTION_DRAFT_DAYS = 365
    old = f.AwardFactory(programme=world.programme, recipient=world.partner_org, created_by=world.partner)
    f.IndicatorFactory(award=old)
    category = BudgetCategory.objects.create(programme=world.programme, name="Supply cover")
    BudgetLine.objects.create(award=old, category=category, year=1, requested=Decimal("2500.00"))
    MatchFunding.objects.create(award=old, source="The trust", amount=Decimal("500.00"))
    recent = f.AwardFactory(programme=world.programme, created_by=world.partner)
    submitted = grant_services.award_transition(
        award=f.AwardFactory(programme=world.programme, recipient=world.partner_org),
        name="submit",
        actor=world.partner,
    )
    withdrawn = grant_services.award_transition(
        award=f.AwardFactory(programme=world.programme, recipient=world.partner_org),
        name="withdraw",
        actor=world.partner,
        note="Not this year",
    )
    imported = f.AwardFactory(programme=world.programme, source_file="funder-grants.json")
    for award in (old, recent, submitted, withdrawn, imported):
        _age_award(award, 400 if award is not recent else 30)
    counts = retention.apply()
    assert counts["draft applications removed"] == 1
    assert not Award.objects.filter(pk=old.pk).exists()
    assert set(Award.objects.values_list("pk", flat=True)) == {recent.pk, submitted.pk, withdrawn.pk, imported.pk}
    assert not BudgetLine.objects.filter(award_id=old.pk).exists()
    assert not MatchFunding.objects.filter(award_id=old.pk).exists()
    assert not Indicator.objects.filter(award_id=old.pk).exists()
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.RETENTION, detail__startswith="Draft application")
    assert event.username == "partner"
    assert f"Draft application {old.pk} ({old.identifier} {old.title}) removed" in event.detail
    assert "365 days" in event.detail
    assert retention.apply()["draft applications removed"] == 0  # a second run finds nothing more
