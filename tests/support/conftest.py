"""A small West Midlands world for support matching: places, trusts, a need and offers built by hand."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from accounts.models import OrganisationMembership
from partnerships.models import Organisation, PartnershipMember
from support import services
from support.models import SupportArea
from tests import factories as f
from tests.conftest import member

Role = OrganisationMembership.Role
UNTIL = dt.date(2030, 7, 31)


@dataclass
class Places:
    black_country: object
    birmingham_sr: object
    coventry_sr: object
    sandwell: object
    dudley: object
    birmingham: object
    coventry: object


@pytest.fixture
def places(db):
    black_country = f.SubRegionFactory(name="Black Country", number=2)
    birmingham_sr = f.SubRegionFactory(name="Birmingham", number=1)
    coventry_sr = f.SubRegionFactory(name="Coventry, Solihull and Warwickshire", number=3)
    return Places(
        black_country=black_country,
        birmingham_sr=birmingham_sr,
        coventry_sr=coventry_sr,
        sandwell=f.LocalAuthorityFactory(
            name="Sandwell", gss_code="E08000028", dfe_code="333", sub_region=black_country
        ),
        dudley=f.LocalAuthorityFactory(name="Dudley", gss_code="E08000027", dfe_code="332", sub_region=black_country),
        birmingham=f.LocalAuthorityFactory(sub_region=birmingham_sr),
        coventry=f.LocalAuthorityFactory(name="Coventry", gss_code="E08000026", dfe_code="331", sub_region=coventry_sr),
    )


def school(name, la, trust=None, phase="Primary", kind="academy", pupils=300):
    return f.OrganisationFactory(
        name=name,
        kind=Organisation.Kind.SCHOOL,
        local_authority=la,
        trust=trust,
        phase=phase,
        establishment_type=kind,
        pupil_count=pupils,
    )


def trust(name, la):
    return f.OrganisationFactory(name=name, kind=Organisation.Kind.MAT, local_authority=la)


def join(partnership, *orgs):
    for org in orgs:
        PartnershipMember.objects.get_or_create(partnership=partnership, organisation=org)


def areas(partnership, *names):
    return {name: SupportArea.objects.get_or_create(partnership=partnership, name=name)[0] for name in names}


def completed_evaluation(partnership, lead, rating, title="Attendance hubs"):
    project = f.ProjectFactory(partnership=partnership, lead_organisation=lead, title=title)
    return f.EvaluationFactory(project=project, rating=rating, completed_at=timezone.now())


def make_need(world, organisation, area_list, **fields):
    fields.setdefault("title", "Attendance after covid")
    fields.setdefault("phase", "repair")
    fields.setdefault("days_wanted", 4)
    return services.need_create(
        actor=world.manager, partnership=world.partnership, organisation=organisation, areas=area_list, **fields
    )


def make_offer(world, organisation, area_list, **fields):
    fields.setdefault("title", "Attendance and SEND support")
    fields.setdefault("capacity_days", 6)
    fields.setdefault("available_until", UNTIL)
    fields.setdefault("phases", ["repair"])
    return services.offer_create(
        actor=world.manager, partnership=world.partnership, organisation=organisation, areas=area_list, **fields
    )


__all__ = ["Role", "member", "UNTIL"]
