"""Per-app shaping: buttons within limits, numbered options, splitting, markup."""

from __future__ import annotations

import pytest

from channels import reply_renderer as renderer
from channels.sms import is_gsm7

BUTTONS = [
    {"title": f"Question number {i} about mediation", "payload": f"/ask_{i}"} for i in range(1, 16)
]


@pytest.mark.parametrize(
    "channel, count, title_len",
    [("facebook", 13, 20), ("telegram", 6, 40), ("slack", 5, 75), ("rest", 10, 80)],
)
def test_buttons_fit_each_apps_limits(channel, count, title_len):
    shaped = renderer.shape(channel, "Hello.", BUTTONS)
    assert len(shaped["buttons"]) == count
    assert all(len(b["title"]) <= title_len for b in shaped["buttons"])
    assert shaped["buttons"][0]["payload"] == "/ask_1"


def test_sms_gets_a_numbered_list_instead_of_buttons():
    shaped = renderer.shape("twilio", "Pick one.", BUTTONS[:3])
    assert "buttons" not in shaped
    assert shaped["text"].endswith(
        "Reply 1, 2 or 3:\n1. Question number 1 about mediation\n"
        "2. Question number 2 about mediation\n"
        "3. Question number 3 about mediation"
    )


def test_long_text_splits_at_sentence_boundaries_in_order():
    sentences = [f"Sentence {i} says something useful about mediation." for i in range(60)]
    text = " ".join(sentences)
    parts = renderer.split_text(text, 300)
    assert all(len(p) <= 300 for p in parts) and len(parts) > 5
    assert " ".join(parts) == text
    assert all(p.endswith(".") for p in parts)


def test_a_sentence_longer_than_a_message_is_cut_at_a_space():
    parts = renderer.split_text("word " * 500, 100)
    assert all(0 < len(p) <= 100 for p in parts)
    assert " ".join(parts).split() == ["word"] * 500


def test_markup_per_app():
    assert (
        renderer.format_text(renderer.STYLES["slack"], "**Free** <b>&") == "*Free* &lt;b&gt;&amp;"
    )
    assert renderer.format_text(renderer.STYLES["twilio"], "**Free** now") == "Free now"


def test_unknown_channel_gets_the_default_style():
    assert (
        renderer.style_for("cmdline") is renderer.DEFAULT_STYLE
        and renderer.style_for(None) is renderer.DEFAULT_STYLE
    )


# ``render``: one channel-neutral reply, as each app shows it.
CONTRACT = {"topic": "cost", "kind": "answer", "source": {"text": "Source: the article"}}
OPTIONS = [
    {"title": "Who attends?", "payload": "/ask_attendees"},
    {"title": "How long does it take?", "payload": "/ask_duration"},
    {"title": "Something else", "payload": "/something_else"},
]


def answer(parts=("The district pays. **Free** for parents.",), options=OPTIONS):
    return {
        "text": None,
        "custom": {
            renderer.REPLY: {
                "parts": list(parts),
                "source": "Source: the article",
                "options": list(options),
                "topic": CONTRACT,
            }
        },
    }


def response_with_options(options=OPTIONS):
    return {
        "text": "Did you mean one of these?",
        "utter_action": "utter_clarify",
        "custom": {
            renderer.REPLY: {"parts": [], "source": None, "options": list(options), "topic": None}
        },
    }


def test_rest_gets_the_source_line_in_the_text_buttons_and_the_contract():
    [message] = renderer.render("rest", answer())
    assert message["text"] == "The district pays. Free for parents.\n\nSource: the article"
    assert message["buttons"] == OPTIONS and message["custom"] == CONTRACT


def test_the_widget_gets_no_source_line_and_the_contract_under_data():
    [message] = renderer.render("socketio", answer())
    assert message["text"] == "The district pays. Free for parents."
    assert message["buttons"] == OPTIONS and message["custom"] == {"data": CONTRACT}


