"""API test fixtures: token-authenticated clients and a small two-sided world with objects in
every state that matters for visibility (drafts, submitted, accepted), on side A and side B."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from grants import services as grant_services
from partnerships.models import PartnershipMember, Project
from reporting.models import ProgressUpdate
from tests import factories as f
from tests.helpers import force_state


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle counters live in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    """api(user) -> an APIClient sending that user's token; api(None) -> anonymous."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@dataclass
class Side:
    partnership: object
    programme: object
    project: object
    project_draft: object
    award: object
    award_draft: object
    payment: object
    update: object
    update_draft: object
    indicator: object


def build_side(partnership, programme, partner_org, partner, label):
    PartnershipMember.objects.get_or_create(partnership=partnership, organisation=partner_org)
    project = f.ProjectFactory(
        partnership=partnership, lead_organisation=partner_org, title=f"Peer review {label}", reference=f"PRJ-{label}"
    )
    project = force_state(project, Project.State.PROPOSED)
    project_draft = f.ProjectFactory(
        partnership=partnership, lead_organisation=partner_org, title=f"Draft project {label}", reference=f"DRF-{label}"
    )
    award = grant_services.award_create(
        actor=partner,
        programme=programme,
        recipient=partner_org,
        title=f"Award {label}",
        amount_requested=Decimal("20000.00"),
        project=project,
        planned_start=project.planned_start,
        planned_end=project.planned_end,
        identifier=f"360G-{label}-00001",
    )
    award = grant_services.award_transition(award=award, name="submit", actor=partner)
    award_draft = f.AwardFactory(
        programme=programme, recipient=partner_org, title=f"Draft award {label}", identifier=f"360G-{label}-00002"
    )
    payment = f.PaymentFactory(award=award, amount=Decimal("5000.00"))
    update = force_state(
        f.ProgressUpdateFactory(award=award, author=partner, progress=f"Accepted update {label}"),
        ProgressUpdate.State.ACCEPTED,
    )
    update_draft = f.ProgressUpdateFactory(award=award, author=partner, progress=f"Draft update {label}")
    indicator = f.IndicatorFactory(award=award, name=f"Children reached {label}")
    return Side(
        partnership, programme, project, project_draft, award, award_draft, payment, update, update_draft, indicator
    )


@pytest.fixture
def sides(world):
    """(side A, side B): the same objects for each partnership, programme and partner."""
    a = build_side(world.partnership, world.programme, world.partner_org, world.partner, "A")
    b = build_side(world.partnership_b, world.programme_b, world.partner_org_b, world.partner_b, "B")
    return a, b
