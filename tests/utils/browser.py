"""Steps the browser tests share: signing in to the admin, the admin's autocomplete widget, axe-core checks."""

import shutil
from pathlib import Path

import pytest

# Where browser tests keep their screenshots (git-ignored), for people to look at.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "correct horse battery staple"  # every UserFactory user's

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_FAILS_ON = {"serious", "critical"}


def log_in(page, url: str, username: str) -> None:
    """Open ``url`` (an admin page) and sign in on the login page it redirects to."""
    page.goto(url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def choose_in_autocomplete(page, field: str, search: str, option: str, *, within=None) -> None:
    """Pick ``option`` in the admin's autocomplete widget of ``field`` (select2), after typing ``search``."""
    (within or page).locator(f".field-{field} .select2-selection").click()
    page.keyboard.type(search)
    page.locator(".select2-results__option", has_text=option).click()


def axe_source() -> str:
    if not AXE_JS.exists():
        how = "run `make test`, or `npm ci`" if shutil.which("npm") else "install npm (`apt-get install -y npm`)"
        pytest.fail(f"axe-core is not installed at {AXE_JS}: {how} (package.json pins it).")
    return AXE_JS.read_text()


def serious_accessibility_violations(page) -> list[str]:
    """Run axe-core on the page as it is and describe each serious or critical violation, one line per node.

    axe is evaluated through the DevTools protocol, which the page's Content Security Policy does not govern,
    so the page is checked under its real policy (an injected <script> would be refused by it).
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}) at {' '.join(node['target'])}: {violation['help']}"
        f" [{node['failureSummary']}] {violation['helpUrl']}"
        for violation in results["violations"]
        if violation["impact"] in AXE_FAILS_ON
        for node in violation["nodes"]
    ]


def assert_accessible(page) -> None:
    violations = serious_accessibility_violations(page)
    assert not violations, f"axe-core on {page.url}:\n" + "\n".join(violations)
