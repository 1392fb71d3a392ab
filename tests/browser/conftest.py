"""Browser tests: Playwright for Python driving Debian's Chromium against a live server on PostgreSQL.

Every test starts from the demo world (`seed_demo`). Screenshots land in tests/browser/screenshots/
(git-ignored). Chromium comes from the system (`CHROMIUM_PATH`, default /usr/bin/chromium); the
suite fails, never skips, when it is missing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the tests also use the ORM directly.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (`.ci/run` does).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def demo(transactional_db: None, settings, tmp_path, request) -> None:  # type: ignore[no-untyped-def]
    """The personas' world; with ``@pytest.mark.organisation`` also the organisation around them (about
    15 s more on PostgreSQL, so only where a test needs a year of history)."""
    from reviews.demo import seed_demo
    from tests.conftest import ensure_seeded_error_types

    settings.MEDIA_ROOT = tmp_path  # the demo's recordings go to this test's own folder
    ensure_seeded_error_types()  # seeded by a data migration, which a flush between tests removes
    seed_demo(organisation=request.node.get_closest_marker("organisation") is not None)


class Session:
    """One person's browser tab, with what a test needs: log in, go to a page, take its screenshot."""

    def __init__(self, page, base_url: str, problems: list[str], expected: list[str]):  # type: ignore[no-untyped-def]
        self.page = page
        self.base_url = base_url
        self.problems = problems
        self.expected = expected

    def expect_refusal(self) -> None:
        """The test submits a form that is refused: its 400 answer is logged by Chromium as a console error."""
        self.expected.append("the server responded with a status of 400")

    def log_in(self, username: str) -> None:
        self.page.goto(f"{self.base_url}/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", "demo-password")
        self.page.click("main form button[type=submit]")
        self.page.wait_for_url(re.compile(r"^(?!.*/login/).*$"))

    def go(self, path: str) -> None:
        response = self.page.goto(f"{self.base_url}{path}")
        assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def open_session(browser, live_server, demo):  # type: ignore[no-untyped-def]
    """Open a fresh browser context (no cookies) per person; console errors and CSP violations fail the test."""
    contexts = []
    problems: list[str] = []
    expected: list[str] = []

    def opener() -> Session:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        return Session(page, live_server.url, problems, expected)

    yield opener
    for context in contexts:
        context.close()
    unexpected = [p for p in problems if not any(e in p for e in expected)]
    assert unexpected == [], f"browser console errors: {unexpected}"
