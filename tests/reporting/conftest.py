import datetime as dt
from decimal import Decimal

import pytest

from grants import services as grant_services
from partnerships import services as partnership_services
from reporting import services
from tests import factories as f


def walk_award(award, world):
    award = grant_services.award_transition(award=award, name="submit", actor=world.partner)
    for name in ("start_assessment", "approve", "activate"):
        award = grant_services.award_transition(award=award, name=name, actor=world.manager)
    return award


@pytest.fixture
def award(world):
    """An active, termly award to the partner's trust, Jan–Dec 2026, with two indicators."""
    award = f.AwardFactory(
        programme=world.programme,
        recipient=world.partner_org,
        partnership=world.partnership,
        amount_requested=Decimal("40000.00"),
        planned_start=dt.date(2026, 1, 5),
        planned_end=dt.date(2026, 12, 18),
        reporting_frequency="termly",
    )
    f.IndicatorFactory(award=award, name="Children reached", unit="children", target=Decimal("500"))
    f.IndicatorFactory(
        award=award, name="Attendance", unit="%", baseline=Decimal("91"), target=Decimal("95"), cumulative=False
    )
    return walk_award(award, world)


@pytest.fixture
def award_b(world):
    """The other partnership's award, to another trust."""
    award = f.AwardFactory(
        programme=world.programme_b,
        recipient=world.partner_org_b,
        partnership=world.partnership_b,
        amount_requested=Decimal("20000.00"),
    )
    award = grant_services.award_transition(award=award, name="submit", actor=world.partner_b)
    for name in ("start_assessment", "approve", "activate"):
        award = grant_services.award_transition(award=award, name=name, actor=world.manager_b)
    return award


@pytest.fixture
def project(world):
    """A project in delivery, led by the partner's trust, with no award: it reports itself."""
    project = f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org)
    project = partnership_services.project_transition(project=project, name="propose", actor=world.partner)
    for name in ("start_review", "approve", "start_delivery"):
        project = partnership_services.project_transition(project=project, name=name, actor=world.manager)
    return project


def start(update_subject, world, period_start, period_end, **edit):
    kind = "award" if update_subject.__class__.__name__ == "Award" else "project"
    update = services.update_start(
        actor=world.partner, period_start=period_start, period_end=period_end, **{kind: update_subject}
    )
    edit.setdefault("progress", "Twelve peer reviews completed across the Black Country.")
    return services.update_edit(update=update, actor=world.partner, **edit)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
