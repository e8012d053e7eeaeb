"""Every page renders with a fixed number of queries: the same for 3 rows as for 30."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inbox.services import calendar_feed_get_or_create
from tests import factories as f
from tests.helpers import force_state
from workflow.services import log_transition

MAX_QUERIES = 16
# The dashboard is many small panels (the inbox summary, due figures from the due tallies, payment and
# pipeline figures, the first rows of each list and the reminders): more queries, still the same at any size.
MAX_QUERIES_FOR = {"/": 22}


def populate(world, n: int) -> dict:
    """n of everything a manager, partner and funder see, all in the world's first partnership."""
    # Room in the budget for every award made here (the database refuses commitments past it).
    type(world.programme).objects.filter(pk=world.programme.pk).update(budget=Decimal("10000000.00"))
    today = dt.date.today()
    la = f.LocalAuthorityFactory()
    project = None
    for i in range(n):
        org = f.OrganisationFactory(local_authority=la)
        f.PartnershipMemberFactory(partnership=world.partnership, organisation=org)
        project = force_state(
            f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org, children_reached=10),
            "in_delivery",
        )
        f.ProjectPartnerFactory(project=project, organisation=org, gives_support=True)
        award = force_state(
            f.AwardFactory(
                programme=world.programme,
                recipient=world.partner_org,
                project=project,
                amount_requested=Decimal("1000"),
                amount_awarded=Decimal("1000"),
            ),
            "active",
        )
        f.PaymentFactory(award=award, amount=Decimal("100"), due_on=today + dt.timedelta(days=i % 40 - 1))
        force_state(f.ProgressUpdateFactory(award=award, due_on=today - dt.timedelta(days=1)), "submitted")
    # One object of each kind with n related rows and n history entries.
    big_award = force_state(
        f.AwardFactory(
            programme=world.programme, recipient=world.partner_org, project=project, amount_awarded=Decimal("50000")
        ),
        "active",
    )
    payments = [f.PaymentFactory(award=big_award, amount=Decimal("10")) for _ in range(n)]
    for i in range(n):
        f.ProjectPartnerFactory(project=project, organisation=f.OrganisationFactory())
        f.ProgressUpdateFactory(award=big_award)
        log_transition(project, name="start_review", source="proposed", actor=world.manager, note=f"note {i}")
        log_transition(big_award, name="activate", source="approved", actor=world.manager, note=f"note {i}")
        log_transition(payments[0], name="approve", source="scheduled", actor=world.manager, note=f"note {i}")
    return {"project": project, "award": big_award, "payment": payments[0]}


def urls_for(role: str, objs: dict, world) -> list[str]:
    project, award, payment = objs["project"].pk, objs["award"].pk, objs["payment"].pk
    urls = [
        "/",
        "/programmes/",
        "/partnerships/",
        "/projects/",
        "/projects/?q=review&state=in_delivery",
        "/awards/",
        "/awards/?state=active&q=award",
        "/awards/?download=csv",  # each recipient's local authority (grants.selectors.with_places)
        "/payments/",
        "/payments/?download=csv",
        "/payments/?when=next30",
        "/reach/",
        f"/projects/{project}/",
        f"/awards/{award}/",
        f"/payments/{payment}/",
        f"/programmes/{world.programme.pk}/",
    ]
    # What is due and overdue, read from the kept due periods: each list, its filters and downloads, and
    # the calendar feed (no session: the token is the key).
    urls += [
        "/updates/",
        "/updates/?show=done",
        "/updates/?show=awaiting_review",
        "/updates/?download=csv",
        "/updates/overdue/",
        "/updates/overdue/?show=awaiting_review",
        "/updates/overdue/?show=due_soon",
        f"/updates/overdue/?programme={world.programme.pk}",
        "/updates/overdue/?download=xlsx",
        f"/calendar/{calendar_feed_get_or_create(user=getattr(world, role)).token}.ics",
    ]
    if role in ("manager", "funder"):
        urls.append(f"/partnerships/{world.partnership.pk}/")
    if role == "manager":
        urls.append(f"/updates/overdue/?partnership={world.partnership.pk}&show=awaiting_review")
    if role in ("manager", "partner"):
        urls += ["/projects/new/", "/awards/new/"]
    if role == "manager":
        urls += [f"/projects/{project}/edit/", f"/awards/{award}/payments/new/", f"/payments/{payment}/edit/"]
    return urls


def count_queries(client, urls) -> dict:
    client.get(urls[0])  # warm the content-type cache and session
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(ctx.captured_queries)
    return counts


@pytest.mark.parametrize("role", ["manager", "partner", "funder"])
def test_every_page_has_a_constant_query_count(client, world, role, django_assert_max_num_queries):
    user = getattr(world, role)
    client.force_login(user)
    small_counts = count_queries(client, urls_for(role, populate(world, 3), world))
    big_urls = urls_for(role, populate(world, 30), world)
    big_counts = count_queries(client, big_urls)
    assert list(small_counts.values()) == list(big_counts.values()), (small_counts, big_counts)
    for url in big_urls:
        with django_assert_max_num_queries(MAX_QUERIES_FOR.get(url, MAX_QUERIES)):
            client.get(url)


@pytest.mark.parametrize("role", ["manager", "partner", "funder"])
def test_every_page_longer_than_the_count_cap_still_answers_in_the_same_queries(client, world, role, settings):
    """Past the count cap a capped page is a list, not a queryset: every page must still answer (found by
    the scale bench: the due lists called select_related on it, a server error at 10,000 awards), and in
    the queries it takes below the cap."""
    user = getattr(world, role)
    client.force_login(user)
    urls = urls_for(role, populate(world, 3), world)
    below = count_queries(client, urls)
    settings.DOWNLOAD_MAX_ROWS = 10_000  # (it follows the count cap; a download past it is refused in words)
    settings.PAGINATION_COUNT_CAP = settings.SEARCH_COUNT_CAP = settings.HISTORY_COUNT_CAP = 2
    past = count_queries(client, urls)
    assert past == below
