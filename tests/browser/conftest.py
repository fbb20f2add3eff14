"""Playwright driving Debian's Chromium against a live test server, with axe-core on every page.

Browser tests skip on a laptop without Chromium, never in CI (CI=true fails instead).
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures
# are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def career_clusters(db):
    """Reload the clusters a data migration wrote: each transactional test ends with a flush.

    serialized_rollback cannot be relied on here: once Playwright's loop runs, Django may hand
    a test a different connection object from the one the serialized data hangs on.
    """
    import importlib

    from django.apps import apps

    importlib.import_module("trellis.opportunities.migrations.0002_load_career_clusters").load(apps, None)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is required in CI but {CHROMIUM} is missing")
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def make_page(browser, live_server):
    contexts = []

    def factory(*, width=1280, height=900):
        context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": height})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def page(make_page):
    return make_page()


class AxeChecker:
    """Runs axe-core on a page and fails on serious or critical violations."""

    def __init__(self):
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.pages_checked = []

    def check(self, page):
        results = self.axe.run(page)
        bad = [
            v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")
        ]
        self.pages_checked.append(page.url)
        if bad:
            lines = [
                f"{v['id']} ({v['impact']}): {v['help']} — "
                + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
                for v in bad
            ]
            pytest.fail(f"axe found serious/critical violations on {page.url}:\n" + "\n".join(lines))
        return results


@pytest.fixture
def axe():
    return AxeChecker()


def login(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def personas(fresh_personas):
    """Browser tests run against a live server (transactional), so each builds its own world."""
    return fresh_personas
