"""A call on the world's programme with three weighted criteria (Need 50 on 0-5, Plan 30 on 0-5,
Value 20 on 0-10), a submitted application from the world's partner, and two outside assessors."""

import pytest

from accounts.models import OrganisationMembership
from tests import factories as f
from tests.conftest import member

from .builders import join, open_call, submitted_application

Role = OrganisationMembership.Role


@pytest.fixture
def call(world):
    call = open_call(world.manager, world.programme)
    join(call, world.partner_org)
    return call


@pytest.fixture
def application(world, call):
    return submitted_application(call, world.partner, world.partner_org)


@pytest.fixture
def assessor(world):
    """An outside assessor: a headteacher at a trust unconnected to the bids."""
    return member(Role.PARTNER, f.OrganisationFactory(name="Elsewhere Trust"), username="assessor")


@pytest.fixture
def assessor2(world):
    return member(Role.PARTNER, f.OrganisationFactory(name="Another Trust"), username="assessor2")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Attachments are written under a throwaway folder, never the project's own media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
