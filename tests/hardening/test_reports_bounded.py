"""Finding 2: no text can stop a report. Free text has a length a person would write, the PDF wraps any
run of characters, a report with a lot of text goes to the worker, which has a time limit, and a failed
render is kept and shown once with a way to try again (not rendered again on every request)."""

import datetime as dt
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse

from reporting import reports
from reporting.models import ProgressUpdate
from reporting.reports import store
from reporting.tasks import render_report_pdf
from tests.reports.conftest import accepted_update, renders  # noqa: F401
from workflow.text import NARRATIVE

from .conftest import start

# Every app of Exchange's own (its code lives in this repository), so a new room is checked the day it lands.
OURS = {
    app.label
    for app in apps.get_app_configs()
    if Path(app.path).is_relative_to(settings.BASE_DIR) and "site-packages" not in Path(app.path).parts
}
SYSTEM_WRITTEN = {
    "AuditEvent.detail",  # composed by Exchange itself, never typed by a person
    "PaymentRun.content",  # the payment run file as exported, kept to be downloaded again unchanged
}


def test_every_free_text_field_has_a_length_that_full_clean_checks():
    unbounded = []
    for model in apps.get_models():
        if model._meta.app_label not in OURS:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.TextField):
                if not field.max_length or not any(
                    getattr(v, "limit_value", None) == field.max_length for v in field.validators
                ):
                    unbounded.append(f"{model.__name__}.{field.name}")
    assert not set(unbounded) - SYSTEM_WRITTEN, unbounded


def test_fifty_thousand_characters_of_challenges_are_refused_by_the_api_and_the_page(client, api, world, award):
    update = start(award, world, dt.date(2026, 1, 5), dt.date(2026, 3, 31))
    wall = "x" * 50_000
    answer = api(world.partner).patch(f"/api/v1/updates/{update.pk}/", {"challenges": wall}, format="json")
    assert answer.status_code == 400 and "challenges" in answer.json()
    client.force_login(world.partner)
    page = client.post(reverse("reporting:update_edit", args=[update.pk]), {"progress": "Spring.", "challenges": wall})
    assert page.status_code == 400
    assert ProgressUpdate.objects.get(pk=update.pk).challenges == ""
    fits = api(world.partner).patch(f"/api/v1/updates/{update.pk}/", {"challenges": "y" * NARRATIVE}, format="json")
    assert fits.status_code == 200


@pytest.fixture
def wall_report(world, award, settings, tmp_path):
    """An award report quoting an accepted update whose challenges are one unbroken run (stored before the
    limit), with a right-to-left override in its progress."""
    settings.MEDIA_ROOT = tmp_path / "media"
    accepted_update(
        award,
        world,
        author=world.partner,
        reviewer=world.manager,
        period_start=dt.date(2026, 1, 5),
        period_end=dt.date(2026, 3, 31),
        progress="Printed as \u202eevil\u202c by a hostile paste",
    )
    ProgressUpdate.objects.filter(award=award).update(challenges="x" * 50_000)
    return reports.award_report(user=world.manager, pk=award.pk)


def test_the_pdf_gets_break_opportunities_and_no_bidi_controls(wall_report):
    html = store.render_html(wall_report)
    assert "x" * 31 not in html  # a zero-width space at least every 30 characters
    assert "\u202e" not in html and "evil" in html
    css = (store.TEMPLATE_DIR / "_print.css").read_text()
    # A run longer than its column still wraps (break-word), but ordinary words are never cut to fit a
    # narrow table column ("anywhere" printed headings as "Organisatio/ns").
    assert "overflow-wrap: break-word" in css and "overflow-wrap: anywhere" not in css


def test_a_report_with_a_lot_of_text_goes_to_the_worker(wall_report, settings):
    assert wall_report.kind == "award" and wall_report.is_large
    settings.REPORT_INLINE_MAX_CHARS = 10**9
    assert not wall_report.is_large


def test_the_worker_has_a_time_limit_and_keeps_the_failure(wall_report, settings, monkeypatch):
    assert render_report_pdf.soft_time_limit == settings.REPORT_TIME_LIMIT
    assert render_report_pdf.time_limit > render_report_pdf.soft_time_limit

    def too_slow(html):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(store, "render_pdf", too_slow)
    assert render_report_pdf(wall_report.storage_path, "<p>x</p>") == ""
    assert reports.failure(wall_report)
    with pytest.raises(reports.ReportFailed):
        reports.prepare(wall_report)


def test_a_failed_report_is_shown_once_and_tried_again_only_when_asked(client, api, world, wall_report, monkeypatch):
    attempts = []

    def broken(html):
        attempts.append(1)
        raise ValueError("WeasyPrint gave up")

    monkeypatch.setattr(store, "render_pdf", broken)
    url = reverse("reports:award", args=[wall_report_pk(wall_report)])
    client.force_login(world.manager)
    for _ in range(3):
        page = client.get(url)
        assert page.status_code == 200 and "could not be prepared" in page.content.decode()
        assert 'type="submit"' in page.content.decode() and "Try again" in page.content.decode()
    answer = api(world.manager).get(f"/api/v1/reports/award/{wall_report_pk(wall_report)}/")
    assert answer.status_code == 503 and answer.json()["status"] == "failed"
    assert len(attempts) == 1  # rendered once, not on every request
    monkeypatch.undo()
    retried = client.post(url)
    assert retried.status_code == 302
    assert client.get(url).status_code == 200
    assert reports.is_ready(wall_report) and not reports.failure(wall_report)


def wall_report_pk(report) -> int:
    from grants.models import Award

    return Award.objects.get(identifier=report.data["subject"]["identifier"]).pk
