"""Data is shown as text, never run: a practitioner whose name, first name and address are HTML
and script, and the same in the page address."""
from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from .conftest import XSS_ADDRESS, XSS_FIRST_NAME, XSS_NAME, screenshot
from .steps import markers, results, wait_for_results

pytestmark = pytest.mark.browser

NOTHING_RAN = "() => window.__xss === undefined"


def expect_no_injected_markup(page):
    assert page.evaluate(NOTHING_RAN), "un script injecté s'est exécuté"
    assert page.locator(".annuaire img:not(.leaflet-tile), .annuaire svg[onload], .annuaire script, [onerror], [onload]").count() == 0


def test_a_practitioner_named_with_markup_is_shown_as_text_and_never_run(page, site):
    page.goto(site.url("/"))
    page.get_by_label("Qui cherchez-vous ?").fill(XSS_NAME)
    page.get_by_label("Qui cherchez-vous ?").press("Enter")
    wait_for_results(page)

    item = results(page).filter(has_text=XSS_NAME)
    expect(item).to_have_count(1)
    expect(item.locator(".annuaire-result-link")).to_have_text(re.compile(re.escape(f"{XSS_FIRST_NAME} {XSS_NAME}")))
    expect(item).to_contain_text(XSS_ADDRESS)
    expect_no_injected_markup(page)

    marker = markers(page).first
    expect(marker).to_have_attribute("aria-label", re.compile(re.escape(XSS_NAME)))
    marker.hover()
    expect(page.locator(".leaflet-tooltip")).to_contain_text(XSS_NAME)

    item.locator(".annuaire-result-link").click(position={"x": 8, "y": 8})
    card = page.get_by_role("dialog")
    expect(card.get_by_role("heading", level=2)).to_have_text(f"{XSS_FIRST_NAME} {XSS_NAME}")
    expect(card).to_contain_text(XSS_ADDRESS)
    expect_no_injected_markup(page)
    screenshot(page, "injection-fiche", full_page=False)


def test_markup_in_the_page_address_is_shown_as_text(page, site):
    query = urlencode({"q": "<script>window.__xss=1</script>", "lieu": XSS_NAME, "lat": "45.757", "lon": "4.832"})
    page.goto(site.url(f"/?{query}"))
    expect(page.get_by_label("Où ?")).to_have_value(XSS_NAME)
    expect(page.locator(".annuaire-summary")).to_contain_text(XSS_NAME)
    expect(page.get_by_label("Qui cherchez-vous ?")).to_have_value("<script>window.__xss=1</script>")
    expect_no_injected_markup(page)

    typed = "<svg onload=alert(2)>"
    page.get_by_label("Où ?").fill(typed)
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_text(f"Lieu introuvable : « {typed} »")).to_be_visible()
    expect_no_injected_markup(page)