def test_a_text_only_socketio_client_gets_the_source_and_faq_link_and_only_the_event(monkeypatch):
    """rasa-webchat drops custom frames: what our widget draws from the contract is text."""
    monkeypatch.setenv("PUBLIC_URL", "https://help.example.org/")
    [message] = renderer.render(renderer.SOCKETIO_TEXT, answer())
    assert message["text"] == (
        "The district pays. Free for parents.\n\nSource: the article\n\n"
        "Read this in the FAQ: https://help.example.org/faq/#cost"
    )
    assert message["buttons"] == OPTIONS and "custom" not in message
    erased = {
        "text": "Deleted.",
        "custom": {renderer.REPLY: {"parts": [], "options": [], "event": "conversation_erased"}},
    }
    assert renderer.render(renderer.SOCKETIO_TEXT, erased) == [
        {"text": "Deleted.", "custom": {"data": {"event": "conversation_erased"}}}
    ]
    assert renderer.render("socketio", erased)[0]["custom"] == {
        "data": {"event": "conversation_erased"}
    }


def test_sms_gets_a_faq_link_instead_of_the_source_numbered_options_and_no_contract(monkeypatch):
    monkeypatch.setenv("PUBLIC_URL", "https://help.example.org/")
    [message] = renderer.render("twilio", answer())
    assert message["text"] == (
        "The district pays. Free for parents.\nMore: https://help.example.org/faq/#cost\n"
        "Reply 1, 2 or 3:\n1. Who attends?\n2. How long does it take?\n"
        "3. Something else"
    )
    assert "buttons" not in message and "custom" not in message


def test_sms_response_with_options_ends_with_the_numbered_list_in_the_same_message():
    [message] = renderer.render("twilio", response_with_options())
    assert message == {
        "text": "Did you mean one of these?\nReply 1, 2 or 3:\n1. Who attends?\n"
        "2. How long does it take?\n3. Something else",
        "utter_action": "utter_clarify",
    }


def test_sms_options_too_long_for_the_last_message_follow_it():
    long_text = "A sentence about mediation. " * 56  # 1,568 characters: one full SMS message
    [reply] = renderer.render(
        "twilio", {"text": long_text.strip(), "custom": {"reply": {"options": OPTIONS}}}
    )
    first, numbered = reply["text"].rsplit("\n\n", 1)
    assert numbered.startswith("Reply 1, 2 or 3:\n1. Who attends?") and len(first) <= 1600


def test_sms_lists_of_more_than_three_options_ask_for_a_range():
    options = [{"title": f"Topic {i}", "payload": f"/ask_{i}"} for i in range(1, 10)]
    assert renderer.numbered_options(options).startswith("Reply 1-9:\n1. Topic 1\n")
    assert renderer.numbered_options(options[:2]).startswith("Reply 1 or 2:\n")


@pytest.mark.parametrize("channel", ["rest", "socketio", "telegram", "facebook", "slack"])
def test_a_response_with_options_carries_the_apps_buttons(channel):
    [message] = renderer.render(channel, response_with_options(BUTTONS))
    style = renderer.STYLES[channel]
    assert message["text"] == "Did you mean one of these?"
    assert message["utter_action"] == "utter_clarify" and "custom" not in message
    assert message["buttons"] == renderer.fit_buttons(style, BUTTONS)
    assert len(message["buttons"]) == style.max_buttons


@pytest.mark.parametrize("channel", ["telegram", "facebook", "slack"])
def test_messaging_apps_get_buttons_within_limits_the_source_and_no_contract(channel):
    [message] = renderer.render(channel, answer(options=BUTTONS))
    style = renderer.STYLES[channel]
    assert message["text"].endswith("\n\nSource: the article") and "custom" not in message
    assert message["buttons"] == renderer.fit_buttons(style, BUTTONS)
    assert all(message.get(k) == v for k, v in style.button_options)


def test_telegram_buttons_come_as_a_vertical_keyboard():
    [message] = renderer.render("telegram", answer())
    assert message["button_type"] == "vertical"


def test_slack_escapes_markup_in_the_answer():
    [message] = renderer.render("slack", answer(parts=["**Free** <b> & more"]))
    assert message["text"].startswith("*Free* &lt;b&gt; &amp; more\n\n")


