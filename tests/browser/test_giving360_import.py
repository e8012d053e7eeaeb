"""The 360Giving journey in a real browser: a manager uploads a funder's real published file on
/programmes/360giving/import/, sees the preview with its problems grouped by cause, imports the grants that
are right and sees the quality checks; axe-core finds no serious or critical problem on the way."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from grants.models import Award

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DATA = Path(__file__).resolve().parents[1] / "exchange_formats" / "data"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}


def test_a_manager_imports_a_funders_file_and_sees_the_quality_checks(browser_page, world, tmp_path):
    page = browser_page
    sign_in(page, "manager")
    page.goto(page.base + "/programmes/360giving/")
    page.get_by_role("link", name="Import a funder's 360Giving file").click()
    assert_accessible(page, "giving360-import-form")

    not_360 = tmp_path / "grants.csv"
    not_360.write_text("Name,Colour\nA,red\n", encoding="utf-8")
    page.get_by_label("360Giving file").set_input_files(str(not_360))
    page.get_by_label("Programme (optional)").fill("Lloyds programmes")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("has none of the 360Giving column titles")
    assert page.get_by_label("Programme (optional)").input_value() == "Lloyds programmes"
    assert_accessible(page, "giving360-import-form-error")

    page.get_by_label("Programme (optional)").fill("")
    page.get_by_label("360Giving file").set_input_files(str(DATA / "lloyds-bank-foundation.json"))
    page.get_by_label("As awarded: grants the funder has already made", exact=False).check()
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview")).to_contain_text("lloyds-bank-foundation.json: 50 grants (JSON data package).")
    expect(page.locator("#problems")).to_contain_text(
        "2 grants: column “Description”: this column is empty; the 360Giving standard requires a description"
    )
    expect(page.get_by_role("heading", name="Data quality of this file")).to_be_visible()
    assert Award.objects.count() == 0
    assert_accessible(page, "giving360-import-preview")

    page.get_by_role("button", name="Import the 48 that are right").click()
    page.wait_for_url(page.base + "/programmes/360giving/")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("48 imported")
    expect(page.get_by_role("link", name="Download the rows left out")).to_be_visible()
    expect(page.locator("main")).to_contain_text("on the 48 approved and later awards")
    expect(page.get_by_role("table").first).to_be_visible()
    assert Award.objects.count() == 48
    assert_accessible(page, "giving360-quality-after-import")
