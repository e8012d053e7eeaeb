"""A period to report on (from–to): only what happened in it, on the pages, the API and the worker's path."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from reporting import reports, tasks
from workflow.models import TransitionLog

from .conftest import build_award, pdf_text, response_bytes

SUMMER = reports.Period(dt.date(2026, 4, 1), dt.date(2026, 8, 31))
YEAR = reports.Period(dt.date(2025, 4, 1), dt.date(2026, 3, 31))


def boxes(start: tuple, end: tuple) -> dict:
    """The GOV.UK day, month and year boxes as the reports page's GET form sends them."""
    parts = ("day", "month", "year")
    return {f"from_{p}": v for p, v in zip(parts, start, strict=True)} | {
        f"to_{p}": v for p, v in zip(parts, end, strict=True)
    }


def test_a_period_leaves_out_the_updates_and_payments_outside_it(world):
    award = build_award(world)
    report = reports.award_report(user=world.funder, pk=award.pk, period=SUMMER)
    text = pdf_text(reports.pdf_bytes(report))
    a = report.data["awards"][0]

    # Updates: 5 Jan-31 Mar 2026 is outside; 1 Apr-20 Jul 2026 is in.
    assert [u["period_start"] for u in a["updates"]] == [dt.date(2026, 4, 1)]
    assert "Headteachers now visit each other every half term." in text
    assert "Twelve peer reviews completed" not in text
    # Payments: paid 1 May 2026 is in; paid 1 Feb 2026 and due 1 Sep 2026 (not paid) are out.
    assert [p["due_on"] for p in a["payments"]] == [dt.date(2026, 5, 1)]
    assert "£12,345.67" in text and "£10,000.00" not in text and "£7,654.33" not in text
    # Headline figures for the period: paid in it, spend in it (19,876.54 to date less 8,765.43 before it).
    totals = report.data["totals"]
    assert totals["paid"] == Decimal("12345.67")
    assert totals["spend"] == Decimal("11111.11")
    assert (totals["children"], totals["settings"], totals["accepted_updates"]) == (260, 6, 1)
    assert "£11,111.11" in text
    # Results from the period's updates only: the cumulative indicator is 140, not 120 + 140.
    indicators = {i["name"]: i["actual"] for i in a["indicators"]}
    assert indicators == {"Children reached": Decimal("140"), "Attendance": Decimal("93.4")}
    # The cover names the period.
    assert "PERIOD 1 April to 31 August 2026" in text
    assert "Headline figures for 1 April to 31 August 2026" in text


def test_without_a_period_the_report_is_the_whole_life_as_before(world):
    award = build_award(world)
    report = reports.award_report(user=world.funder, pk=award.pk)
    assert report.data["period"] is None
    assert report.data["totals"]["paid"] == Decimal("22345.67")
    assert report.data["totals"]["spend"] == Decimal("19876.54")
    assert "The whole life of the work" in pdf_text(reports.pdf_bytes(report))


def test_the_cover_names_a_period_across_two_years_and_only_its_steps(world):
    award = build_award(world)
    logs = TransitionLog.objects.filter(object_id=award.pk, content_type__model="award").order_by("at", "id")
    days = [dt.date(2025, 3, 3), dt.date(2025, 4, 14), dt.date(2025, 6, 2), dt.date(2026, 9, 1)]
    for log, day in zip(logs, days, strict=True):
        TransitionLog.objects.filter(pk=log.pk).update(at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))))

    report = reports.award_report(user=world.funder, pk=award.pk, period=YEAR)
    assert [s["at"].date() for s in report.data["awards"][0]["steps"]] == days[1:3]
    text = pdf_text(reports.pdf_bytes(report))
    assert "1 April 2025 to 31 March 2026" in text
    assert "14 April 2025" in text and "3 March 2025" not in text
    assert report.filename.startswith(f"impact-report-{award.identifier}-2025-04-01-to-2026-03-31-")


def test_each_period_has_its_own_fingerprint_and_stored_file(world):
    award = build_award(world)
    whole = reports.award_report(user=world.funder, pk=award.pk)
    summer = reports.award_report(user=world.funder, pk=award.pk, period=SUMMER)
    again = reports.award_report(user=world.funder, pk=award.pk, period=SUMMER)
    # Two periods in which nothing happened still differ: the period itself is in the fingerprint.
    empty = [
        reports.award_report(user=world.funder, pk=award.pk, period=reports.Period(dt.date(y, 1, 1), dt.date(y, 1, 2)))
        for y in (2030, 2031)
    ]
    assert summer.fingerprint == again.fingerprint
    prints = {whole.fingerprint, summer.fingerprint, empty[0].fingerprint, empty[1].fingerprint}
    assert len(prints) == 4
    assert len({whole.storage_path, summer.storage_path, empty[0].storage_path, empty[1].storage_path}) == 4


def test_the_page_downloads_a_period_from_the_date_boxes_or_one_date_each(world, client):
    award = build_award(world)
    client.force_login(world.funder)
    url = reverse("reports:award", args=[award.pk])
    for params in (boxes(("1", "4", "2026"), ("31", "8", "2026")), {"from": "2026-04-01", "to": "2026-08-31"}):
        response = client.get(url, params)
        assert response.status_code == 200
        assert "2026-04-01-to-2026-08-31" in response["Content-Disposition"]
        text = pdf_text(response_bytes(response))
        assert "1 April to 31 August 2026" in text and "£10,000.00" not in text


