"""Browser tests: the application on a temporary SQLite index, a "portal" on another origin, and
Debian's chromium driven by Playwright (sync API).

- The index holds 5,000 practitioners from the synthetic generator (3,500 over France, 1,500 more
  over the Rhône so that a Lyon search pages), plus one whose fields are HTML/script injections.
- The map tiles point at a closed local port: tiles fail, as they do without internet, and the
  pages must still draw the départements' outlines.
- Chromium missing is a failure, never a skip: ``scripts/ensure_chromium.sh`` installs it.
- Every test fails if a page raised an error, opened a JavaScript dialog (``alert``) or logged a
  console error other than the refused tiles.
"""
from __future__ import annotations

import dataclasses
import json
import os
import socket
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from api.app import create_app
from directory.backend import open_backend
from tests.contract.dataset import practitioner

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE_VERSION = "4.11.0"
AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
CHROMIUM = os.environ.get("ANNUAIRE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
PORTS = range(8200, 8300)
LYON = (45.7578, 4.8320)
XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_FIRST_NAME = "\"><svg onload=\"window.__xss=1\">"
XSS_ADDRESS = "<script>window.__xss=1</script> rue"


# -- the index ---------------------------------------------------------------------------------
class DepartementOnly:
    """A view of the reference geography limited to one département (for the generator)."""

    def __init__(self, reference, departement: str):
        self.communes = {code: commune for code, commune in reference.communes.items()
                         if commune.departement == departement}
        self.postal_codes = reference.postal_codes


def injection_practitioner():
    """A masseur-kinésithérapeute in Lyon 2e whose name, first name and address are markup."""
    base = practitioner("xss-1", XSS_NAME, XSS_FIRST_NAME, "70", 45.7560, 4.8300, sector="1", optam=False,
                        carte_vitale=True, postal_code="69002", commune_code="69382", departement="69",
                        commune="Lyon 2e Arrondissement")
    return dataclasses.replace(base, address=dataclasses.replace(base.address, line=XSS_ADDRESS))


def browser_population():
    from geodata.reference import load_reference
    from indexer.generator import generate_population

    reference = load_reference()
    people = list(generate_population(reference, 3500, seed=7))
    for person in generate_population(DepartementOnly(reference, "69"), 1500, seed=8):
        rpps = "2" + person.rpps[1:]
        people.append(dataclasses.replace(person, id="2" + person.id[1:], person_id=rpps, rpps=rpps))
    people.append(injection_practitioner())
    return people


@pytest.fixture(scope="session")
def index_url(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("browser") / "index.sqlite3"
    backend = open_backend(f"sqlite://{path}")
    try:
        backend.replace_all(iter(browser_population()), data_date="2026-01-15", demo=True)
    finally:
        backend.close()
    return f"sqlite://{path}"


# -- servers -----------------------------------------------------------------------------------
def free_ports(count: int) -> list[int]:
    found = []
    for port in PORTS:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    pytest.fail(f"pas {count} ports libres entre {PORTS.start} et {PORTS.stop - 1}")


class Server:
    """A WSGI app served by werkzeug in a thread."""

    def __init__(self, app, port: int):
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.origin = f"http://127.0.0.1:{port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name=f"serveur-{port}", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def portal_app(annuaire_origin: str):
    """Another site: pages with the search in an ``<iframe>`` and through ``widget.js``."""
    pages = {
        "/iframe.html": f"""<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Portail — iframe</title><link rel="icon" href="data:,"></head>
<body><h1>Portail de la ville</h1>
<iframe id="annuaire" title="Trouver un professionnel de santé" src="{annuaire_origin}/embed?profession=10&amp;place=Lyon"
        width="900" height="1100" allow="geolocation" style="border:1px solid #ccc"></iframe>
</body></html>""",
        "/widget.html": f"""<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Portail — widget</title><link rel="icon" href="data:,"></head>
<body><h1>Portail de la ville</h1><p>Texte du portail.</p>
<div id="recherche" data-annuaire-widget data-profession="10" data-place="Lyon"></div>
<script src="{annuaire_origin}/widget.js" async></script>
</body></html>""",
    }

    def app(environ, start_response):
        body = pages.get(environ.get("PATH_INFO", ""))
        if body is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"introuvable"]
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [body.encode("utf-8")]

    return app


class Site:
    """Where things are: the application, the portal, the (closed) tile server."""

    def __init__(self, origin: str, portal: str, tile_origin: str):
        self.origin = origin
        self.portal = portal
        self.tile_origin = tile_origin

    def url(self, path: str) -> str:
        return self.origin + path

    def portal_url(self, path: str) -> str:
        return self.portal + path


@pytest.fixture(scope="session")
def site(index_url):
    app_port, portal_port, tile_port = free_ports(3)
    portal_origin = f"http://127.0.0.1:{portal_port}"
    tile_origin = f"http://127.0.0.1:{tile_port}"
    app = create_app({"backend": index_url, "tile_url": tile_origin + "/tiles/{z}/{x}/{y}.png",
                      "tile_attribution": "Tuiles de test", "cors_origins": [portal_origin],
                      "frame_ancestors": ["'self'", portal_origin]})
    with Server(app, app_port) as annuaire, Server(portal_app(annuaire.origin), portal_port):
        yield Site(annuaire.origin, portal_origin, tile_origin)


# -- the browser -------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} est absent : lancez `bash scripts/ensure_chromium.sh` "
                    "(installe le paquet Debian chromium) ; les tests navigateur ne se sautent pas")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=10_000)  # a loaded CI machine (2 cores, Elasticsearch beside)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Watch:
    """What a page did that it should not: JavaScript dialogs, uncaught errors, console errors.
    Refused tiles are expected; a test that provokes an HTTP error declares it with :meth:`allow`."""

    def __init__(self, tile_origin: str):
        self.tile_origin = tile_origin
        self.allowed: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []

    def allow(self, url_part: str) -> None:
        self.allowed.append(url_part)

    def attach(self, page):
        def on_dialog(dialog):
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        def on_console(message):
            if message.type != "error":
                return
            where = (message.location or {}).get("url", "")
            if where.startswith(self.tile_origin) or any(part in where for part in self.allowed):
                return
            self.errors.append(f"console : {message.text} ({where})")

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda error: self.errors.append(f"erreur JavaScript : {error}"))
        page.on("console", on_console)
        return page

    def expect_quiet(self):
        assert not self.dialogs, f"une boîte de dialogue JavaScript s'est ouverte : {self.dialogs}"
        assert not self.errors, "\n".join(self.errors)


