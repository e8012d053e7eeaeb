"""Builders for assessment tests (plain functions, importable from other test packages)."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessment import services
from partnerships.models import PartnershipMember
from tests import factories as f

SECRET = "Qx9-BID-SECRET"


def moment(days: float = 0):
    return timezone.now() + dt.timedelta(days=days)


def open_call(manager, programme, **fields):
    values = {
        "title": "Peer review round 1",
        "opens_at": moment(-10),
        "closes_at": moment(10),
        "guidance": "Bids from trusts working across the region.",
        "max_amount": Decimal("40000.00"),
    }
    values.update(fields)
    call = services.call_create(actor=manager, programme=programme, **values)
    for title, weight, top in (("Need", 50, 5), ("Plan", 30, 5), ("Value", 20, 10)):
        services.criterion_add(call=call, actor=manager, title=title, weight=weight, scale_max=top)
    return call


def complete(application, actor, **fields):
    school = f.OrganisationFactory(kind="school", name=f"School for {application.pk}")
    services.application_add_organisation(
        application=application, actor=actor, organisation=school, role="school", receives_support=True
    )
    values = {
        "project_summary": f"{SECRET} peer reviews across the Black Country",
        "outcomes": "Twelve reviews; attendance up two points.",
        "budget_summary": "Supply cover £20,000; training £10,000.",
        "planned_start": dt.date(2027, 1, 4),
        "planned_end": dt.date(2027, 12, 17),
    }
    values.update(fields)
    return services.application_update(application=application, actor=actor, **values)


def join(call, org):
    """Make `org` a member of the call's partnership (only members may apply)."""
    PartnershipMember.objects.get_or_create(partnership=call.programme.partnership, organisation=org)


def text_file(text: str, name: str = "letter.txt"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


def submitted_application(call, partner, org, *, amount="30000.00", title="Reviews", files=0):
    join(call, org)
    application = services.application_start(
        call=call, actor=partner, organisation=org, title=title, amount_requested=Decimal(amount)
    )
    complete(application, partner)
    for n in range(files):
        services.attachment_add(application=application, actor=partner, upload=text_file(f"{SECRET} file {n}"))
    return services.application_submit(application=application, actor=partner)


def score_all(assignment, actor, values, recommendation="fund"):
    criteria = list(assignment.application.call.criteria.all())
    scores = {c.pk: (v, f"{SECRET} comment on {c.title}") for c, v in zip(criteria, values, strict=True)}
    services.scores_save(
        assignment=assignment, actor=actor, scores=scores, recommendation=recommendation, comment=SECRET
    )
    return services.assessment_submit(assignment=assignment, actor=actor)


def open_assignment(application, manager, assessor):
    assignment = services.assessor_assign(application=application, actor=manager, assessor=assessor)
    return services.assessment_declare(assignment=assignment, actor=assessor, conflict=False)
