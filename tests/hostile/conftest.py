"""Side A's work, fully built (a project and an award in delivery, a payment, a submitted update with a
result and an evidence file, a schedule, an evaluation, history and money logs), every title carrying
SECRET so a test can tell whether any of it reached side B."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import OrganisationMembership
from grants import services as grant_services
from partnerships import services as partnership_services
from reporting import selectors as reporting_selectors
from reporting import services as reporting_services
from tests import factories as f
from workflow.models import MoneyChange, TransitionLog

SECRET = "Zq7-SIDE-A-SECRET"
SPRING = (dt.date(2026, 1, 5), dt.date(2026, 3, 31))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def walk_award(award, world, manager=None, partner=None):
    award = grant_services.award_transition(award=award, name="submit", actor=partner or world.partner)
    for name in ("start_assessment", "approve", "activate"):
        award = grant_services.award_transition(award=award, name=name, actor=manager or world.manager)
    return award


def walk_project(project, world):
    project = partnership_services.project_transition(project=project, name="propose", actor=world.partner)
    for name in ("start_review", "approve", "start_delivery"):
        project = partnership_services.project_transition(project=project, name=name, actor=world.manager)
    return project


@pytest.fixture
def side_a(world, media):
    project = walk_project(
        f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org, title=f"{SECRET} project"),
        world,
    )
    award = f.AwardFactory(
        programme=world.programme,
        recipient=world.partner_org,
        partnership=world.partnership,
        project=project,
        title=f"{SECRET} award",
        description=SECRET,
        amount_requested=Decimal("40000.00"),
        planned_start=dt.date(2026, 1, 5),
        planned_end=dt.date(2026, 12, 18),
        reporting_frequency="termly",
    )
    indicator = f.IndicatorFactory(award=award, name=f"{SECRET} indicator", target=Decimal("500"))
    award = walk_award(award, world)
    payment = grant_services.payment_schedule(
        award=award, due_on=dt.date(2026, 3, 31), amount=Decimal("1000.00"), actor=world.manager
    )
    update = reporting_services.update_start(
        actor=world.partner, award=award, period_start=SPRING[0], period_end=SPRING[1]
    )
    update = reporting_services.update_edit(update=update, actor=world.partner, progress=f"{SECRET} progress")
    result = f.IndicatorResultFactory(update=update, indicator=indicator, value=Decimal("120"))
    evidence = reporting_services.evidence_add(
        update=update,
        actor=world.partner,
        upload=SimpleUploadedFile(f"{SECRET}.txt", f"{SECRET} evidence\n".encode()),
    )
    update = reporting_services.update_transition(update=update, name="submit", actor=world.partner)
    evaluation = f.EvaluationFactory(award=award, outcomes=f"{SECRET} outcomes", author=world.manager)
    schedule = reporting_selectors.schedule_for(award)
    if schedule is None:
        schedule = reporting_services.schedule_save(
            actor=world.manager, award=award, frequency="termly", starts_on=SPRING[0], ends_on=dt.date(2026, 12, 18)
        )
    membership = OrganisationMembership.objects.filter(user=world.partner).first()
    assessment_objects = _side_a_assessment(world)
    support = _support_side_a(world)
    money_objects = _side_a_money(world, award)
    return {
        **assessment_objects,
        **support,
        **money_objects,
        "partnership": world.partnership,
        "project": project,
        "programme": world.programme,
        "award": award,
        "payment": payment,
        "indicator": indicator,
        "update": update,
        "result": result,
        "evidence": evidence,
        "evaluation": evaluation,
        "schedule": schedule,
        "funder": world.funder_org,
        "organisation": world.partner_org,
        "transition": TransitionLog.objects.filter(object_repr__contains=SECRET).order_by("pk").first()
        or TransitionLog.objects.order_by("pk").first(),
        "money": MoneyChange.objects.order_by("pk").first(),
        "membership": membership,
        "user": world.partner,
    }


def _side_a_assessment(world):
    """A call, a submitted application with a school in the bid, an assessment with scores and a
    detected conflict, all side A's, their words carrying SECRET."""
    from assessment import services as assessment_services
    from tests.assessment.builders import open_assignment, open_call, score_all, submitted_application
    from tests.conftest import Role, member

    call = open_call(world.manager, world.programme, title=f"{SECRET} call")
    application = submitted_application(call, world.partner, world.partner_org, title=f"{SECRET} bid", files=1)
    assessor = member(Role.PARTNER, f.OrganisationFactory(name="Side A assessor trust"), username="assessor_a")
    assignment = score_all(open_assignment(application, world.manager, assessor), assessor, [4, 3, 7])
    insider = member(Role.PARTNER, world.partner_org, username="insider_a")
    conflicted = assessment_services.assessor_assign(application=application, actor=world.manager, assessor=insider)
    return {
        "call": call,
        "application": application,
        "assessment": assignment,
        "conflict": conflicted.conflict,
        "bid_organisation": application.organisations.first(),
        "criterion": call.criteria.first(),
        "attachment": application.attachments.first(),
    }


