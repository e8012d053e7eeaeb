"""The navigation fits each role: one "Updates", the one right section marked, no manager's queues
offered to partners and funders."""

import re

import pytest

from tests import factories as f
from tests.helpers import force_state
from workflow.templatetags.navigation import current_section


def _menu(client, user, url="/") -> tuple[list[str], list[str]]:
    client.force_login(user)
    page = client.get(url).content.decode()
    nav = page.split('id="navigation"', 1)[1].split("</ul>", 1)[0]
    labels = re.findall(r'class="govuk-service-navigation__link" href="[^"]*"[^>]*>(?:<strong[^>]*>)?([^<]+)<', nav)
    current = re.findall(r'aria-current="page">(?:<strong[^>]*>)?([^<]+)<', nav)
    return labels, current


def test_each_role_gets_its_own_menu_with_one_updates(client, world):
    manager, _ = _menu(client, world.manager)
    partner, _ = _menu(client, world.partner)
    funder, _ = _menu(client, world.funder)
    assert manager.count("Updates") == 1 and partner.count("Updates") == 1
    assert "Inbox" in manager and "Inbox" in partner and "Inbox" in funder
    assert "Programmes" not in partner and "Reach" not in partner
    assert "Updates" not in funder and "Projects" not in funder
    assert "Your account" in manager


@pytest.mark.parametrize(
    "view,section",
    [
        ("grants:payment_create", "Payments"),
        ("grants:payment_detail", "Payments"),
        ("grants:award_detail", "Awards"),
        ("reporting:what_works", "What works"),
        ("reporting:review_queue", "Updates"),
        ("reporting:update_detail", "Updates"),
        ("partnerships:project_edit", "Projects"),
        ("home", "Dashboard"),
        ("inbox:inbox", "Inbox"),
        ("inbox:account", None),
    ],
)
def test_a_page_belongs_to_one_section(view, section):
    assert current_section(view) == section


def test_the_payment_form_marks_only_payments(client, world):
    award = force_state(f.AwardFactory(programme=world.programme, amount_awarded=10000), "active")
    _, current = _menu(client, world.manager, f"/awards/{award.pk}/payments/new/")
    assert current == ["Payments"]
    _, current = _menu(client, world.manager, "/updates/what-works/")
    assert current == ["What works"]


def test_partners_are_not_offered_the_managers_queues(client, world):
    client.force_login(world.partner)
    page = client.get("/updates/").content.decode()
    assert "Review queue" not in page and "Overdue and missing" not in page
    client.force_login(world.manager)
    page = client.get("/updates/").content.decode()
    assert "Review queue" in page and "Overdue and missing" in page
