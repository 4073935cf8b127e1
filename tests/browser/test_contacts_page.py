"""The contacts page ``/contacts``: a postal code → the caisse(s), the 3646, the reception offices."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import screenshot
from .steps import distances_km

pytestmark = pytest.mark.browser


def look_up(page, site, postal_code: str):
    page.goto(site.url("/contacts"))
    field = page.get_by_label("Votre code postal")
    field.fill(postal_code)
    field.press("Enter")
    return field


def test_looking_up_20000_shows_the_caisse_of_corse_du_sud_with_its_offices(page, site):
    look_up(page, site, "20000")

    caisse = page.get_by_role("region", name="CPAM de la Corse-du-Sud", exact=True)
    expect(caisse).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("20000 (Ajaccio")
    expect(caisse.locator("address")).to_contain_text("Ajaccio Cedex 9")
    expect(caisse.get_by_role("link", name="3646")).to_have_attribute("href", "tel:3646")
    offices = caisse.locator(".annuaire-result")
    expect(offices.first).to_contain_text("Siège d'Ajaccio")
    distances = distances_km(caisse)
    assert len(distances) == offices.count() >= 2 and distances == sorted(distances)
    expect(caisse.locator(".annuaire-pin")).to_have_count(offices.count())
    expect(page.get_by_text("à jour au 19 avril 2015")).to_be_visible()
    expect(page.locator(".annuaire-notice")).to_have_count(0)
    assert page.url.endswith("/contacts?postal_code=20000")
    screenshot(page, "contacts-20000")


def test_an_inferred_caisse_carries_the_approximate_notice(page, site):
    look_up(page, site, "25110")
    expect(page.locator(".annuaire-notice")).to_contain_text("Caisse déduite")
    expect(page.locator(".annuaire-caisse")).to_have_count(2)


def test_a_malformed_or_unknown_postal_code_is_reported_on_the_field(page, site, new_context):
    new_context.watch(page).allow("/api/v1/cpam?postal_code=99999")
    field = look_up(page, site, "2000")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Le code postal compte 5 chiffres")).to_be_visible()

    field.fill("99999")
    field.press("Enter")
    expect(page.get_by_role("status")).to_have_text(re.compile("n'existe pas"))
    expect(field).to_have_attribute("aria-invalid", "true")


def test_the_back_button_returns_to_the_previous_postal_code(page, site):
    field = look_up(page, site, "20000")
    expect(page.get_by_role("region", name="CPAM de la Corse-du-Sud", exact=True)).to_be_visible()
    field.fill("69003")
    field.press("Enter")
    expect(page.get_by_role("region", name="CPAM du Rhône", exact=True)).to_be_visible()
    page.go_back()
    expect(page.get_by_role("region", name="CPAM de la Corse-du-Sud", exact=True)).to_be_visible()
    expect(field).to_have_value("20000")