def test_the_reports_page_puts_the_period_on_every_link(world, client):
    award = build_award(world)
    client.force_login(world.funder)
    response = client.get(reverse("reports:index"), boxes(("1", "4", "2026"), ("31", "8", "2026")))
    body = response.content.decode()
    assert response.status_code == 200
    assert f'{reverse("reports:award", args=[award.pk])}?from=2026-04-01&amp;to=2026-08-31"' in body
    assert f'{reverse("reports:portfolio", args=[world.funder_org.pk])}?from=2026-04-01&amp;to=2026-08-31"' in body
    assert "The reports below cover 1 April to 31 August 2026." in body
    assert 'name="from_day" type="text" inputmode="numeric" value="1"' in body  # what was chosen stays


BAD = [
    (("1", "4", "2026"), ("1", "3", "2026"), "The period must end on or after the day it starts (1 April 2026)."),
    (("31", "2", "2026"), ("31", "8", "2026"), "31/2/2026 is not a real date: check the day and the month."),
    (("1", "1", "9999"), ("31", "12", "9999"), "is outside the dates Exchange accepts"),
    (("1", "1", "2026"), ("1", "1", "99999"), "The year must have four digits"),
    (("1", "4", "2026"), ("", "", ""), "Enter the last day of the period too"),
    (("1", "April", "2026"), ("x", "8", "2026"), "Write the date in numbers"),
]


@pytest.mark.parametrize(("start", "end", "words"), BAD)
def test_a_period_that_cannot_be_is_refused_in_words_keeping_what_was_typed(world, client, start, end, words):
    award = build_award(world) if start == BAD[0][0] else None
    client.force_login(world.funder)
    urls = [reverse("reports:index")] + ([reverse("reports:award", args=[award.pk])] if award else [])
    urls.append(reverse("reports:portfolio", args=[world.funder_org.pk]))
    for url in urls:
        response = client.get(url, boxes(start, end))
        body = response.content.decode()
        assert response.status_code == 400, url
        assert response["Content-Type"].startswith("text/html")
        assert "There is a problem" in body and words in body
        assert f'name="from_year" type="text" inputmode="numeric" value="{start[2]}"' in body


def test_the_api_takes_the_same_period_and_refuses_the_same_way(world):
    award = build_award(world)
    api = APIClient()
    api.force_authenticate(world.funder)
    url = f"/api/v1/reports/award/{award.pk}/"
    ok = api.get(url, {"from": "2026-04-01", "to": "2026-08-31"})
    assert ok.status_code == 200
    assert "1 April to 31 August 2026" in pdf_text(response_bytes(ok))
    refusals = {
        ("2026-04-01", "2026-03-01"): ("to", "The period must end on or after the day it starts"),
        ("9999-01-01", "9999-12-31"): ("from", "outside the dates Exchange accepts"),
        ("2026-02-31", "2026-08-31"): ("from", "Enter a valid date"),
        ("2026-04-01", ""): ("to", "Enter the last day of the period too"),
    }
    for (start, end), (field, words) in refusals.items():
        response = api.get(url, {"from": start, "to": end})
        assert response.status_code == 400, (start, end)
        assert words in " ".join(response.json()[field])
    # A bad period never tells a caller about an award they may not see: 404 first.
    stranger = APIClient()
    stranger.force_authenticate(world.partner_b)
    assert stranger.get(url, {"from": "2026-04-01", "to": "2026-03-01"}).status_code == 404


def test_the_worker_renders_the_period_asked_for(world, client, settings, monkeypatch):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued = []
    monkeypatch.setattr(tasks.render_report_pdf, "delay", lambda *args: queued.append(args))
    build_award(world)
    client.force_login(world.funder)
    url = reverse("reports:portfolio", args=[world.funder_org.pk])

    response = client.get(url, {"from": "2026-04-01", "to": "2026-08-31"})
    assert response.status_code == 202
    assert f"{url}?from=2026-04-01&amp;to=2026-08-31&amp;wait=1" in response.content.decode()
    whole = client.get(url)
    assert whole.status_code == 202
    assert len(queued) == 2 and queued[0][0] != queued[1][0]  # two stored files, one per period
    assert "1 April to 31 August 2026" in queued[0][1] and "1 April to 31 August 2026" not in queued[1][1]
    tasks.render_report_pdf(*queued[0])
    ready = client.get(url, {"from": "2026-04-01", "to": "2026-08-31"})
    assert ready["Content-Type"] == "application/pdf"
    assert "1 April to 31 August 2026" in pdf_text(response_bytes(ready))


def test_the_command_writes_a_period_and_refuses_one_that_cannot_be(world, tmp_path):
    from django.core.management import CommandError, call_command

    award = build_award(world)
    out = tmp_path / "summer.pdf"
    call_command(
        "impact_report", "--award", award.identifier, "--from", "2026-04-01", "--to", "2026-08-31", "-o", str(out)
    )
    text = pdf_text(out.read_bytes())
    assert "1 April to 31 August 2026" in text and "£10,000.00" not in text
    with pytest.raises(CommandError, match="The period must end on or after"):
        call_command("impact_report", "--award", award.identifier, "--from", "2026-04-01", "--to", "2026-03-01")
