"""A co-funding programme beside world.programme: another funder's money, managed by the same central team."""

from decimal import Decimal

from accounts.models import OrganisationMembership
from tests import factories as f
from tests.conftest import member


def co_programme(world, *, budget="60000.00", name="Combined Authority Fund"):
    """Funded by world.funder_org_b (Paul Hamlyn), managed by world.central: the seeds' second funder."""
    return f.ProgrammeFactory(
        name=name, funder=world.funder_org_b, managed_by=world.central, partnership=world.partnership, budget=budget
    )


def stranger_funder():
    """A funder with no money in the award."""
    org = f.OrganisationFactory(name="Garfield Weston Foundation", kind="funder", identifier="GB-CHC-230260")
    return member(OrganisationMembership.Role.FUNDER, org, username="stranger_funder")


PENNY = Decimal("0.01")
