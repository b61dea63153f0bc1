"""rasa-webchat (Botfront's widget, 1.0.1 from npm) against the assistant's socket.io
channel, in Chromium at phone width (issue 20): a page on one origin embeds its UMD bundle
from node_modules, configured exactly as the README's example says, and talks to the Rasa
server on another origin.

Checked: the start payloads give the greeting; with the client named in ``customData`` (or
``SOCKETIO_SOURCE_IN_TEXT=1`` on the server) an answer carries its source line and FAQ
link in the text, and without either it does not; the help contacts are a list; after
"delete my conversation" the README's hook leaves no stored transcript."""

from __future__ import annotations

import functools
import json
import re
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from contract import CONVERSATION_ERASED
from harness.servers import Servers
from tests.browser.test_erase_widget import rows_of

REPO = Path(__file__).resolve().parents[2]
BUNDLE = REPO / "node_modules" / "rasa-webchat" / "lib" / "index.js"
README = REPO / "README.md"
PUBLIC_URL = "https://iep-help.example.org"
PHONE = {"width": 360, "height": 740}
GREETING = "I answer questions about IEP mediation"

# The README's example, as a site owner copies it: its script path and server address are
# the ones to replace.
EXAMPLE_SCRIPT = '<script src="/js/rasa-webchat-1.0.1.js"></script>'
EXAMPLE_SERVER = 'socketUrl: "https://assistant.example.org"'
START = 'initPayload: "/get_started"'
CLIENT = 'customData: { client: "rasa-webchat" },'


def readme_example() -> str:
    section = README.read_text(encoding="utf-8").split(
        "## Using rasa-webchat instead of our widget", 1
    )[1]
    [example] = re.findall(r"```html\n(.*?)```", section.split("\n## ", 1)[0], re.DOTALL)
    for needed in (EXAMPLE_SCRIPT, EXAMPLE_SERVER, START, CLIENT, CONVERSATION_ERASED):
        assert needed in example, f"the README's rasa-webchat example lost {needed!r}"
    return example


def write_page(root: Path, name: str, rasa_port: int, *edits: tuple) -> None:
    example = readme_example().replace(EXAMPLE_SCRIPT, '<script src="/rasa-webchat.js"></script>')
    example = example.replace(EXAMPLE_SERVER, f'socketUrl: "http://localhost:{rasa_port}"')
    for old, new in edits:
        example = example.replace(old, new)
    (root / name).write_text(
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        f"<title>A site with rasa-webchat</title></head><body><h1>Our site</h1>{example}"
        "</body></html>",
        encoding="utf-8",
    )


class PageSite:
    """The site that embeds rasa-webchat: static files on the port the assistant allows."""

    def __init__(self, root: Path, port: int) -> None:
        handler = functools.partial(QuietHandler, directory=str(root))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.port = port
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, name: str) -> str:
        return f"http://localhost:{self.port}/{name}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # noqa: D102 - no request lines in the test output
        pass


def site_with_pages(workdir: Path, servers: Servers) -> PageSite:
    if not BUNDLE.exists():
        pytest.fail("rasa-webchat is missing from node_modules: run `npm ci`")
    root = workdir / "pages"
    root.mkdir()
    (root / "rasa-webchat.js").write_bytes(BUNDLE.read_bytes())
    port = servers.rasa_port
    write_page(root, "named.html", port)  # exactly the README's example
    write_page(root, "greet.html", port, (START, 'initPayload: "/greet"'))
    write_page(root, "null.html", port, (START, "initPayload: null"))
    write_page(root, "unnamed.html", port, (CLIENT, ""))
    return PageSite(root, servers.site_port)


