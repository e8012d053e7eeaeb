import os
from dataclasses import dataclass

import pytest

from accounts.models import OrganisationMembership

from . import factories as f

Role = OrganisationMembership.Role


def pytest_collection_modifyitems(config, items):
    """Tests marked postgres skip with a reason on SQLite — unless EXCHANGE_REQUIRE_POSTGRES is set
    (as .ci/run sets it), when running them anywhere else is an error, not a skip."""
    from django.db import connection

    on_postgres = connection.vendor == "postgresql"
    if os.environ.get("EXCHANGE_REQUIRE_POSTGRES") and not on_postgres:
        raise pytest.UsageError("EXCHANGE_REQUIRE_POSTGRES is set but DATABASE_URL is not PostgreSQL.")
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)
    if any("redis" in item.keywords for item in items) and not redis_available():
        if os.environ.get("EXCHANGE_REQUIRE_REDIS"):
            raise pytest.UsageError("EXCHANGE_REQUIRE_REDIS is set but Redis is not answering on 127.0.0.1:6379.")
        skip_redis = pytest.mark.skip(reason="needs Redis on 127.0.0.1:6379")
        for item in items:
            if "redis" in item.keywords:
                item.add_marker(skip_redis)


def redis_available() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def member(role, organisation=None, **user_kwargs):
    organisation = organisation or f.OrganisationFactory()
    user = f.UserFactory(**user_kwargs)
    f.MembershipFactory(user=user, organisation=organisation, role=role)
    return user


@dataclass
class World:
    """Two of everything: partnerships, programmes, funders and partners, so tests can prove
    that one organisation cannot reach another's data."""

    manager: object
    manager_b: object
    second_manager: object
    funder: object
    funder_b: object
    partner: object
    partner_b: object
    admin: object
    central: object
    central_b: object
    funder_org: object
    funder_org_b: object
    partner_org: object
    partner_org_b: object
    partnership: object
    partnership_b: object
    programme: object
    programme_b: object


@pytest.fixture
def world(db):
    central = f.OrganisationFactory(name="Fair Education Alliance", kind="charity", identifier="GB-CHC-1159393")
    central_b = f.OrganisationFactory(name="Inspiring Leaders", kind="charity", identifier="GB-COH-07000001")
    funder_org = f.OrganisationFactory(name="Bloomberg Philanthropies", kind="funder", identifier="GB-COH-99000001")
    funder_org_b = f.OrganisationFactory(name="Paul Hamlyn Foundation", kind="funder", identifier="GB-CHC-1102927")
    partner_org = f.OrganisationFactory(name="Summit Learning Trust", identifier="GB-COH-08000001")
    partner_org_b = f.OrganisationFactory(name="Robin Hood MAT", identifier="GB-COH-08000002")
    partnership = f.PartnershipFactory(name="West Midlands Collaboration Partnership", lead_organisation=central)
    partnership_b = f.PartnershipFactory(name="East Midlands Partnership", lead_organisation=central_b)
    programme = f.ProgrammeFactory(
        name="WM Fund", funder=funder_org, managed_by=central, partnership=partnership, budget="100000.00"
    )
    programme_b = f.ProgrammeFactory(
        name="EM Fund", funder=funder_org_b, managed_by=central_b, partnership=partnership_b, budget="50000.00"
    )
    admin = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    return World(
        manager=member(Role.MANAGER, central, username="manager", is_staff=True),
        manager_b=member(Role.MANAGER, central_b, username="manager_b", is_staff=True),
        second_manager=member(Role.MANAGER, central, username="manager2", is_staff=True),
        funder=member(Role.FUNDER, funder_org, username="funder"),
        funder_b=member(Role.FUNDER, funder_org_b, username="funder_b"),
        partner=member(Role.PARTNER, partner_org, username="partner"),
        partner_b=member(Role.PARTNER, partner_org_b, username="partner_b"),
        admin=admin,
        central=central,
        central_b=central_b,
        funder_org=funder_org,
        funder_org_b=funder_org_b,
        partner_org=partner_org,
        partner_org_b=partner_org_b,
        partnership=partnership,
        partnership_b=partnership_b,
        programme=programme,
        programme_b=programme_b,
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 at full strength costs ~0.3 s a user; tests build many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_login_lockout_by_default(settings):
    # Axes needs the request on authenticate(), which Client.login() does not pass; the tests of
    # login throttling turn it back on.
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached figures are keyed by database ids, which a rolled-back test may hand out again.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
