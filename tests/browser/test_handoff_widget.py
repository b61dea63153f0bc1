"""A callback request through the widget (issue 11), in a real browser against the real
servers, with the action server e-mailing a local SMTP server (aiosmtpd): "Talk to a
person", "Ask the organisation to contact me", consent, question, name, e-mail; then the
e-mail's content and the confirmation the parent reads."""

from __future__ import annotations

import pytest

import harness.servers
from harness.servers import Servers, Site
from tests.browser.test_widget import open_widget
from tests.smtp_sink import SmtpSink


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """The servers with the organisation's inbox configured, and the site."""
    workdir = tmp_path_factory.mktemp("handoff_widget")
    with SmtpSink() as sink, pytest.MonkeyPatch.context() as patch:
        for name, value in sink.env().items():
            patch.setitem(harness.servers.ENV, name, value)
        servers = Servers(workdir)
        site = Site(workdir, servers.rasa_port, servers.site_port)
        yield servers, site, sink
        site.stop()
        servers.stop()


def bot_says(page, text: str) -> None:
    page.wait_for_function(
        "(t) => [...document.querySelectorAll('.iep-msg-bot')].some(m => m.innerText.includes(t))",
        arg=text,
        timeout=20000,
    )


def reply(page, text: str) -> None:
    page.fill("textarea.iep-chat-input", text)
    page.keyboard.press("Enter")


def test_a_parent_asks_the_organisation_to_contact_them(stack, page):
    _, site, sink = stack
    open_widget(page, site)
    page.click("button.iep-chat-human")
    offer = page.locator(".iep-quick-reply", has_text="Ask the organisation to contact me")
    offer.last.wait_for(timeout=20000)
    offer.last.click()
    bot_says(page, "Is it OK to send it to them")
    page.locator(".iep-quick-reply", has_text="Yes, share it").last.click()
    bot_says(page, "What would you like to ask them?")
    question = "Our mediation is next week. Can someone go over the draft agreement with me?"
    reply(page, question)
    bot_says(page, "What name should they use?")
    reply(page, "Maria")
    bot_says(page, "what e-mail address or phone number")
    reply(page, "next week is fine")  # no contact in it: asked again, clearly
    bot_says(page, "I couldn't find an e-mail address or a phone number")
    reply(page, "maria.lopez@example.com")
    bot_says(page, "A person there will contact you at maria.lopez@example.com")
    [mail] = sink.wait_for(1)
    body = mail.get_content()
    assert mail["To"] == SmtpSink.INBOX and mail["From"] == SmtpSink.SENDER
    assert "Name: Maria" in body and "Contact: maria.lopez@example.com" in body
    assert question in body and "Channel: socketio" in body
    # The conversation, redacted as stored: the contact typed in it is hidden.
    assert "Parent: next week is fine" in body and "Parent: [email]" in body
    assert "Assistant: What would you like to ask them?" in body
