"""A list request costs the same number of queries whatever the page size and data size:
3 rows or 30, each with its related rows (partners, members, results, payments)."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants.models import Award
from partnerships.models import PartnershipMember, Project
from reporting.models import ProgressUpdate
from tests import factories as f
from tests.helpers import force_state
from workflow.models import MoneyChange, TransitionLog

ENDPOINTS = [
    "organisations",
    "local-authorities",
    "partnerships",
    "projects",
    "programmes",
    "awards",
    "payments",
    "indicators",
    "updates",
    "evaluations",
    "transitions",
    "money-changes",
]
MAX_QUERIES = 8  # auth token, roles, count, page, prefetches
# An update's indicator results, reach, evidence and spend lines, and its author and reviewer together.
MAX_QUERIES_FOR = {"updates": 9}


def grow(world, n):
    """n more rows of everything on side A, each with related rows."""
    for i in range(n):
        school = f.OrganisationFactory(name=f"School {i}", kind="school", trust=world.partner_org)
        partnership = f.PartnershipFactory(lead_organisation=world.central)
        PartnershipMember.objects.create(partnership=partnership, organisation=world.partner_org)
        PartnershipMember.objects.create(partnership=partnership, organisation=school)
        project = force_state(
            f.ProjectFactory(partnership=partnership, lead_organisation=world.partner_org), Project.State.PROPOSED
        )
        f.ProjectPartnerFactory(project=project, organisation=school)
        programme = f.ProgrammeFactory(funder=world.funder_org, managed_by=world.central, partnership=partnership)
        award = f.AwardFactory(
            programme=programme, recipient=world.partner_org, project=project, partnership=partnership
        )
        award = force_state(award, Award.State.ACTIVE)
        f.PaymentFactory(award=award, amount=Decimal("100.00"))
        f.PaymentFactory(award=award, amount=Decimal("200.00"))
        indicator = f.IndicatorFactory(award=award)
        update = force_state(f.ProgressUpdateFactory(award=award, author=world.partner), ProgressUpdate.State.ACCEPTED)
        ProgressUpdate.objects.filter(pk=update.pk).update(reviewed_by=world.manager)
        f.IndicatorResultFactory(update=update, indicator=indicator)
        f.IndicatorResultFactory(update=update, indicator=f.IndicatorFactory(award=award, name="Settings"))
        f.ProgressUpdateFactory(project=project, award=None, author=world.partner)
        f.EvaluationFactory(award=award, author=world.manager)
        for obj in (award, project, update):
            TransitionLog.objects.create(
                content_type=ContentType.objects.get_for_model(obj.__class__),
                object_id=obj.pk,
                object_repr=str(obj),
                transition="x",
                source="a",
                target="b",
                actor=world.manager,
            )
        MoneyChange.objects.create(
            content_type=ContentType.objects.get_for_model(Award),
            object_id=award.pk,
            object_repr=str(award),
            field="amount_awarded",
            new_amount=Decimal("1"),
            actor=world.manager,
        )


def count(client, endpoint):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/api/v1/{endpoint}/", {"page_size": 200})
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()["count"]


@pytest.mark.parametrize("who", ["manager", "funder", "partner", "admin"])
def test_list_queries_do_not_grow_with_rows(api, world, who, django_assert_max_num_queries):
    client = api(getattr(world, who))
    grow(world, 3)
    for endpoint in ENDPOINTS:
        count(client, endpoint)  # warm the content-type cache, as any running server has
    small = {endpoint: count(client, endpoint) for endpoint in ENDPOINTS}
    grow(world, 27)
    for endpoint in ENDPOINTS:
        with django_assert_max_num_queries(MAX_QUERIES_FOR.get(endpoint, MAX_QUERIES)):
            queries, rows = count(client, endpoint)
        assert queries == small[endpoint][0], endpoint
        if endpoint not in ("organisations", "local-authorities"):
            assert rows > small[endpoint][1] or rows == 0, endpoint
