"""The chat widget on a phone and on a desktop: when the panel opens by itself, where a long
answer starts, focus while the panel covers the screen, 200 % zoom and 320 px, and the
screenshots the README shows (docs/screenshots/widget-<phone|desktop>-<moment>.png)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.test_widget import ask, open_widget

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "docs" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
OPTIONS_QUESTION = "is mediation free?"
SHORT_QUESTION = "is mediation voluntary?"
LONG_QUESTION = "do I need a lawyer for mediation, and who pays for one?"


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def panel_open(page) -> bool:
    return page.locator(".iep-chat-panel").is_visible()


def wait_connected(page) -> None:
    page.wait_for_selector(
        ".iep-chat-status[data-state=connected]", state="attached", timeout=20000
    )


def reply_position(page):
    """Where the latest reply starts in the message area, and how tall it is: the reply is
    every bubble after the parent's last message."""
    return page.evaluate(
        """(() => {
        const log = document.querySelector('.iep-chat-log');
        const bubbles = [...log.querySelectorAll('.iep-msg')];
        const lastUser = bubbles.map(b => b.classList.contains('iep-msg-user')).lastIndexOf(true);
        const reply = bubbles.slice(lastUser + 1);
        const top = reply[0].getBoundingClientRect().top - log.getBoundingClientRect().top;
        const height = reply[reply.length - 1].getBoundingClientRect().bottom
            - reply[0].getBoundingClientRect().top;
        return {top, height, view: log.clientHeight,
                padding: parseFloat(getComputedStyle(log).paddingTop),
                atEnd: log.scrollTop + log.clientHeight >= log.scrollHeight - 1};
        })()"""
    )


def test_on_a_phone_the_chat_opens_by_itself_only_for_a_message_being_typed(stack, phone):
    _, site = stack
    page = phone
    open_widget(page, site)
    ask(page, OPTIONS_QUESTION)
    page.reload()
    wait_connected(page)  # a conversation to resume: it connects, but stays out of the way
    assert not panel_open(page)
    assert page.locator("button.iep-chat-launcher").is_visible()
    # A half-typed message: the next page opens the chat with it, ready to send.
    page.click("button.iep-chat-launcher")
    page.fill("textarea.iep-chat-input", "how long does it take")
    page.goto(site.url("/demo/rights.html"))
    page.wait_for_selector(".iep-chat-panel", state="visible", timeout=5000)
    assert page.input_value("textarea.iep-chat-input") == "how long does it take"
    wait_connected(page)
    answers = page.locator(".iep-source").count()
    page.focus("textarea.iep-chat-input")
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"document.querySelectorAll('.iep-source').length > {answers}", timeout=20000
    )
    # Sent: nothing is being typed any more, so the next page stays closed.
    page.goto(site.url("/demo/"))
    wait_connected(page)
    assert not panel_open(page)


def test_on_a_wide_screen_the_chat_stays_open_from_page_to_page(stack, page):
    _, site = stack
    open_widget(page, site)
    page.goto(site.url("/demo/rights.html"))
    page.wait_for_selector(".iep-chat-panel", state="visible", timeout=5000)
    page.click("button.iep-chat-close")
    page.reload()
    page.wait_for_selector("button.iep-chat-launcher", state="visible")
    assert not panel_open(page)


def test_full_screen_the_panel_keeps_focus_inside_and_gives_it_back_on_close(stack, phone):
    _, site = stack
    page = phone
    page.goto(site.url("/demo/"))
    page.focus("button.iep-chat-launcher")
    page.keyboard.press("Enter")
    wait_connected(page)
    ask(page, OPTIONS_QUESTION)
    assert page.get_attribute(".iep-chat-panel", "aria-modal") == "true"
    inside = "document.querySelector('.iep-chat-panel').contains(document.activeElement)"
    focusable = page.evaluate(
        "document.querySelectorAll('.iep-chat-panel button, .iep-chat-panel a[href],"
        ' .iep-chat-panel textarea, .iep-chat-panel [tabindex="0"]\').length'
    )
    seen = set()
    for _ in range(focusable + 3):  # round the panel and past its end: never out of it
        page.keyboard.press("Tab")
        assert page.evaluate(inside)
        seen.add(
            page.evaluate("document.activeElement.className || document.activeElement.tagName")
        )
    assert {"iep-chat-close", "iep-chat-input"} <= seen
    for _ in range(focusable + 3):
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(inside)
    page.keyboard.press("Escape")
    assert not panel_open(page)
    assert page.evaluate("document.activeElement.classList.contains('iep-chat-launcher')")


@pytest.mark.parametrize(
    "viewport, scale",
    [
        ({"width": 180, "height": 370}, 2),  # a 360 x 740 phone at 200 % zoom
        ({"width": 320, "height": 568}, 1),
    ],
    ids=["360px-at-200-percent", "320px"],
)
def test_zoomed_and_narrow_everything_fits_without_sideways_scrolling(
    stack, browser, viewport, scale
):
    _, site = stack
    context = browser.new_context(viewport=viewport, device_scale_factor=scale, is_mobile=True)
    page = context.new_page()
    open_widget(page, site)
    ask(page, OPTIONS_QUESTION)
    width, height = viewport["width"], viewport["height"]
    for selector in ("button.iep-chat-close", "button.iep-chat-restart", "button.iep-chat-human"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box)
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, (selector, box)
    overflow = page.evaluate(
        "[document.documentElement.scrollWidth, ...['.iep-chat-panel', '.iep-chat-log',"
        " '.iep-chat-header'].map(s => { const e = document.querySelector(s);"
        " return e.scrollWidth - e.clientWidth; })]"
    )
    assert overflow[0] <= width and overflow[1:] == [0, 0, 0], overflow
    page.click("button.iep-chat-restart")
    box = page.locator(".iep-confirm-box").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    context.close()


@pytest.mark.parametrize("name, viewport", [("phone", PHONE), ("desktop", DESKTOP)])
def test_first_open_options_and_a_long_answer_from_its_first_line(stack, browser, name, viewport):
    _, site = stack
    context = browser.new_context(viewport=viewport, is_mobile=name == "phone")
    page = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    open_widget(page, site)
    page.screenshot(path=str(SCREENSHOTS / f"widget-{name}-first-open.png"))
    ask(page, OPTIONS_QUESTION)  # the first reply also brings the notice
    ask(page, SHORT_QUESTION)
    options = page.locator(".iep-msg-bot").last.locator(".iep-quick-replies")
    assert options.locator("button").count() >= 2
    assert reply_position(page)["top"] >= 0  # the reply's start is in view...
    options.scroll_into_view_if_needed()  # ...and its options a scroll away at most
    page.screenshot(path=str(SCREENSHOTS / f"widget-{name}-options.png"))
    ask(page, LONG_QUESTION)
    page.wait_for_timeout(500)  # any later part of the reply
    where = reply_position(page)
    # Longer than the message area, so showing its end would hide its start...
    assert where["height"] > where["view"], where
    assert not where["atEnd"]
    # ...and it is shown from its first line.
    assert abs(where["top"] - where["padding"]) <= 2, where
    page.screenshot(path=str(SCREENSHOTS / f"widget-{name}-long-answer.png"))
    # Closed and opened again: still from the start of the latest reply.
    page.click("button.iep-chat-close")
    page.click("button.iep-chat-launcher")
    assert abs(reply_position(page)["top"] - where["padding"]) <= 2
    context.close()
