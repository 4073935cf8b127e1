"""What a person does on the search page, as reusable steps, and how to read what they see."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

TOTAL = re.compile(r"^([\d\s\u202f\u00a0]+) professionnels? trouvés?")
DISTANCE = re.compile(r"À ([\d,]+) (m|km)")


def summary(scope):
    return scope.locator(".annuaire-summary")


def results(scope):
    return scope.locator(".annuaire-result")


def markers(scope):
    return scope.locator(".annuaire-pin")


def wait_for_results(scope) -> int:
    """Waits until a search has answered; returns the announced total."""
    expect(summary(scope)).to_have_text(TOTAL)
    return announced_total(scope)


def wait_for_other_total(scope, previous: int) -> int:
    """Waits until a new search announces a total other than ``previous``; returns it."""
    expect(summary(scope)).to_have_text(re.compile(rf"^(?!{previous}\s)\d[\d\s\u202f\u00a0]* professionnels? trouvés?"))
    return announced_total(scope)


def announced_total(scope) -> int:
    match = TOTAL.match(summary(scope).inner_text())
    assert match, summary(scope).inner_text()
    return int(re.sub(r"\D", "", match.group(1)))


def distances_km(scope) -> list[float]:
    values = []
    for text in scope.locator(".annuaire-distance").all_inner_texts():
        match = DISTANCE.search(text)
        assert match, text
        value = float(match.group(1).replace(",", "."))
        values.append(value / 1000 if match.group(2) == "m" else value)
    return values


def choose_what(scope, text: str, option: re.Pattern):
    """Types in the "what" box and picks the suggestion with the arrow keys and Enter."""
    what = scope.get_by_label("Qui cherchez-vous ?")
    what.fill(text)
    expect(scope.get_by_role("option", name=option)).to_be_visible()
    for _ in range(scope.get_by_role("option").count()):
        what.press("ArrowDown")
        if option.search(scope.locator(".annuaire-option.is-active").inner_text()):
            break
    else:
        raise AssertionError(f"aucune suggestion {option.pattern} atteinte au clavier")
    what.press("Enter")
    expect(what).to_have_value(option)


def choose_place(scope, text: str, option: re.Pattern):
    """Types in the "where" box and clicks a place suggestion."""
    where = scope.get_by_label("Où ?")
    where.fill(text)
    scope.get_by_role("option", name=option).click()


def search_gp_near_lyon(page: Page, site) -> int:
    """Search "médecin généraliste" near "Lyon" from the home page; returns the announced total."""
    page.goto(site.url("/"))
    choose_what(page, "médecin généraliste", re.compile("Médecine générale"))
    choose_place(page, "Lyon", re.compile(r"^Lyon \(69\)"))
    page.get_by_role("button", name="Rechercher").click()
    return wait_for_results(page)
