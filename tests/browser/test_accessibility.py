"""axe-core (vendored from the npm registry, injected here) finds no serious or critical
violation on the three pages, in the states people see: with results, a card open, offices."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import describe, run_axe, screenshot
from .steps import results, search_gp_near_lyon, wait_for_results

pytestmark = pytest.mark.browser


def test_the_search_page_has_no_serious_accessibility_violation(page, site):
    page.goto(site.url("/"))
    expect(page.locator(".annuaire-form")).to_be_visible()
    assert run_axe(page) == [], describe(run_axe(page))

    search_gp_near_lyon(page, site)
    expect(page.locator(".annuaire-map[data-outlines=loaded]")).to_have_count(1)
    violations = run_axe(page)
    assert violations == [], describe(violations)

    results(page).first.locator(".annuaire-result-link").click(position={"x": 8, "y": 8})
    expect(page.get_by_role("dialog").get_by_text("Adresse")).to_be_visible()
    violations = run_axe(page)
    assert violations == [], describe(violations)


def test_the_contacts_page_has_no_serious_accessibility_violation(page, site):
    page.goto(site.url("/contacts?postal_code=20000"))
    expect(page.locator(".annuaire-caisse .annuaire-pin")).to_have_count(4)
    violations = run_axe(page)
    assert violations == [], describe(violations)


def test_the_embed_page_has_no_serious_accessibility_violation(page, site):
    page.goto(site.url("/embed?profession=10&place=Lyon"))
    wait_for_results(page)
    violations = run_axe(page)
    assert violations == [], describe(violations)
    screenshot(page, "integration-embed")
