"""The search page ``/``, used as a person would: search, filter, page, open, go back, share."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import LYON, screenshot
from .steps import (choose_what, distances_km, markers, results, search_gp_near_lyon, summary, wait_for_other_total,
                    wait_for_results)

pytestmark = pytest.mark.browser


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_searching_a_gp_near_lyon_shows_results_in_the_list_and_on_the_map(page, site):
    total = search_gp_near_lyon(page, site)

    assert total > 20
    expect(results(page)).to_have_count(10)
    expect(markers(page)).to_have_count(10)
    for text in results(page).locator(".annuaire-what").all_inner_texts():
        assert "Médecine générale" in text
    distances = distances_km(page)
    assert distances == sorted(distances) and distances[-1] <= 10
    expect(page.get_by_text("Données de démonstration")).to_be_visible()
    query = query_of(page)
    assert query["specialty"] == ["SM54"] and query["lieu"] == ["Lyon (69)"]
    assert "lat" in query and "lon" in query
    screenshot(page, "recherche-resultats")

    # the list and the map point at each other
    results(page).nth(2).hover()
    expect(markers(page).nth(2)).to_have_class(re.compile("is-active"))
    markers(page).nth(4).hover()
    expect(results(page).nth(4)).to_have_class(re.compile("is-active"))
    markers(page).nth(4).click()
    expect(results(page).nth(4).get_by_role("link").first).to_be_focused()


def test_the_sector_filter_changes_the_count_and_pages_move_forward_and_back(page, site):
    total = search_gp_near_lyon(page, site)
    sector_1 = page.get_by_role("checkbox", name=re.compile(r"^Secteur 1 \("))
    facet_count = int(re.search(r"\((\d+)\)", sector_1.locator("xpath=..").inner_text()).group(1))

    sector_1.check()
    filtered = wait_for_other_total(page, total)
    assert filtered == facet_count < total
    for tags in results(page).locator(".annuaire-tags").all_inner_texts():
        assert "Secteur 1" in tags and "dépassement" not in tags
    assert query_of(page)["sector"] == ["1"]

    page.get_by_role("button", name="Page suivante").click()
    expect(summary(page)).to_contain_text("page 2 sur")
    expect(page.get_by_role("heading", name="Résultats")).to_be_focused()
    expect(results(page).first.locator(".annuaire-result-num")).to_have_text("11")
    assert query_of(page)["page"] == ["2"]
    second_page_first = results(page).first.get_by_role("link").first.inner_text()
    screenshot(page, "recherche-page-2")

    # the address holds the search: another person opening it sees the same page
    other = page.context.new_page()
    other.goto(page.url)
    wait_for_results(other)
    expect(other.get_by_role("checkbox", name=re.compile(r"^Secteur 1 \("))).to_be_checked()
    expect(other.get_by_label("Où ?")).to_have_value("Lyon (69)")
    expect(results(other).first.get_by_role("link").first).to_have_text(second_page_first)
    other.close()

    # the back button goes back to page 1, then to the unfiltered search
    page.go_back()
    expect(summary(page)).to_contain_text("page 1 sur")
    page.go_back()
    expect(summary(page)).to_have_text(re.compile(rf"^{total} "))
    expect(sector_1).not_to_be_checked()


def test_opening_a_result_shows_its_card_and_closing_it_returns_to_the_list(page, site):
    search_gp_near_lyon(page, site)
    link = results(page).first.get_by_role("link").first
    name = re.sub(r"^\d+\.\s*", "", link.inner_text())

    link.click()
    card = page.get_by_role("dialog")
    expect(card.get_by_role("heading", level=2)).to_have_text(name)
    expect(card).to_contain_text("Médecine générale")
    expect(card).to_contain_text("Adresse")
    assert "fiche" in query_of(page)
    screenshot(page, "recherche-fiche", full_page=False)

    page.keyboard.press("Escape")
    expect(card).to_be_hidden()
    expect(link).to_be_focused()
    expect(page).not_to_have_url(re.compile(r"[?&]fiche="))  # history.back() lands asynchronously


def test_around_me_searches_around_the_browser_position(new_context, site):
    context = new_context(geolocation={"latitude": LYON[0], "longitude": LYON[1]}, permissions=["geolocation"])
    page = context.new_page()
    page.goto(site.url("/"))

    page.get_by_role("button", name="Autour de moi").click()

    wait_for_results(page)
    expect(summary(page)).to_contain_text("autour de vous")
    expect(page.get_by_label("Où ?")).to_have_value("Autour de moi")
    query = query_of(page)
    assert query["lat"] == [f"{LYON[0]:.3f}"] and query["lon"] == [f"{LYON[1]:.3f}"]
    distances = distances_km(page)
    assert distances and distances == sorted(distances) and distances[-1] <= 10
    expect(markers(page)).to_have_count(results(page).count())
    screenshot(page, "recherche-autour-de-moi")


def test_everything_works_with_the_keyboard_alone(page, site):
    page.goto(site.url("/"))
    what = page.get_by_label("Qui cherchez-vous ?")
    for _ in range(10):
        page.keyboard.press("Tab")
        if what.evaluate("node => node === document.activeElement"):
            break
    expect(what).to_be_focused()
    choose_what(page, "kiné", re.compile("Masseur-Kinésithérapeute"))
    page.keyboard.press("Tab")
    where = page.get_by_label("Où ?")
    expect(where).to_be_focused()
    page.keyboard.type("69003")
    expect(page.get_by_role("option", name=re.compile("^69003"))).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(where).to_have_value(re.compile("^69003"))
    page.keyboard.press("Enter")
    wait_for_results(page)

    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('annuaire-result-link')"):
            break
    first = results(page).first.get_by_role("link").first
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(first).to_be_focused()


def test_without_tiles_the_map_draws_the_departements_and_asks_the_configured_tile_server(page, site):
    tile_requests = []
    page.on("request", lambda request: tile_requests.append(request.url) if "/tiles/" in request.url else None)
    search_gp_near_lyon(page, site)

    expect(page.locator(".annuaire-map[data-outlines=loaded]")).to_have_count(1)
    assert page.locator(".leaflet-annuaire-outlines-pane path").count() >= 96
    assert tile_requests and all(url.startswith(site.tile_origin + "/tiles/") for url in tile_requests)
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("Tuiles de test")


def test_an_unknown_place_is_reported_next_to_the_field(page, site):
    page.goto(site.url("/"))
    page.get_by_label("Où ?").fill("Zzyzxville")
    page.get_by_role("button", name="Rechercher").click()
    where = page.get_by_label("Où ?")
    expect(where).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Lieu introuvable")).to_be_visible()
    expect(where).to_be_focused()