def _support_side_a(world):
    """A need, an offer and a match of side A (support matching), titles carrying SECRET."""
    from partnerships.models import Organisation, PartnershipMember
    from support import services as support_services
    from support.models import Match, SupportArea

    giver = f.OrganisationFactory(name=f"{SECRET} giving school", kind=Organisation.Kind.SCHOOL)
    for org in (world.partner_org, giver):
        PartnershipMember.objects.get_or_create(partnership=world.partnership, organisation=org)
    area = SupportArea.objects.create(partnership=world.partnership, name=f"{SECRET} area")
    need = support_services.need_create(
        actor=world.manager,
        partnership=world.partnership,
        organisation=world.partner_org,
        areas=[area],
        title=f"{SECRET} need",
        phase="repair",
    )
    offer = support_services.offer_create(
        actor=world.manager,
        partnership=world.partnership,
        organisation=giver,
        areas=[area],
        title=f"{SECRET} offer",
        capacity_days=4,
        available_until=dt.date(2030, 7, 31),
    )
    match = Match.objects.create(need=need, offer=offer, days=1)
    settings = support_services.matching_settings_save(partnership=world.partnership, actor=world.manager)
    return {"need": need, "offer": offer, "match": match, "support_area": area, "matching_settings": settings}


def _side_a_money(world, award) -> dict:
    """Side A's budget line, variation, payment run, match funding and co-funding share (grants/money)."""
    from django.utils import timezone

    from grants.models import AwardShare, BudgetLine, MatchFunding
    from grants.money import services as money

    category = money.budget_category_save(
        programme=world.programme, actor=world.manager, name=f"{SECRET} line", finance_code="5100"
    )
    line = BudgetLine.objects.create(award=award, category=category, year=1, requested=Decimal("40000"))
    variation = money.variation_request(
        award=award, actor=world.partner, kind="scope", reason=f"{SECRET} variation", scope_change=SECRET
    )
    sent = grant_services.payment_schedule(
        award=award, due_on=dt.date(2026, 4, 30), amount=Decimal("500.00"), actor=world.manager
    )
    grant_services.payment_approve(payment=sent, actor=world.manager)
    run = money.payment_run_export(actor=world.manager, organisation=world.central, due_by=dt.date(2026, 4, 30))
    match = MatchFunding.objects.create(award=award, source=f"{SECRET} council", kind="in_kind", amount=Decimal("900"))
    share = AwardShare.objects.create(  # co-funding's row (the sweep needs one of each kind, not a real split)
        award=award, programme=world.programme, amount=award.amount_awarded or Decimal("0"), set_at=timezone.now()
    )
    return {
        "category": category,
        "budgetline": line,
        "variation": variation,
        "run": run,
        "match_funding": match,
        "award_share": share,
    }