class Contexts:
    """Opens browser contexts (French, desktop size) whose pages are all watched."""

    def __init__(self, browser, site):
        self.browser = browser
        self.site = site
        self.opened: list[tuple[object, Watch]] = []

    def __call__(self, **options):
        options = {"locale": "fr-FR", "viewport": {"width": 1280, "height": 900}, **options}
        context = self.browser.new_context(**options)
        watch = Watch(self.site.tile_origin)
        context.on("page", watch.attach)
        context.set_default_timeout(10_000)
        self.opened.append((context, watch))
        return context

    def watch(self, page) -> Watch:
        return next(watch for context, watch in self.opened if context is page.context)

    def close(self):
        for context, _ in self.opened:
            context.close()
        for _, watch in self.opened:
            watch.expect_quiet()


@pytest.fixture
def new_context(browser, site):
    contexts = Contexts(browser, site)
    yield contexts
    contexts.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


def screenshot(page, name: str, full_page: bool = True) -> Path:
    """Saves a screenshot as a test artifact: ``test-artifacts/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def run_axe(page) -> list[dict]:
    """axe-core's serious and critical violations on the page (WCAG 2.x A/AA rules and best practices)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8") + "\n;undefined")
    violations = page.evaluate("""async () => {
        const results = await window.axe.run(document, {resultTypes: ['violations']});
        return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
    }""")
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def describe(violations: list[dict]) -> str:
    return json.dumps(violations, ensure_ascii=False, indent=1)
