"""Browser tests: the real servers, the built site, and Debian's Chromium driven by
Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Optional

import pytest

from harness.servers import MODEL

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Flags for a closed network: no background calls home, no component updates.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make test`")


@pytest.fixture
def stack(shared_servers, shared_site):
    """The session's default servers and their site (tests/stacks.py; each module starting
    its own cost ~10 s), for every browser test that needs no special settings: tests keep
    to their own conversations, and a test that stops the Rasa server starts it again
    before it ends (or the next test's ``shared_servers`` does)."""
    return shared_servers, shared_site


def _wait_for_function_without_eval(
    self: Any,
    expression: str,
    *,
    arg: Any = None,
    timeout: Optional[float] = None,
    **_playwright_options: Any,  # polling: we poll every 50 ms
) -> Any:
    """Playwright's ``wait_for_function`` builds its predicate with ``eval`` inside the page,
    which the site's Content-Security-Policy rightly forbids; ``evaluate`` goes through the
    DevTools protocol, which CSP does not govern. So poll with ``evaluate``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    deadline = time.monotonic() + (30000 if timeout is None else timeout) / 1000
    while True:
        value = self.evaluate(expression, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise PlaywrightTimeoutError(f"timed out waiting for: {expression[:120]}")
        time.sleep(0.05)


@pytest.fixture(scope="session", autouse=True)
def csp_safe_waits():
    """Browser tests run the site with its real CSP (never ``bypass_csp``)."""
    from playwright.sync_api import Page

    original = Page.wait_for_function
    Page.wait_for_function = _wait_for_function_without_eval
    yield
    Page.wait_for_function = original


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    opened = context.new_page()
    yield opened
    context.close()
