import datetime as dt
import re
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from grants.services import award_transition, payment_schedule, payment_transition
from reporting.reports import store
from reporting.services import update_transition
from tests import factories as f


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Stored PDFs go to a fresh folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def renders(monkeypatch):
    """Counts WeasyPrint renders (the real render still runs)."""
    calls = []
    real = store.render_pdf

    def counting(html):
        calls.append(len(html))
        return real(html)

    monkeypatch.setattr(store, "render_pdf", counting)
    return calls


def pdf_text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def pdf_pages(data: bytes) -> int:
    return len(PdfReader(BytesIO(data)).pages)


def response_bytes(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def walk_award(award, world, *names):
    manager = world.manager if award.programme.managed_by_id == world.central.pk else world.manager_b
    partner = world.partner if award.recipient_id == world.partner_org.pk else world.partner_b
    for name in names:
        actor = partner if name == "submit" else manager
        award = award_transition(award=award, name=name, actor=actor, note=f"{name} ok")
    return award


def accepted_update(award, world, *, author, reviewer, results=(), **fields):
    update = f.ProgressUpdateFactory(award=award, author=author, **fields)
    for indicator, value in results:
        f.IndicatorResultFactory(update=update, indicator=indicator, value=Decimal(value))
    update = update_transition(update=update, name="submit", actor=author)
    return update_transition(update=update, name="accept", actor=reviewer)


def build_award(world, *, programme=None, recipient=None, amount="40000.00", project=None, partnership=None):
    """An active award with two paid payments, one scheduled; two accepted updates and one still in review."""
    programme = programme or world.programme
    recipient = recipient or world.partner_org
    award = f.AwardFactory(
        programme=programme,
        recipient=recipient,
        amount_requested=Decimal(amount),
        project=project,
        partnership=partnership,
        title="Peer review triads for Black Country primaries",
    )
    award = walk_award(award, world, "submit", "start_assessment", "approve", "activate")
    manager = world.manager if programme.managed_by_id == world.central.pk else world.manager_b
    author = world.partner if recipient.pk == world.partner_org.pk else world.partner_b
    children = f.IndicatorFactory(award=award, name="Children reached", unit="children", target=Decimal("500"))
    attendance = f.IndicatorFactory(
        award=award, name="Attendance", unit="%", baseline=Decimal("91.5"), target=Decimal("95"), cumulative=False
    )
    for due, value in [(dt.date(2026, 2, 1), "10000.00"), (dt.date(2026, 5, 1), "12345.67")]:
        p = payment_schedule(award=award, due_on=due, amount=Decimal(value), actor=manager)
        p = payment_transition(payment=p, name="approve", actor=manager)
        payment_transition(payment=p, name="release", actor=manager, paid_on=due)
    payment_schedule(award=award, due_on=dt.date(2026, 9, 1), amount=Decimal("7654.33"), actor=manager)
    accepted_update(
        award,
        world,
        author=author,
        reviewer=manager,
        period_start=dt.date(2026, 1, 5),
        period_end=dt.date(2026, 3, 31),
        progress="Twelve peer reviews completed in Dudley and Sandwell.",
        challenges="Supply cover was hard to find in February.",
        spend_to_date=Decimal("8765.43"),
        settings_reached=4,
        children_reached=120,
        results=[(children, "120"), (attendance, "92.1")],
    )
    accepted_update(
        award,
        world,
        author=author,
        reviewer=manager,
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2026, 7, 20),
        progress="Headteachers now visit each other every half term.",
        challenges="One school left the triad after an Ofsted inspection.",
        spend_to_date=Decimal("19876.54"),
        settings_reached=6,
        children_reached=260,
        results=[(children, "140"), (attendance, "93.4")],
    )
    pending = f.ProgressUpdateFactory(
        award=award,
        author=author,
        period_start=dt.date(2026, 7, 21),
        period_end=dt.date(2026, 10, 31),
        progress="Still in review: never quoted in a report.",
        spend_to_date=Decimal("30000.00"),
        children_reached=999,
    )
    f.IndicatorResultFactory(update=pending, indicator=children, value=Decimal("999"))
    f.IndicatorResultFactory(update=pending, indicator=attendance, value=Decimal("99"))
    update_transition(update=pending, name="submit", actor=author)
    award.refresh_from_db()
    return award
