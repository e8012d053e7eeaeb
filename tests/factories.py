"""factory_boy factories for every model, one place so each app's tests build the same world."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from accounts.models import OrganisationMembership
from grants.models import Award, FundingProgramme, Payment
from partnerships.models import (
    LocalAuthority,
    Organisation,
    Partnership,
    PartnershipMember,
    Project,
    ProjectPartner,
    Region,
    SubRegion,
)
from reporting.models import Evaluation, Indicator, IndicatorResult, ProgressUpdate


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("exchange-test")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    name = "West Midlands"
    code = "E12000005"


class SubRegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubRegion
        django_get_or_create = ("name",)

    region = factory.SubFactory(RegionFactory)
    name = "Birmingham"
    number = 6


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAuthority
        django_get_or_create = ("gss_code",)

    name = "Birmingham"
    gss_code = "E08000025"
    dfe_code = "330"
    region = factory.SelfAttribute("sub_region.region")
    sub_region = factory.SubFactory(SubRegionFactory)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.MAT
    identifier = factory.Sequence(lambda n: f"GB-COH-{10000000 + n}")
    local_authority = factory.SubFactory(LocalAuthorityFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationMembership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = OrganisationMembership.Role.PARTNER


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Partnership {n}")
    region = factory.SubFactory(RegionFactory)
    lead_organisation = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.CHARITY)
    starts_on = dt.date(2025, 9, 1)
    ends_on = dt.date(2028, 8, 31)


class PartnershipMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnershipMember

    partnership = factory.SubFactory(PartnershipFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    partnership = factory.SubFactory(PartnershipFactory)
    reference = factory.Sequence(lambda n: f"PRJ-{n:04d}")
    title = factory.Sequence(lambda n: f"Peer review project {n}")
    lead_organisation = factory.SubFactory(OrganisationFactory)
    theme = Project.Theme.PEER_REVIEW
    summary = "Headteachers review each other's schools and share what works."
    planned_start = dt.date(2026, 1, 5)
    planned_end = dt.date(2026, 12, 18)


class ProjectPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectPartner

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    receives_support = True


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingProgramme

    name = factory.Sequence(lambda n: f"Programme {n}")
    funder = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.FUNDER)
    managed_by = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.CHARITY)
    budget = Decimal("100000.00")
    opens_on = dt.date(2025, 9, 1)
    closes_on = dt.date(2028, 8, 31)
    identifier_prefix = factory.Sequence(lambda n: f"360G-TEST{n}")


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award

    identifier = factory.Sequence(lambda n: f"360G-TEST-{n:05d}")
    programme = factory.SubFactory(ProgrammeFactory)
    recipient = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Award {n}")
    amount_requested = Decimal("10000.00")
    planned_start = dt.date(2026, 1, 5)
    planned_end = dt.date(2026, 12, 18)


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    award = factory.SubFactory(AwardFactory)
    due_on = dt.date(2026, 3, 31)
    amount = Decimal("1000.00")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    award = factory.SubFactory(AwardFactory)
    name = "Children reached"
    unit = "children"
    baseline = Decimal("0")
    target = Decimal("500")


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    award = factory.SubFactory(AwardFactory)
    period_start = dt.date(2026, 1, 5)
    period_end = dt.date(2026, 3, 31)
    progress = "Twelve peer reviews completed across the Black Country."
    spend_to_date = Decimal("2500.00")


class IndicatorResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorResult

    update = factory.SubFactory(ProgressUpdateFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    value = Decimal("120")


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    outcomes = "Reached 480 of 500 children."
    what_worked = "Paired headteachers across trusts."
    lessons = "Start the peer reviews in the autumn term."
    rating = Evaluation.Rating.MET
    stage_reached = Evaluation.Stage.IMPROVE
