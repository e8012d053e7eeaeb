import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from accounts.models import OrganisationMembership
from grants import services as grant_services
from tests import factories as f
from tests.conftest import member
from tests.helpers import force_state

Role = OrganisationMembership.Role

# The person whose data is exported or erased, and a colleague whose data must never appear in their export.
SUBJECT = {
    "username": "zquartermain",
    "first_name": "Zebedee",
    "last_name": "Quartermain",
    "email": "zebedee.quartermain@summit.example",
}
COLLEAGUE = {
    "username": "owintergreen",
    "first_name": "Ophelia",
    "last_name": "Wintergreen",
    "email": "ophelia.wintergreen@alliance.example",
}


@dataclass
class Story:
    person: object
    colleague: object
    award: object
    payment: object
    update: object


@pytest.fixture
def story(world):
    """A partner applies, a manager approves and pays, the partner reports: each leaves logs naming them."""
    person = member(Role.PARTNER, world.partner_org, **SUBJECT)
    colleague = member(Role.MANAGER, world.central, is_staff=True, **COLLEAGUE)
    award = grant_services.award_create(
        actor=person,
        programme=world.programme,
        recipient=world.partner_org,
        title="Reading recovery in Dudley",
        amount_requested=Decimal("12000.00"),
        planned_start=dt.date(2026, 1, 5),
        planned_end=dt.date(2026, 12, 18),
    )
    grant_services.award_transition(
        award=award, name="submit", actor=person, note="Sent by Zebedee Quartermain for the trust"
    )
    grant_services.award_transition(award=award, name="start_assessment", actor=colleague)
    grant_services.award_transition(
        award=award, name="approve", actor=colleague, amount=Decimal("10000.00"), note="Agreed with Ophelia"
    )
    grant_services.award_transition(award=award, name="activate", actor=colleague)
    payment = grant_services.payment_schedule(
        award=award, due_on=dt.date(2026, 3, 31), amount=Decimal("4000.00"), actor=colleague
    )
    grant_services.payment_approve(payment=payment, actor=colleague)
    grant_services.payment_release(payment=payment, actor=colleague, reference="BACS 0042")
    update = f.ProgressUpdateFactory(
        award=award, author=person, reviewed_by=colleague, progress="Zebedee Quartermain led twelve peer reviews."
    )
    update = force_state(update, "submitted")
    return Story(person=person, colleague=colleague, award=award, payment=payment, update=update)
