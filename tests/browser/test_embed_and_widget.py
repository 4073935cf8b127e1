"""The search embedded in another site: ``/embed`` in an ``<iframe>`` and ``/widget.js`` in a
``<div>``, both on a portal served from another origin (another port)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import screenshot
from .steps import markers, results, summary, wait_for_other_total, wait_for_results

pytestmark = pytest.mark.browser


def test_the_embed_page_works_inside_an_iframe_of_another_origin(page, site):
    page.goto(site.portal_url("/iframe.html"))
    frame = page.frame_locator("iframe#annuaire")

    total = wait_for_results(frame)
    assert total > 10
    expect(frame.get_by_text("Uniquement : Médecin")).to_be_visible()
    expect(frame.get_by_label("Où ?")).to_have_value("Lyon (69)")
    for text in results(frame).locator(".annuaire-what").all_inner_texts():
        assert text.startswith("Médecin")
    expect(markers(frame)).to_have_count(results(frame).count())
    screenshot(page, "integration-iframe")

    frame.get_by_role("button", name="Page suivante").click()
    expect(summary(frame)).to_contain_text("page 2 sur")
    assert page.url == site.portal_url("/iframe.html")

    link = results(frame).first.get_by_role("link").first
    name = re.sub(r"^\d+\.\s*", "", link.inner_text())
    link.click()
    expect(frame.get_by_role("dialog").get_by_role("heading", level=2)).to_have_text(name)


def test_widget_js_mounts_the_search_in_a_div_of_another_origin(page, site):
    api_calls = []
    page.on("request", lambda request: api_calls.append(request.url) if "/api/v1/" in request.url else None)
    page.goto(site.portal_url("/widget.html"))
    widget = page.locator("#recherche")

    total = wait_for_results(widget)
    assert total > 10
    expect(widget.get_by_text("Uniquement : Médecin")).to_be_visible()
    expect(markers(widget)).to_have_count(results(widget).count())
    expect(page.get_by_role("heading", level=1)).to_have_text("Portail de la ville")
    assert api_calls and all(url.startswith(site.origin + "/api/v1/") for url in api_calls)

    what = widget.get_by_label("Qui cherchez-vous ?")
    what.fill("pédiatre")
    expect(widget.get_by_role("option", name=re.compile("Pédiatrie"))).to_be_visible()
    what.press("ArrowDown")
    what.press("Enter")
    widget.get_by_role("button", name="Rechercher").click()
    assert 0 < wait_for_other_total(widget, total) < total
    for text in results(widget).locator(".annuaire-what").all_inner_texts():
        assert "Pédiatrie" in text
    screenshot(page, "integration-widget")
