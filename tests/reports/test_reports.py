"""Impact reports: the figures in the PDF reconcile with the database to the penny."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from grants.models import Payment
from reporting import reports
from reporting.models import ProgressUpdate
from tests import factories as f
from tests.helpers import force_state

from .conftest import build_award, pdf_pages, pdf_text


def gbp(value) -> str:
    return f"£{Decimal(value):,.2f}"


def today_uk() -> str:
    today = timezone.localdate()
    return f"{today.day} {today:%B %Y}"


def expected_award_figures(award):
    accepted = ProgressUpdate.objects.filter(award=award, state="accepted").order_by("-period_end", "-id")
    latest = accepted.first()
    return {
        "awarded": award.amount_awarded,
        "paid": Payment.objects.filter(award=award, state="paid").aggregate(t=Sum("amount"))["t"],
        "spend": latest.spend_to_date,
        "children": latest.children_reached,
        "settings": latest.settings_reached,
    }


def test_award_report_shows_figures_that_reconcile_with_the_database(world, renders):
    award = build_award(world)
    report = reports.award_report(user=world.funder, pk=award.pk)
    text = pdf_text(reports.pdf_bytes(report))
    expected = expected_award_figures(award)

    assert expected == {
        "awarded": Decimal("40000.00"),
        "paid": Decimal("22345.67"),
        "spend": Decimal("19876.54"),
        "children": 260,
        "settings": 6,
    }
    assert report.data["totals"]["awarded"] == expected["awarded"]
    assert report.data["totals"]["paid"] == expected["paid"]
    assert report.data["totals"]["spend"] == expected["spend"]
    assert (report.data["totals"]["children"], report.data["totals"]["settings"]) == (260, 6)
    for money in ("£40,000.00", "£22,345.67", "£19,876.54", "£7,654.33", "£12,345.67"):
        assert money in text
    assert "260 children reached" in text
    # Cover: funder, partnership, identifier; UK dates; page numbers from the @page counters.
    for words in (world.funder_org.name, world.partnership.name, award.identifier, f"Prepared {today_uk()}"):
        assert words in text
    assert "1 May 2026" in text  # a payment's paid-on date, UK style
    assert f"Page 1 of {pdf_pages(reports.pdf_bytes(report))}" in text
    # Timeline from the transition log.
    for step in ("Draft → Submitted", "Submitted → In assessment", "In assessment → Approved"):
        assert step in text
    # Indicators: cumulative results add up (120 + 140), the other takes the latest (93.4); accepted updates only.
    indicators = {i["name"]: i for i in report.data["awards"][0]["indicators"]}
    assert indicators["Children reached"]["actual"] == Decimal("260")
    assert indicators["Attendance"]["actual"] == Decimal("93.4")
    assert "actual 260" in text and "actual 93.4" in text
    assert "999" not in text
    # Highlights and challenges quoted from accepted updates only.
    assert "Headteachers now visit each other every half term." in text
    assert "One school left the triad after an Ofsted inspection." in text
    assert "never quoted" not in text
    assert "Birmingham" in text  # reach by local authority (the factories' local authority)


def test_award_report_file_name_has_identifier_and_date(world):
    award = build_award(world)
    report = reports.award_report(user=world.manager, pk=award.pk)
    assert report.filename == f"impact-report-{award.identifier}-{timezone.localdate():%Y-%m-%d}.pdf"


def test_project_report_counts_the_project_and_its_award_once(world):
    sandwell = f.LocalAuthorityFactory(
        name="Sandwell", gss_code="E08000028", dfe_code="333", sub_region=f.SubRegionFactory(name="Black Country")
    )
    project = f.ProjectFactory(
        partnership=world.partnership, lead_organisation=world.partner_org, children_reached=200, settings_reached=9
    )
    project = force_state(project, "in_delivery")
    f.ProjectPartnerFactory(
        project=project, organisation=f.OrganisationFactory(name="Oak Hill", local_authority=sandwell)
    )
    award = build_award(world, project=project)
    report = reports.project_report(user=world.funder, pk=project.pk)
    text = pdf_text(reports.pdf_bytes(report))

    # The award's latest accepted update says 260 children, the project 200: one piece of work, counted at 260;
    # settings reached: the project's 9 beats the award's 6.
    assert (report.data["totals"]["children"], report.data["totals"]["settings"]) == (260, 9)
    assert "£40,000.00" in text and "£22,345.67" in text and "£19,876.54" in text
    assert project.reference in text and award.identifier in text
    assert "Black Country" in text and "Sandwell" in text and "Oak Hill" not in text  # places, not names
    reach = {row["local_authority"]: row for row in report.data["reach"]}
    assert reach["Sandwell"]["organisations"] == 1
    assert reach["Birmingham"]["children"] == 260
    assert [g["sub_region"] for g in report.data["reach_by_sub_region"]] == ["Birmingham", "Black Country"]


def test_partnership_report_adds_up_every_award_to_the_penny(world):
    world.programme.budget = Decimal("200000.00")
    world.programme.save()
    first = build_award(world, amount="40000.00", partnership=world.partnership)
    second = build_award(world, amount="35000.50", partnership=world.partnership)
    other = build_award(world, programme=world.programme_b, recipient=world.partner_org_b, amount="30000.00")
    report = reports.partnership_report(user=world.manager, pk=world.partnership.pk)
    text = pdf_text(reports.pdf_bytes(report))

    awards = [first, second]
    awarded = sum(a.amount_awarded for a in awards)
    paid = Payment.objects.filter(award__in=awards, state="paid").aggregate(t=Sum("amount"))["t"]
    assert awarded == Decimal("75000.50")
    assert report.data["totals"]["awarded"] == awarded
    assert report.data["totals"]["paid"] == paid
    assert report.data["totals"]["spend"] == Decimal("39753.08")
    assert gbp(awarded) in text and gbp(paid) in text and "£39,753.08" in text
    assert other.identifier not in text
    # Indicators across awards: cumulative ones add up, the others are averaged.
    totals = {i["name"]: i for i in report.data["indicator_totals"]}
    assert totals["Children reached"]["actual"] == Decimal("520")
    assert totals["Children reached"]["target"] == Decimal("1000")
    assert totals["Attendance"]["actual"] == Decimal("93.40")


def test_portfolio_report_has_a_table_per_partnership(world):
    world.programme.budget = Decimal("200000.00")
    world.programme.save()
    second_partnership = f.PartnershipFactory(name="Black Country Schools Alliance", lead_organisation=world.central)
    in_wm = build_award(world, amount="40000.00")
    in_bc = build_award(world, amount="30000.00", partnership=second_partnership)
    foreign = build_award(world, programme=world.programme_b, recipient=world.partner_org_b, amount="30000.00")

    report = reports.portfolio_report(user=world.funder, pk=world.funder_org.pk)
    text = pdf_text(reports.pdf_bytes(report))

    groups = {g["name"]: g for g in report.data["by_partnership"]}
    assert set(groups) == {world.partnership.name, second_partnership.name}
    assert groups[second_partnership.name]["awarded"] == Decimal("30000.00")
    assert groups[second_partnership.name]["children"] == 260
    assert in_wm.identifier in text and in_bc.identifier in text and foreign.identifier not in text
    assert "Partnership total" in text
    assert "£70,000.00" in text and "£44,691.34" in text  # awarded and paid across the portfolio
    assert report.filename.startswith(f"impact-report-portfolio-{world.funder_org.identifier}-")


def test_manager_portfolio_covers_only_the_programmes_they_manage(world):
    shared = f.ProgrammeFactory(name="Shared fund", funder=world.funder_org, managed_by=world.central_b)
    ours = build_award(world, amount="30000.00")
    theirs = build_award(world, programme=shared, recipient=world.partner_org_b, amount="30000.00")

    manager_view = reports.portfolio_report(user=world.manager, pk=world.funder_org.pk)
    funder_view = reports.portfolio_report(user=world.funder, pk=world.funder_org.pk)
    assert [a["label"] for a in manager_view.data["awards"]] == [ours.identifier]
    assert {a["label"] for a in funder_view.data["awards"]} == {ours.identifier, theirs.identifier}
    with pytest.raises(reports.ReportNotFound):
        reports.portfolio_report(user=world.partner, pk=world.funder_org.pk)


def test_award_with_no_updates_indicators_or_payments_renders_cleanly(world):
    award = f.AwardFactory(programme=world.programme, recipient=world.partner_org)
    award = force_state(award, "submitted")
    text = pdf_text(reports.pdf_bytes(reports.award_report(user=world.funder, pk=award.pk)))
    assert "No progress updates have been accepted yet." in text
    assert "No outcome indicators have been set" in text
    assert "No payments have been scheduled yet." in text
    assert "£0.00" in text


def test_very_long_text_renders_over_several_pages(world):
    long_word = "Collaboration" * 40
    paragraph = ("Schools across Walsall and Wolverhampton shared lesson plans and coaching. " * 60 + "\n\n") * 8
    award = build_award(world)
    f.IndicatorFactory(
        award=award, name=("A very long indicator name " * 7).strip(), unit="points", target=Decimal("12.5")
    )
    update = ProgressUpdate.objects.filter(award=award, state="accepted").first()
    ProgressUpdate.objects.filter(pk=update.pk).update(progress=paragraph + long_word, challenges=paragraph)
    award.__class__.objects.filter(pk=award.pk).update(title=("Peer review " * 16).strip())
    data = reports.pdf_bytes(reports.award_report(user=world.manager, pk=award.pk))
    assert pdf_pages(data) > 4
    text = pdf_text(data)
    assert "Schools across Walsall and Wolverhampton shared lesson plans" in text
    assert f"Page {pdf_pages(data)} of {pdf_pages(data)}" in text


def test_gathering_takes_the_same_number_of_queries_for_one_award_or_many(world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world.programme.budget = Decimal("1000000.00")
    world.programme.save()
    build_award(world, amount="30000.00")

    def count():
        world.funder.__dict__.pop("_exchange_roles", None)
        with CaptureQueriesContext(connection) as ctx:
            reports.portfolio_report(user=world.funder, pk=world.funder_org.pk)
        return len(ctx.captured_queries)

    count()  # caches warm (content types, looked up once per process), as on a running site
    one = count()
    for _ in range(4):
        build_award(world, amount="30000.00")
    assert count() == one
    # 12, and since budget against actual and variations joined the reports, 13; co-funding's shares, 14;
    # the list of evidence sent with the accepted updates, 15
    assert one <= 15


def test_updates_after_the_fact_change_the_figures_and_the_fingerprint(world):
    award = build_award(world)
    before = reports.award_report(user=world.funder, pk=award.pk)
    again = reports.award_report(user=world.funder, pk=award.pk)
    assert before.fingerprint == again.fingerprint
    update = ProgressUpdate.objects.filter(award=award, state="submitted").get()
    from reporting.services import update_transition

    update_transition(update=update, name="accept", actor=world.manager)
    after = reports.award_report(user=world.funder, pk=award.pk)
    assert after.fingerprint != before.fingerprint
    assert after.data["totals"]["spend"] == Decimal("30000.00")
    assert after.data["awards"][0]["indicators"][1]["actual"] == Decimal("1259")  # 120 + 140 + 999


def test_funder_sees_only_accepted_updates_even_when_partner_drafts_exist(world):
    award = build_award(world)
    f.ProgressUpdateFactory(award=award, author=world.partner, progress="A draft the funder must not read.")
    text = pdf_text(reports.pdf_bytes(reports.award_report(user=world.funder, pk=award.pk)))
    assert "must not read" not in text


@pytest.mark.parametrize("when", [dt.date(2026, 11, 23)])
def test_uk_formats(when):
    from reporting.templatetags.report_format import figure, gbp, uk_date

    assert uk_date(when) == "23 November 2026"
    assert uk_date(dt.datetime(2026, 3, 1, 0, 30, tzinfo=dt.UTC)) == "1 March 2026"
    assert gbp(Decimal("1234.5")) == "£1,234.50"
    assert gbp(Decimal("-5")) == "-£5.00"
    assert gbp(None) == "—"
    assert figure(Decimal("1240.00")) == "1,240"
    assert figure(Decimal("-0.20")) == "-0.2"


def test_portfolio_counts_a_funded_projects_reach_once_in_its_partnership(world):
    project = f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org, children_reached=900)
    force_state(project, "in_delivery")
    award = build_award(world, project=project)  # its own latest update says 260 children
    report = reports.portfolio_report(user=world.funder, pk=world.funder_org.pk)
    (group,) = report.data["by_partnership"]
    assert group["children"] == 900 == report.data["totals"]["children"]
    assert [a["label"] for a in group["awards"]] == [award.identifier]
    assert "in project" in pdf_text(reports.pdf_bytes(report))


def test_completed_evaluations_are_reported_and_drafts_are_not(world):
    from reporting.services import evaluation_complete

    from .conftest import walk_award

    award = walk_award(build_award(world), world, "begin_evaluation")
    draft = f.EvaluationFactory(award=award, author=world.manager, lessons="A draft lesson nobody has agreed.")
    done = f.EvaluationFactory(
        award=award,
        author=world.manager,
        evaluator_name="Midlands Evaluation Collective",
        lessons="Pair headteachers across trusts, not within them.",
    )
    evaluation_complete(evaluation=done, actor=world.manager)
    report = reports.award_report(user=world.funder, pk=award.pk)
    text = pdf_text(reports.pdf_bytes(report))
    assert "Met its aims" in text and "stage of improvement reached: Improve" in text
    assert "Pair headteachers across trusts, not within them." in text
    assert "Midlands Evaluation Collective" in text
    assert draft.lessons not in text
    portfolio = reports.portfolio_report(user=world.funder, pk=world.funder_org.pk)
    assert portfolio.data["totals"]["evaluations"] == 1
    assert "Pair headteachers across trusts" in pdf_text(reports.pdf_bytes(portfolio))


def test_portfolio_leaves_out_applications_drafts_declined_and_withdrawn(world):
    live = build_award(world, amount="40000.00")
    draft = f.AwardFactory(programme=world.programme, recipient=world.partner_org, title="Still a draft")
    submitted = force_state(
        f.AwardFactory(programme=world.programme, recipient=world.partner_org, title="Applied"), "submitted"
    )
    declined = force_state(
        f.AwardFactory(programme=world.programme, recipient=world.partner_org, title="Turned down"), "declined"
    )
    closed = force_state(
        f.AwardFactory(programme=world.programme, recipient=world.partner_org, title="Finished"), "closed"
    )

    report = reports.portfolio_report(user=world.funder, pk=world.funder_org.pk)
    labels = {a["label"] for a in report.data["awards"]}
    assert labels == {live.identifier, closed.identifier}
    assert not labels & {draft.identifier, submitted.identifier, declined.identifier}
    assert report.data["totals"]["awards"] == 2


def test_the_award_report_lists_the_evidence_sent_with_each_accepted_update(world, renders):
    from django.core.files.base import ContentFile

    from reporting.models import EvidenceFile
    from reporting.services import update_transition

    award = build_award(world)
    draft = f.ProgressUpdateFactory(
        award=award, author=world.partner, period_start=dt.date(2026, 9, 1), period_end=dt.date(2026, 12, 31)
    )
    kept = EvidenceFile(
        update=draft, original_name="Attendance-register-autumn.xlsx", content_type="application/pdf", size=2048
    )
    kept.file.save("upload", ContentFile(b"%PDF-1.4 evidence"), save=False)
    kept.save()
    withheld = f.ProgressUpdateFactory(
        award=award, author=world.partner, period_start=dt.date(2027, 1, 1), period_end=dt.date(2027, 3, 31)
    )
    secret = EvidenceFile(update=withheld, original_name="Still-a-draft.pdf", content_type="application/pdf", size=9)
    secret.file.save("upload", ContentFile(b"%PDF-1.4 draft"), save=False)
    secret.save()
    update_transition(
        update=update_transition(update=draft, name="submit", actor=world.partner), name="accept", actor=world.manager
    )

    report = reports.award_report(user=world.funder, pk=award.pk)
    text = pdf_text(reports.pdf_bytes(report))
    assert "Evidence sent with this update" in text and "Attendance-register-autumn.xlsx (2.0 KB)" in text
    assert "Still-a-draft.pdf" not in text  # only what came with accepted updates, as the funder sees them
