import datetime as dt
from decimal import Decimal

import pytest
import tablib

from grants.models import Award
from tests import factories as f
from tests.helpers import force_state


def dataset(headers, *rows) -> tablib.Dataset:
    data = tablib.Dataset(headers=list(headers))
    for row in rows:
        data.append(list(row))
    return data


def award_row(identifier, recipient, *, programme="WM Fund", amount="5000", start="2026-01-05", end="2026-12-18"):
    return [identifier, programme, recipient, f"Peer review {identifier}", amount, start, end]


AWARD_HEADERS = ["Identifier", "Programme", "Recipient", "Title", "Amount requested", "Planned start", "Planned end"]


def approved(award, amount=None):
    """An award as approval leaves it (state and amount awarded), without going through the steps."""
    award = force_state(award, Award.State.APPROVED)
    Award.objects.filter(pk=award.pk).update(
        amount_awarded=Decimal(amount or award.amount_requested),
        decided_at=dt.datetime(2026, 1, 2, 10, 0, tzinfo=dt.UTC),
    )
    award.refresh_from_db()
    return award


@pytest.fixture
def birmingham(db):
    return f.LocalAuthorityFactory()


@pytest.fixture
def sandwell(db):
    region = f.RegionFactory()
    sub = f.SubRegionFactory(name="Black Country", number=2, region=region)
    return f.LocalAuthorityFactory(name="Sandwell", gss_code="E08000028", dfe_code="333", sub_region=sub, region=region)