@pytest.fixture(scope="module")
def webchat(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("rasa_webchat")
    servers = Servers(workdir, env={"PUBLIC_URL": PUBLIC_URL})
    site = site_with_pages(workdir, servers)
    yield servers, site
    site.stop()
    servers.stop()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    # Nothing leaves this machine (rasa-webchat's stylesheet imports a Google font).
    context.route(re.compile(r"^https?://(?!localhost[:/]|127\.0\.0\.1[:/])"), lambda r: r.abort())
    opened = context.new_page()
    yield opened
    context.close()


def open_chat(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".rw-launcher", state="visible", timeout=20000)  # once connected
    page.click(".rw-launcher")
    page.wait_for_selector(".rw-new-message", timeout=10000)


def bot_texts(page) -> list:
    return page.locator(".rw-response").all_inner_texts()


def wait_for_bot_text(page, text: str, timeout: float = 30000) -> None:
    page.wait_for_function(
        "(text) => [...document.querySelectorAll('.rw-response')]"
        ".some(m => m.innerText.includes(text))",
        arg=text,
        timeout=timeout,
    )


def say(page, text: str) -> None:
    page.fill(".rw-new-message", text)
    page.click(".rw-send")


def settle(page, quiet_ms: int = 4000, timeout: float = 30) -> None:
    """Wait until rasa-webchat has shown everything it was sent (it paces messages)."""
    deadline, count, since = time.time() + timeout, -1, time.time()
    while time.time() < deadline:
        now = page.locator(".rw-response").count()
        if now != count:
            count, since = now, time.time()
        elif (time.time() - since) * 1000 > quiet_ms:
            return
        time.sleep(0.1)


def stored(page) -> str:
    return page.evaluate("JSON.stringify({...localStorage, ...sessionStorage})")


def session_id(page):
    raw = page.evaluate("localStorage.getItem('chat_session')")
    return json.loads(raw).get("session_id") if raw else None


@pytest.mark.parametrize("name", ["named.html", "greet.html", "null.html"])
def test_the_start_payload_gets_the_greeting(webchat, phone, name):
    """ "/get_started" (the README's), "/greet" and null: the notice and the greeting first."""
    _, site = webchat
    open_chat(phone, site.url(name))
    wait_for_bot_text(phone, GREETING)
    settle(phone, quiet_ms=2500)
    said = "\n".join(bot_texts(phone))
    assert "didn't get any words" not in said and "Did you mean" not in said
    assert "not sure I understood" not in said
    assert phone.locator(".rw-reply").count() > 0  # the starting topics, as buttons


def test_an_answer_the_contacts_and_delete_with_the_readme_hook(webchat, phone, kb):
    servers, site = webchat
    open_chat(phone, site.url("named.html"))
    wait_for_bot_text(phone, GREETING)
    settle(phone, quiet_ms=2500)

    # An answer ends with its source line and its FAQ link, in the text.
    say(phone, "is mediation free? my son is 9 and has autism")
    wait_for_bot_text(phone, "Read this in the FAQ")
    said = "\n".join(bot_texts(phone))
    assert kb.topic("cost").answer[:40] in said
    [source] = [t for t in bot_texts(phone) if t.startswith("Source:")]
    assert "34 CFR" in source or "“" in source, source
    link = phone.locator(".rw-response a", has_text=f"{PUBLIC_URL}/faq/#cost")
    assert link.count() == 1 and link.get_attribute("href") == f"{PUBLIC_URL}/faq/#cost"
    settle(phone, quiet_ms=2500)

    # The help contacts are a list, one item per contact.
    say(phone, "talk to a person")
    last = kb.help_contacts[-1].name
    wait_for_bot_text(phone, last)
    items = phone.locator(".rw-response", has_text=last).locator("ul > li").all_inner_texts()
    assert len(items) == len(kb.help_contacts), items
    assert all(item.startswith(c.name) for item, c in zip(items, kb.help_contacts)), items
    settle(phone, quiet_ms=2500)

    # "Delete my conversation": the server's copy and, with the hook, the browser's.
    session = session_id(phone)
    assert session and "autism" in stored(phone) and rows_of(servers, session) > 0
    say(phone, "delete my conversation")
    phone.wait_for_selector(".rw-reply:has-text('Yes, delete it')", timeout=30000)
    with phone.expect_navigation(timeout=30000):  # the hook reloads the page
        phone.click(".rw-reply:has-text('Yes, delete it')")
    phone.wait_for_selector(".rw-launcher", state="visible", timeout=20000)
    deadline = time.time() + 10
    while session_id(phone) in (None, session) and time.time() < deadline:
        time.sleep(0.1)
    assert session_id(phone) not in (None, session)  # a new conversation
    left = stored(phone)
    assert "autism" not in left and "delete my conversation" not in left, left[:500]
    deadline = time.time() + 10
    while rows_of(servers, session) and time.time() < deadline:
        time.sleep(0.1)
    assert rows_of(servers, session) == 0


def test_without_the_setting_rasa_webchat_shows_no_source(webchat, phone, kb):
    """The control: a client that does not name itself gets what our widget gets, and
    rasa-webchat drops the source and FAQ link (so the setting above is what shows them)."""
    _, site = webchat
    open_chat(phone, site.url("unnamed.html"))
    wait_for_bot_text(phone, GREETING)
    settle(phone, quiet_ms=2500)
    say(phone, "is mediation free?")
    wait_for_bot_text(phone, kb.topic("cost").answer[:40])
    settle(phone, quiet_ms=3000)
    said = "\n".join(bot_texts(phone))
    assert "Source:" not in said and "/faq/#cost" not in said


@pytest.fixture(scope="module")
def webchat_deployment(tmp_path_factory):
    """A deployment with SOCKETIO_SOURCE_IN_TEXT=1: every socket.io client gets the text."""
    workdir = tmp_path_factory.mktemp("rasa_webchat_text")
    servers = Servers(workdir, env={"PUBLIC_URL": PUBLIC_URL, "SOCKETIO_SOURCE_IN_TEXT": "1"})
    site = site_with_pages(workdir, servers)
    yield servers, site
    site.stop()
    servers.stop()


def test_the_deployment_setting_puts_the_source_in_the_text_for_every_client(
    webchat_deployment, phone, kb
):
    _, site = webchat_deployment
    open_chat(phone, site.url("unnamed.html"))  # no customData
    wait_for_bot_text(phone, GREETING)
    settle(phone, quiet_ms=2500)
    say(phone, "is mediation free?")
    wait_for_bot_text(phone, "Read this in the FAQ")
    said = "\n".join(bot_texts(phone))
    assert kb.topic("cost").answer[:40] in said
    assert any(t.startswith("Source:") for t in bot_texts(phone))
    assert phone.locator(".rw-response a", has_text=f"{PUBLIC_URL}/faq/#cost").count() == 1
