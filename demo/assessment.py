"""The assessment part of the demo (demo/scenario/assessment.yaml): calls, applications written by their
teams, assessors with assignments (one conflict found by Exchange, one declared), scores and a panel
decision — each step taken through assessment.services by the person who would take it, on the day the
scenario says. A call that already exists is left as it is, so a second run changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts import roles
from accounts.models import OrganisationMembership
from assessment import services
from assessment.models import Call
from workflow import clock


def load_assessment(loader) -> None:
    spec = _read()
    _assessors(loader, spec["assessors"])
    for call_spec in spec["calls"]:
        programme = loader.programmes[call_spec["programme"]]
        if Call.objects.filter(programme=programme, title=call_spec["title"]).exists():
            continue
        _call(loader, spec, programme, call_spec)


def _read():
    from .loader import read

    return read("assessment")


def _assessors(loader, people) -> None:
    password = make_password(settings.DEMO_PASSWORD)
    for person in people:
        user, _ = get_user_model().objects.update_or_create(
            username=person["username"],
            defaults={
                "first_name": person["first_name"],
                "last_name": person["last_name"],
                "email": person["email"],
                "is_active": True,
                "password": password,
            },
        )
        for membership in person["memberships"]:
            OrganisationMembership.objects.update_or_create(
                user=user,
                organisation=loader.orgs[membership["organisation"]],
                role=membership["role"],
                defaults={"job_title": membership["job_title"]},
            )
        roles.forget(user)
        loader.users[person["username"]] = user
        loader.logins.append({**person, "listed": True})


def _call(loader, spec, programme, call_spec) -> None:
    manager = loader.programme_manager[programme.pk]
    opens = _at(loader, call_spec["opens_at"], 9)
    closes = _at(loader, call_spec["closes_at"], 12)
    with clock.at(opens - dt.timedelta(days=7)):
        call = services.call_create(
            actor=manager,
            programme=programme,
            title=call_spec["title"],
            opens_at=opens,
            closes_at=closes,
            guidance=call_spec["guidance"],
            eligible_kinds=call_spec["eligible_kinds"],
            max_amount=Decimal(call_spec["max_amount"]),
        )
        for criterion in spec["criteria"]:
            services.criterion_add(call=call, actor=manager, **criterion)
    for number, application_spec in enumerate(call_spec["applications"]):
        _application(loader, call, manager, application_spec, number)


def _at(loader, expression, hour: int) -> dt.datetime:
    """A call's opening or closing time, past or still to come (loader.moment caps times at "now")."""
    return timezone.make_aware(dt.datetime.combine(loader.day(expression), dt.time(hour)))


def _application(loader, call, manager, spec, number) -> None:
    lead = loader.orgs[spec["lead"]]
    applicant = loader.partner_users[spec["lead"]]
    started = min(call.opens_at + dt.timedelta(days=3 + number), loader.now)
    with clock.at(started):
        application = services.application_start(
            call=call, actor=applicant, organisation=lead, title=spec["title"], amount_requested=Decimal(spec["amount"])
        )
        for school in spec.get("schools", []):
            services.application_add_organisation(
                application=application,
                actor=applicant,
                organisation=loader.orgs[school["organisation"]],
                role="school",
                gives_support=school["gives"],
                receives_support=school["receives"],
            )
        if spec.get("draft"):
            return
        services.application_update(
            application=application,
            actor=applicant,
            project_summary=spec["summary"],
            outcomes="Attendance and reading ages in every school taking part, termly, against this year's baseline.",
            budget_summary="Supply cover so leaders can visit (two thirds); travel; an external evaluation.",
            planned_start=loader.day("term(1)"),
            planned_end=loader.day("termend(3)"),
        )
    # Each application's steps on days of their own, as a real round spreads over weeks.
    with clock.at(call.closes_at - dt.timedelta(days=2 + number)):
        services.application_submit(application=application, actor=applicant)
    for k, person in enumerate(spec.get("assessors", [])):
        _assess(loader, application, manager, person, call.closes_at + dt.timedelta(days=1 + number, hours=k), k)
    if "decision" in spec:
        with clock.at(min(call.closes_at + dt.timedelta(days=14 + number), loader.now)):
            services.panel_decide(application=application, actor=manager, **spec["decision"])
            services.feedback_share(application=application, actor=manager, feedback=spec["feedback"], shared=True)


def _assess(loader, application, manager, person, assigned_at, k: int) -> None:
    assessor = loader.users[person["username"]]
    with clock.at(assigned_at):
        assignment = services.assessor_assign(application=application, actor=manager, assessor=assessor)
    if assignment.state == "stood_aside" or person.get("waiting"):
        return
    with clock.at(min(assigned_at + dt.timedelta(days=3 + 2 * k), loader.now)):
        if "declare" in person:
            services.assessment_declare(assignment=assignment, actor=assessor, conflict=True, reason=person["declare"])
            return
        assignment = services.assessment_declare(assignment=assignment, actor=assessor, conflict=False)
        criteria = list(application.call.criteria.all())
        services.scores_save(
            assignment=assignment,
            actor=assessor,
            scores={c.pk: (value, "") for c, value in zip(criteria, person["scores"], strict=True)},
            recommendation=person["recommendation"],
            comment=person["comment"],
        )
        services.assessment_submit(assignment=assignment, actor=assessor)
