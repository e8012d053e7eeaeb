"""The list pages filter through their resource's FilterSet, the one the API's list uses
(workflow.page_filters): the same meaning for every name, the page's own words and look."""

import re

import pytest

from grants.apis.awards import AwardViewSet
from grants.apis.payments import PaymentViewSet
from grants.filters import AwardPageFilter, PaymentPageFilter
from partnerships.apis import PartnershipViewSet, ProjectViewSet
from partnerships.filters import PartnershipPageFilter, ProjectPageFilter
from support.apis import NeedViewSet
from support.filters import NeedPageFilter
from tests import factories as f
from tests.helpers import force_state


@pytest.mark.parametrize(
    ("page_filter", "viewset"),
    [
        (AwardPageFilter, AwardViewSet),
        (PaymentPageFilter, PaymentViewSet),
        (PartnershipPageFilter, PartnershipViewSet),
        (ProjectPageFilter, ProjectViewSet),
        (NeedPageFilter, NeedViewSet),
    ],
)
def test_each_page_filters_with_the_apis_filterset(page_filter, viewset):
    assert issubclass(page_filter, viewset.filterset_class)
    # Every filter the page offers is one of the API's, except the page's "archived".
    assert set(page_filter.page_fields) - {"archived"} <= set(viewset.filterset_class.base_filters)


def _titles(response) -> set[str]:
    return set(re.findall(r"Page filter award \w+", response.content.decode()))


def test_award_page_and_api_mean_the_same_by_a_filter(client, world):
    force_state(f.AwardFactory(programme=world.programme, title="Page filter award active"), "active")
    f.AwardFactory(programme=world.programme, title="Page filter award draft")
    f.AwardFactory(programme=world.programme_b, title="Page filter award elsewhere")
    client.force_login(world.manager)
    for query, expected in [
        ("state=active", {"Page filter award active"}),
        (f"programme={world.programme.pk}", {"Page filter award active", "Page filter award draft"}),
        ("q=draft", {"Page filter award draft"}),
        # An id the person cannot see narrows to nothing, on the page as in the API (not to everything).
        (f"programme={world.programme_b.pk}", set()),
        ("programme=999999", set()),
    ]:
        assert _titles(client.get(f"/awards/?{query}")) == expected, query
        api = client.get(f"/api/v1/awards/?{query}").json()["results"]
        assert {a["title"] for a in api if a["title"].startswith("Page filter")} == expected, query


def test_a_page_filter_that_does_not_validate_filters_nothing_and_says_so(client, world):
    f.AwardFactory(programme=world.programme, title="Page filter award draft")
    client.force_login(world.manager)
    response = client.get("/awards/?state=nonsense&q=zzz")
    assert _titles(response) == {"Page filter award draft"}
    assert 'id="id_state"' in response.content.decode() and "govuk-select--error" in response.content.decode()


def test_archived_awards_stay_off_the_page_unless_asked_for(client, world):
    award = f.AwardFactory(programme=world.programme, title="Page filter award archived")
    type(award).objects.filter(pk=award.pk).update(archived_at="2026-01-01T00:00:00Z")
    f.AwardFactory(programme=world.programme, title="Page filter award draft")
    client.force_login(world.manager)
    assert _titles(client.get("/awards/")) == {"Page filter award draft"}
    assert _titles(client.get("/awards/?archived=only")) == {"Page filter award archived"}
    assert len(_titles(client.get("/awards/?archived=include"))) == 2


def test_the_page_shows_only_its_own_filters_in_its_own_words(client, world):
    client.force_login(world.manager)
    page = client.get("/payments/").content.decode()
    form = re.search(r'<form method="get" class="exchange-filters".*?</form>', page, re.S).group(0)
    assert re.findall(r'name="(\w+)"', form) == ["q", "state", "programme", "when"]
    assert '<option value="" selected>Any programme</option>' in form
    assert f'<option value="{world.programme.pk}">WM Fund</option>' in form
    assert "EM Fund" not in form  # only the programmes the manager may see are offered