def test_long_parts_are_split_within_the_apps_size():
    long = " ".join(f"Sentence {i} says something useful about mediation." for i in range(120))
    for channel in ("twilio", "facebook", "telegram", "slack"):
        [message] = renderer.render(channel, answer(parts=[long]))
        pieces = message["text"].split("\n\n")
        assert all(len(p) <= renderer.STYLES[channel].max_chars for p in pieces), channel
        assert " ".join(pieces).startswith(long)


def test_messages_without_a_neutral_reply_pass_unchanged():
    message = {"text": "Hello.", "buttons": OPTIONS, "custom": {"other": 1}}
    assert renderer.render("twilio", message) == [message]


def test_sms_link_defaults_to_the_local_server(monkeypatch):
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    [message] = renderer.render("twilio", answer())
    assert "More: http://localhost:5005/faq/#cost\n" in message["text"]


def test_sms_details_carry_no_source_and_no_link():
    reply = answer(parts=["More about it."])
    reply["custom"][renderer.REPLY]["topic"] = {**CONTRACT, "kind": "details"}
    [message] = renderer.render("twilio", reply)
    assert message["text"] == "More about it."  # nor the options just sent with the answer
    assert "Source" not in message["text"] and "/faq/" not in message["text"]


def test_sms_typography_becomes_gsm7_and_other_apps_keep_it():
    typed = "“Quoted” ‘it’s’ • one ¶3 … a–b—c\u00a0d § 300"
    [sms] = renderer.render("twilio", answer(parts=[typed]))
    assert sms["text"].startswith("\"Quoted\" 'it's' - one para 3 ... a-b-c d Sec. 300\n")
    assert is_gsm7(sms["text"])
    plain = renderer.render("twilio", {"text": "It’s “free”."})
    assert plain == [{"text": 'It\'s "free".'}]
    for channel in ("telegram", "facebook", "slack", "rest", "socketio"):
        [rich] = renderer.render(channel, answer(parts=[typed]))
        assert rich["text"].startswith(typed), channel
        assert renderer.render(channel, {"text": "It’s"}) == [{"text": "It’s"}]


def contacts_message(again=False):
    return {
        "text": "• Office: runs mediation, a long line\n• PTI: free help, a long line",
        "utter_action": "utter_help_contacts",
        "custom": {
            renderer.REPLY: {
                "parts": [],
                "source": None,
                "options": [],
                "topic": None,
                "contacts": {"short": ["Office: runs it", "PTI: free help"], "again": again},
            }
        },
    }


def test_sms_help_contacts_are_the_short_lines_and_a_link(monkeypatch):
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    [message] = renderer.render("twilio", contacts_message())
    assert message["text"] == (
        "Office: runs it\nPTI: free help\nFull list: http://localhost:5005/faq/#help"
    )
    assert message["utter_action"] == "utter_help_contacts"


def test_sms_second_decline_gets_a_one_line_pointer(monkeypatch):
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    [message] = renderer.render("twilio", contacts_message(again=True))
    assert "\n" not in message["text"] and message["text"].endswith("/faq/#help")
    assert "Office" not in message["text"]


@pytest.mark.parametrize("channel", ["rest", "socketio", "telegram", "facebook", "slack"])
@pytest.mark.parametrize("again", [False, True])
def test_other_apps_get_the_full_help_contacts(channel, again):
    [message] = renderer.render(channel, contacts_message(again))
    assert message["text"] == contacts_message()["text"]


def test_a_style_names_every_field_at_its_call_site():
    """Keyword-only: five positional numbers and flags could be swapped unseen."""
    with pytest.raises(TypeError):
        renderer.ChannelStyle(True, 10, 80, 10_000, "plain")  # type: ignore[misc]
    style = renderer.ChannelStyle(
        native_buttons=True, max_buttons=5, max_button_title=75, max_chars=3000, markup="slack"
    )
    assert style == renderer.STYLES["slack"]
