"""Real-browser tests: Debian's Chromium driven by Playwright against Django's live server."""

import os
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

from tests.utils.browser import SCREENSHOTS

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# On SQLite the live server's threads share the test's one in-memory connection, and two requests at once (a page
# and the live Markdown preview it fires) can break it ("bad parameter or other API misuse"): serve one request
# at a time. Django's single-threaded server closes each connection, so the browser never waits on a kept one.
class OneRequestAtATimeServer(WSGIServer):
    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)  # requests run in the server's thread, which already has the overrides


LiveServerThread.server_class = OneRequestAtATimeServer

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between browser steps
# are ordinary synchronous code, so Django's async-safety guard does not apply to them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: `apt-get install -y chromium` (.ci/run does it).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Open pages in fresh browser contexts (separate cookies), closed at the end of the test."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


# Data migrations whose rows browser tests rely on: the Editors and Moderators groups and their permissions, the
# built-in article template, the Editors' rights on author profiles.
DATA_MIGRATIONS = [
    ("articles", "0003_editor_and_moderator_groups"),
    ("comments", "0002_moderator_permissions"),
    ("articles", "0007_article_templates"),
    ("articles", "0012_authors"),
]


@pytest.fixture
def data_from_migrations(transactional_db):
    """Create again the rows of DATA_MIGRATIONS, which the flush after an earlier transactional test removed.

    (serialized_rollback cannot restore them here: that flush recreates the content types, and reloading the
    serialized ones then collides with them.)
    """
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    loader = MigrationLoader(connection)
    for key in DATA_MIGRATIONS:
        state_apps = loader.project_state(key, at_end=True).apps
        for operation in loader.get_migration(*key).operations:
            if isinstance(operation, RunPython):
                operation.code(state_apps, None)
