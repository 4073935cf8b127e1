"""The first load of ``/`` transfers less than 300 KB, map tiles excepted (measured with the
browser's Resource Timing: ``transferSize`` = compressed bodies + headers, fresh cache), and so
does opening a shared search link, which also loads the map and the départements' outlines."""
from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from .conftest import ROOT
from .steps import wait_for_results

pytestmark = pytest.mark.browser

BUDGET_BYTES = 300 * 1024
REPORT = ROOT / "test-artifacts" / "transfer-size.json"

RESOURCE_TIMING = """() => {
    const navigation = performance.getEntriesByType('navigation')[0];
    return [{name: navigation.name, transferSize: navigation.transferSize, encodedBodySize: navigation.encodedBodySize,
             decodedBodySize: navigation.decodedBodySize}]
        .concat(performance.getEntriesByType('resource').map(r => ({name: r.name, transferSize: r.transferSize,
             encodedBodySize: r.encodedBodySize, decodedBodySize: r.decodedBodySize})));
}"""


def measure(page, site) -> dict:
    """Transferred bytes of the page and its resources so far, tiles excepted, by two measures:
    Resource Timing in the page, and Playwright's per-request sizes (headers + body on the wire)."""
    entries = [entry for entry in page.evaluate(RESOURCE_TIMING) if not entry["name"].startswith(site.tile_origin)]
    return {"resource_timing_bytes": sum(entry["transferSize"] for entry in entries),
            "uncompressed_bytes": sum(entry["decodedBodySize"] for entry in entries),
            "files": {entry["name"].replace(site.origin, ""): entry["transferSize"] for entry in entries}}


def wire_bytes(requests, site) -> int:
    total = 0
    for request in requests:
        if request.url.startswith(site.tile_origin):
            continue
        sizes = request.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    return total


@pytest.fixture
def record():
    measures = {}
    yield measures
    if measures:
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        previous = json.loads(REPORT.read_text(encoding="utf-8")) if REPORT.exists() else {}
        REPORT.write_text(json.dumps({**previous, **measures}, ensure_ascii=False, indent=1), encoding="utf-8")


def test_the_first_load_of_the_search_page_is_under_300_kb(new_context, site, record):
    page = new_context().new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(site.url("/"), wait_until="networkidle")
    expect(page.get_by_text("Données de démonstration")).to_be_visible()

    measured = measure(page, site)
    measured["playwright_bytes"] = wire_bytes(finished, site)
    record["first_load_of_/"] = measured
    assert 0 < measured["resource_timing_bytes"] < BUDGET_BYTES, measured
    assert 0 < measured["playwright_bytes"] < BUDGET_BYTES, measured


def test_opening_a_shared_search_with_its_map_is_under_300_kb(new_context, site, record):
    page = new_context().new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    query = urlencode({"specialty": "SM54", "lieu": "Lyon (69)", "lat": "45.75485", "lon": "4.83638"})
    page.goto(site.url(f"/?{query}"))
    wait_for_results(page)
    expect(page.locator(".annuaire-map[data-outlines=loaded]")).to_have_count(1)
    page.wait_for_load_state("networkidle")

    measured = measure(page, site)
    measured["playwright_bytes"] = wire_bytes(finished, site)
    record["first_load_of_a_search_link_with_map_and_outlines"] = measured
    assert "/static/departements.geojson" in measured["files"]
    assert 0 < measured["resource_timing_bytes"] < BUDGET_BYTES, measured
    assert 0 < measured["playwright_bytes"] < BUDGET_BYTES, measured
